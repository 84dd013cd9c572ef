import Busboy from 'busboy';
import type { Request } from 'express';
import { ANNOUNCEMENT_LIMITS, Errors } from '@clarion/contracts';
import { ApiError } from '../../http/api';
import { HEADER_BYTES_MAX, checkWavLength, parseWavHeader, type WavFormat } from './wav-header';

export interface AudioUpload {
  bytes: Buffer;
  format: WavFormat;
}

/**
 * Reads the multipart field `file` (seed 000's name) as a WAV file, streaming: the header is
 * checked as soon as its bytes are in, and from a refusal on (not a playable WAV: 504; larger
 * than bytesMax: 413) the rest of the request is drained without being kept. So one upload holds
 * at most bytesMax bytes, whatever the client sends. Other form fields are ignored.
 */
export function readAudioUpload(req: Request, bytesMax: number = ANNOUNCEMENT_LIMITS.audioBytesMax): Promise<AudioUpload> {
  return new Promise<AudioUpload>((resolve, reject) => {
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      reject(new ApiError(Errors.invalidParameter('Content-Type must be multipart/form-data with the audio in the field "file".')));
      return;
    }
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: req.headers, limits: { fileSize: bytesMax, files: 2, fields: 20, fieldSize: 64 * 1024 } });
    } catch {
      reject(new ApiError(Errors.invalidParameter('Malformed multipart body.')));
      return;
    }
    let failure: ApiError | null = null;
    const refuse = (e: ApiError) => {
      failure ??= e;
      chunks = [];
    };
    let chunks: Buffer[] = [];
    let size = 0;
    let format: WavFormat | null = null;
    let sawFile = false;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };

    bb.on('file', (name, stream) => {
      if (name !== 'file' || sawFile) {
        stream.resume();
        refuse(new ApiError(Errors.invalidParameter(name === 'file' ? 'Only one file may be uploaded.' : `Unexpected file field "${name}"; the audio goes in "file".`)));
        return;
      }
      sawFile = true;
      stream.on('data', (chunk: Buffer) => {
        if (failure) return;
        chunks.push(chunk);
        size += chunk.length;
        if (format === null && size >= HEADER_BYTES_MAX) {
          const head = parseWavHeader(Buffer.concat(chunks).subarray(0, HEADER_BYTES_MAX));
          if (head.ok) format = head.value;
          else refuse(new ApiError(head.error, { reason: head.reason }));
        }
      });
      stream.on('limit', () => refuse(new ApiError(Errors.payloadTooLarge(`An announcement's audio file is at most ${bytesMax} bytes.`), { bytesMax })));
    });
    bb.on('error', () => refuse(new ApiError(Errors.invalidParameter('Malformed multipart body.'))));
    bb.on('close', () =>
      settle(() => {
        if (failure) return reject(failure);
        if (!sawFile) return reject(new ApiError(Errors.mandatoryMissing('file')));
        const bytes = Buffer.concat(chunks);
        const head = format ? { ok: true as const, value: format } : parseWavHeader(bytes);
        const checked = head.ok ? checkWavLength(head.value, bytes.length) : head;
        if (!checked.ok) return reject(new ApiError(checked.error, { reason: checked.reason }));
        resolve({ bytes, format: checked.value });
      }),
    );
    // The client went away mid-upload: stop parsing and forget what arrived.
    const aborted = () => {
      if (req.complete) return;
      settle(() => {
        req.unpipe(bb);
        bb.destroy();
        chunks = [];
        reject(new ApiError(Errors.invalidParameter('The upload was aborted by the client.')));
      });
    };
    req.on('close', aborted);
    req.on('error', aborted);
    req.pipe(bb);
  });
}
