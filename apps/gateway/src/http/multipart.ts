import Busboy from 'busboy';
import { createWriteStream, createReadStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import { Errors, LIMITS, newMessageId, toE164 } from '@clarion/contracts';
import { ApiError } from './api';
import { LineSplitter } from './line-splitter';

/** Where uploads are spooled while they stream in; each file is removed when its request ends. */
export const uploadDir = () => process.env.CLARION_UPLOAD_DIR || tmpdir();

/** A fresh path under the upload directory. */
export const spoolPath = () => join(uploadDir(), `clarion-${newMessageId()}.txt`);

/**
 * What becomes of one file field while it streams in. The sink reads `chunks` (utf8 text) and
 * returns what it made of it; it registers anything it leaves on disk with `onCleanup` before
 * writing it, so an abort or a refused upload removes it. Throwing an ApiError (or stopping early)
 * refuses the upload: whatever the sink did not read is drained, so the request completes and the
 * client gets the answer.
 */
export type FileSink<T> = (chunks: AsyncIterable<string>, onCleanup: (remove: () => Promise<void>) => void) => Promise<T>;

export interface Multipart<T> {
  fields: Record<string, string>;
  files: Partial<Record<string, T>>;
  cleanup(): Promise<void>;
}

/**
 * How long a refused upload's remaining bytes are still read (and discarded) before the connection
 * is cut: closing at once, with the client still sending, resets the connection, and a client may
 * then lose the answer it was sent.
 */
const REFUSED_UPLOAD_LINGER_MS = 10_000;

/**
 * Streams a multipart request without holding a file in memory: each file field named in `sinks`
 * goes to its sink as it arrives; any other file field refuses the upload. `bytesMax` bounds each
 * file. An upload that crosses a limit (bytes, or a sink's lines), or is malformed, is refused as
 * soon as that is seen, while it still streams: nothing more is parsed or spooled, what was spooled
 * is removed, and the rest of the request is read and dropped for at most REFUSED_UPLOAD_LINGER_MS
 * so that the client gets the answer. A request the client aborts settles at once, and everything
 * the sinks spooled is removed.
 */
export function parseMultipart<T>(req: Request, sinks: Record<string, FileSink<T>>, limits: { bytesMax: number }): Promise<Multipart<T>> {
  const fields: Record<string, string> = {};
  const files: Partial<Record<string, T>> = {};
  const pending: Promise<void>[] = [];
  const inputs: Readable[] = [];
  const removals: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const input of inputs) input.destroy();
    await Promise.all(removals.map((r) => r().catch(() => undefined)));
  };
  return new Promise<Multipart<T>>((resolve, reject) => {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      reject(new ApiError(Errors.invalidParameter('Content-Type must be multipart/form-data.')));
      return;
    }
    let settled = false;
    let bb: Busboy.Busboy | undefined;
    /** Stops parsing, removes what the sinks spooled, then rejects with `e`. */
    const stopParsing = (e: ApiError) => {
      if (bb) {
        req.unpipe(bb);
        bb.destroy();
      }
      cleanup().finally(() => reject(e));
    };
    /** Refuses the upload now: stops parsing and spooling, removes what was spooled, drops the rest. */
    const fail = (e: ApiError) => {
      if (settled) return;
      settled = true;
      // Busboy reports a limit from inside its parser, which must not be torn down under it.
      setImmediate(() => {
        req.resume();
        const linger = setTimeout(() => req.socket?.destroy(), REFUSED_UPLOAD_LINGER_MS);
        linger.unref();
        req.once('end', () => clearTimeout(linger));
        req.once('close', () => clearTimeout(linger));
        stopParsing(e);
      });
    };
    try {
      bb = Busboy({ headers: req.headers, limits: { fileSize: limits.bytesMax, fields: 50, fieldSize: 64 * 1024, files: 4 } });
    } catch {
      reject(new ApiError(Errors.invalidParameter('Malformed multipart body.')));
      return;
    }
    const seen = new Set<string>();
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, stream) => {
      const sink = Object.prototype.hasOwnProperty.call(sinks, name) ? sinks[name] : undefined;
      if (!sink || seen.has(name)) {
        stream.resume();
        if (!sink) fail(new ApiError(Errors.invalidParameter(`Unexpected file field "${name}".`)));
        return;
      }
      seen.add(name);
      inputs.push(stream);
      stream.on('limit', () => fail(new ApiError(Errors.payloadTooLarge(`${name} is larger than ${limits.bytesMax} bytes.`))));
      stream.setEncoding('utf8');
      // The sink reads through an iterator it cannot close: leaving a for-await early would destroy
      // the file stream, and busboy would wait for it forever. What it leaves is drained below.
      const it = (stream as AsyncIterable<string>)[Symbol.asyncIterator]();
      const chunks: AsyncIterable<string> = { [Symbol.asyncIterator]: () => ({ next: () => it.next(), return: async () => ({ done: true, value: undefined }) }) };
      const drain = async () => {
        for (;;) if ((await it.next()).done) return;
      };
      const done = sink(chunks, (r) => removals.push(r))
        .then(async (value) => {
          await drain();
          files[name] = value;
        })
        .catch((err: unknown) => {
          // The sink refused this file (too many lines, a line too long): the upload is refused now.
          if (err instanceof ApiError) fail(err);
          else throw err;
        });
      // An abort destroys the stream and settles the request itself; this keeps that rejection handled.
      done.catch(() => undefined);
      pending.push(done);
    });
    bb.on('error', () => fail(new ApiError(Errors.invalidParameter('Malformed multipart body.'))));
    bb.on('close', () => {
      Promise.all(pending)
        .then(() => {
          if (settled) return;
          settled = true;
          resolve({ fields, files, cleanup });
        })
        .catch(async (err) => {
          if (settled) return;
          settled = true;
          await cleanup();
          reject(err);
        });
    });
    // The client went away mid-upload: stop parsing, close and remove what was spooled, settle now.
    const aborted = () => {
      if (settled || req.complete) return;
      settled = true;
      stopParsing(new ApiError(Errors.invalidParameter('The upload was aborted by the client.')));
    };
    req.on('close', aborted);
    req.on('error', aborted);
    req.pipe(bb);
  });
}

/** Writes text to a file with its backpressure; the first write error is kept, never thrown as an event. */
export class Spool {
  private readonly out: ReturnType<typeof createWriteStream>;
  private writeError: Error | null = null;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
    // A write that fails (disk full, or the stream destroyed by an abort) must not crash the
    // process through an unhandled 'error' event; the first error fails this upload instead.
    this.out.on('error', (err) => (this.writeError ??= err));
  }

  /** One write per chunk of lines, not per line: fewer, larger writes keep the garbage (and the RSS) down. */
  async write(text: string): Promise<void> {
    if (text === '' || this.out.destroyed) return;
    if (!this.out.write(text)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async end(): Promise<void> {
    await new Promise<void>((r, j) => this.out.end((err?: Error | null) => (err ? j(err) : r())));
    if (this.writeError) throw this.writeError;
  }

  destroy(): void {
    this.out.destroy();
  }
}

/** A number file, normalised while it streams in: valid E.164 numbers spooled to disk, one a line. */
export interface NumberFile {
  path: string;
  lines: number;
  valid: number;
  invalid: number;
}

export interface ParsedUpload {
  fields: Record<string, string>;
  files: Record<string, NumberFile>;
  cleanup(): Promise<void>;
}

/**
 * A sink for a plain list of numbers (opt-out uploads): split into lines (no line longer than
 * LIMITS.lineCharsMax is ever held), every line normalised to E.164 and written to a spool file.
 */
export function numberFileSink(name: string, linesMax: number): FileSink<NumberFile> {
  return async (stream, onCleanup) => {
    const file: NumberFile = { path: spoolPath(), lines: 0, valid: 0, invalid: 0 };
    const spool = new Spool(file.path);
    onCleanup(async () => {
      spool.destroy();
      await fs.rm(file.path, { force: true });
    });
    const splitter = new LineSplitter(LIMITS.lineCharsMax);
    let lineNo = 0;
    let refused: ApiError | null = null;
    const take = (line: string | null): string | null => {
      lineNo++;
      if (line === null) {
        refused ??= new ApiError(Errors.invalidParameter(`${name} line ${lineNo} is longer than ${LIMITS.lineCharsMax} characters.`));
        return null;
      }
      if (line.trim() === '') return null;
      file.lines++;
      if (file.lines > linesMax) {
        refused ??= new ApiError(Errors.payloadTooLarge(`${name} has more than ${linesMax} lines.`));
        return null;
      }
      const n = toE164(line);
      if (n === null) file.invalid++;
      else file.valid++;
      return n;
    };
    const spoolLines = (lines: (string | null)[]) => {
      let text = '';
      for (const line of lines) {
        const n = take(line);
        if (n !== null) text += n + '\n';
      }
      return text;
    };
    // Lines are taken synchronously; only the file's backpressure makes us wait, per chunk
    // (a 50 MB file has four million lines: a wait per line would cost more than the parsing).
    // A refusal ends the file at the chunk that crossed the limit: parseMultipart refuses the upload then.
    for await (const chunk of stream) {
      await spool.write(spoolLines(splitter.push(chunk)));
      if (refused) throw refused;
    }
    await spool.write(spoolLines(splitter.end()));
    await spool.end();
    if (refused) throw refused;
    return file;
  };
}

/**
 * Streams a multipart request of number files (see numberFileSink); only the fields named in
 * `fileFields` are accepted as files. The byte, line and line-length limits bound what one upload
 * can cost.
 */
export async function parseNumberUpload(req: Request, fileFields: string[], limits = { bytesMax: LIMITS.uploadBytesMax, linesMax: LIMITS.recipientsPerCampaignMax }): Promise<ParsedUpload> {
  const sinks = Object.fromEntries(fileFields.map((f) => [f, numberFileSink(f, limits.linesMax)]));
  const parsed = await parseMultipart(req, sinks, { bytesMax: limits.bytesMax });
  return { fields: parsed.fields, files: parsed.files as Record<string, NumberFile>, cleanup: parsed.cleanup };
}

/** Reads a spooled file back in batches of lines, never more than one batch in memory. */
export async function* lineBatches(path: string, size: number): AsyncGenerator<string[]> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let batch: string[] = [];
  for await (const line of rl) {
    if (!line) continue;
    batch.push(line);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Reads a spooled number file back in batches, never more than one batch in memory. */
export function numberBatches(file: NumberFile, size: number): AsyncGenerator<string[]> {
  return lineBatches(file.path, size);
}
