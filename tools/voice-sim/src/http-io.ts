import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bytes in and out over HTTP with a limit on each: the simulator never holds more than it decided to. */

/** A request body up to `maxBytes`, or `too-large` as soon as it is known to be longer (the rest is discarded unread). */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      req.resume();
      return resolve('too-large');
    }
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      length += chunk.length;
      if (length > maxBytes) {
        done = true;
        chunks.length = 0;
        return resolve('too-large');
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, httpStatus: number, body: unknown, onFlushed?: () => void): void {
  res.writeHead(httpStatus, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body), onFlushed);
}

export interface CappedBody {
  /** The first `keepBytes` bytes. */
  head: Buffer;
  /** Bytes read, at most `maxBytes`. */
  bytes: number;
  /** The body went on past `maxBytes`; the rest was not read. */
  truncated: boolean;
}

/**
 * Reads a fetch response's body up to `maxBytes`, keeping only its first `keepBytes`: an audio file
 * is counted and its header checked, never held whole.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number, keepBytes: number): Promise<CappedBody> {
  const kept: Buffer[] = [];
  let keptLength = 0;
  let bytes = 0;
  if (!body) return { head: Buffer.alloc(0), bytes, truncated: false };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { head: Buffer.concat(kept), bytes, truncated: false };
      if (bytes + value.length > maxBytes) {
        bytes = maxBytes;
        return { head: Buffer.concat(kept), bytes, truncated: true };
      }
      bytes += value.length;
      if (keptLength < keepBytes) {
        const part = Buffer.from(value.buffer, value.byteOffset, Math.min(value.length, keepBytes - keptLength));
        kept.push(Buffer.from(part));
        keptLength += part.length;
      }
    }
  } finally {
    // Stops the transfer of whatever was not read (a body past its limit, or an abort).
    await reader.cancel().catch(() => undefined);
  }
}

/** Why a request got no HTTP answer, in a few words: the timeout, or the connection error's code. */
export function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer in ${timeoutMs} ms`;
  return [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ');
}
