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

/**
 * How long a refused upload's remaining bytes are still read (and discarded) before the connection
 * is cut: closing at once, with the client still sending, resets the connection, and a client may
 * then lose the answer it was sent.
 */
const REFUSED_UPLOAD_LINGER_MS = 10_000;

/** Where uploads are spooled while they stream in; each file is removed when its request ends. */
export const uploadDir = () => process.env.CLARION_UPLOAD_DIR || tmpdir();

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
 * Streams a multipart request without holding a file in memory: each file field is split into
 * lines (no line longer than LIMITS.lineCharsMax is ever held), every line normalised to E.164 and
 * written to a temporary file. Only fields named in `fileFields` are accepted as files; the byte,
 * line and line-length limits bound what one upload can cost. An upload that crosses a limit, or is
 * malformed, is refused as soon as that is seen, while it still streams: nothing more is parsed or
 * spooled, and the rest of the request is read and dropped for a while so the client gets the
 * answer. A request the client aborts settles at once, and every file it spooled is removed.
 */
export function parseNumberUpload(req: Request, fileFields: string[], limits = { bytesMax: LIMITS.uploadBytesMax, linesMax: LIMITS.recipientsPerCampaignMax }): Promise<ParsedUpload> {
  const fields: Record<string, string> = {};
  const files: Record<string, NumberFile> = {};
  const pending: Promise<void>[] = [];
  const open: { input: Readable; out: ReturnType<typeof createWriteStream> }[] = [];
  const cleanup = async () => {
    for (const o of open) {
      o.input.destroy();
      o.out.destroy();
    }
    await Promise.all(Object.values(files).map((f) => fs.rm(f.path, { force: true })));
  };
  return new Promise<ParsedUpload>((resolve, reject) => {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      reject(new ApiError(Errors.invalidParameter('Content-Type must be multipart/form-data.')));
      return;
    }
    let settled = false;
    let bb: Busboy.Busboy | undefined;
    /** Refuses the upload now: stops parsing and spooling, removes what was spooled, drops the rest. */
    const fail = (e: ApiError) => {
      if (settled) return;
      settled = true;
      // Busboy reports a limit from inside its parser, which must not be torn down under it.
      setImmediate(() => {
        if (bb) {
          req.unpipe(bb);
          bb.destroy();
        }
        req.resume();
        const linger = setTimeout(() => req.socket?.destroy(), REFUSED_UPLOAD_LINGER_MS);
        linger.unref();
        req.once('end', () => clearTimeout(linger));
        req.once('close', () => clearTimeout(linger));
        cleanup().finally(() => reject(e));
      });
    };
    try {
      bb = Busboy({ headers: req.headers, limits: { fileSize: limits.bytesMax, fields: 50, fieldSize: 64 * 1024, files: 4 } });
    } catch {
      reject(new ApiError(Errors.invalidParameter('Malformed multipart body.')));
      return;
    }
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, stream) => {
      if (!fileFields.includes(name) || files[name]) {
        stream.resume();
        if (!fileFields.includes(name)) fail(new ApiError(Errors.invalidParameter(`Unexpected file field "${name}".`)));
        return;
      }
      const file: NumberFile = { path: join(uploadDir(), `clarion-${newMessageId()}.txt`), lines: 0, valid: 0, invalid: 0 };
      files[name] = file;
      const out = createWriteStream(file.path);
      // A write that fails (disk full, or the stream destroyed by an abort) must not crash the
      // process through an unhandled 'error' event; the first error fails this upload instead.
      let writeError: Error | null = null;
      out.on('error', (err) => (writeError ??= err));
      open.push({ input: stream, out });
      stream.on('limit', () => fail(new ApiError(Errors.payloadTooLarge(`${name} is larger than ${limits.bytesMax} bytes.`))));
      stream.setEncoding('utf8');
      const splitter = new LineSplitter(LIMITS.lineCharsMax);
      let lineNo = 0;
      /** The normalised number of one line, or null; counts what it sees. */
      const take = (line: string | null): string | null => {
        lineNo++;
        if (line === null) {
          fail(new ApiError(Errors.invalidParameter(`${name} line ${lineNo} is longer than ${LIMITS.lineCharsMax} characters.`)));
          return null;
        }
        if (line.trim() === '') return null;
        file.lines++;
        if (file.lines > limits.linesMax) {
          fail(new ApiError(Errors.payloadTooLarge(`${name} has more than ${limits.linesMax} lines.`)));
          return null;
        }
        const n = toE164(line);
        if (n === null) file.invalid++;
        else file.valid++;
        return n;
      };
      /** One write per chunk, not per line: fewer, larger writes keep the garbage (and the RSS) down. */
      const spool = (lines: (string | null)[]): boolean => {
        let text = '';
        for (const line of lines) {
          const n = take(line);
          if (n !== null) text += n + '\n';
        }
        return text === '' || out.write(text);
      };
      const drained = () => new Promise<void>((r) => out.once('drain', () => r()));
      const spooled = (async () => {
        // Lines are taken synchronously; only the file's backpressure makes us wait, per chunk
        // (a 50 MB file has four million lines: a wait per line would cost more than the parsing).
        for await (const chunk of stream as AsyncIterable<string>) {
          if (settled) return;
          if (!spool(splitter.push(chunk)) && !out.destroyed) await drained();
        }
        if (settled) return;
        spool(splitter.end());
        await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
        if (writeError) throw writeError;
      })();
      // An abort destroys the stream and settles the request itself; this keeps that rejection handled.
      spooled.catch(() => undefined);
      pending.push(spooled);
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
      req.unpipe(bb);
      bb?.destroy();
      cleanup().finally(() => reject(new ApiError(Errors.invalidParameter('The upload was aborted by the client.'))));
    };
    req.on('close', aborted);
    req.on('error', aborted);
    req.pipe(bb);
  });
}

/** Reads a spooled number file back in batches, never more than one batch in memory. */
export async function* numberBatches(file: NumberFile, size: number): AsyncGenerator<string[]> {
  const rl = createInterface({ input: createReadStream(file.path), crlfDelay: Infinity });
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
