import Busboy from 'busboy';
import { createWriteStream, createReadStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Request } from 'express';
import { Errors, LIMITS, newMessageId, toE164 } from '@clarion/contracts';
import { ApiError } from './api';

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
 * lines, every line normalised to E.164 and written to a temporary file. Only fields named in
 * `fileFields` are accepted as files; the byte and line limits bound what one upload can cost.
 */
export function parseNumberUpload(req: Request, fileFields: string[], limits = { bytesMax: LIMITS.uploadBytesMax, linesMax: LIMITS.recipientsPerCampaignMax }): Promise<ParsedUpload> {
  const fields: Record<string, string> = {};
  const files: Record<string, NumberFile> = {};
  const pending: Promise<void>[] = [];
  const cleanup = async () => {
    await Promise.all(Object.values(files).map((f) => fs.rm(f.path, { force: true })));
  };
  return new Promise<ParsedUpload>((resolve, reject) => {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      reject(new ApiError(Errors.invalidParameter('Content-Type must be multipart/form-data.')));
      return;
    }
    let failed: ApiError | null = null;
    const fail = (e: ApiError) => {
      if (!failed) failed = e;
    };
    let bb: Busboy.Busboy;
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
      const file: NumberFile = { path: join(tmpdir(), `clarion-${newMessageId()}.txt`), lines: 0, valid: 0, invalid: 0 };
      files[name] = file;
      const out = createWriteStream(file.path);
      stream.on('limit', () => fail(new ApiError(Errors.payloadTooLarge(`${name} is larger than ${limits.bytesMax} bytes.`))));
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      pending.push(
        (async () => {
          for await (const line of rl) {
            if (line.trim() === '') continue;
            file.lines++;
            if (file.lines > limits.linesMax) {
              fail(new ApiError(Errors.payloadTooLarge(`${name} has more than ${limits.linesMax} lines.`)));
              continue; // keep draining so the request completes
            }
            const n = toE164(line);
            if (n === null) {
              file.invalid++;
              continue;
            }
            file.valid++;
            if (!out.write(n + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
          }
          await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
        })(),
      );
    });
    bb.on('error', () => fail(new ApiError(Errors.invalidParameter('Malformed multipart body.'))));
    bb.on('close', () => {
      Promise.all(pending)
        .then(async () => {
          if (failed) {
            await cleanup();
            reject(failed);
          } else resolve({ fields, files, cleanup });
        })
        .catch(async (err) => {
          await cleanup();
          reject(err);
        });
    });
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
