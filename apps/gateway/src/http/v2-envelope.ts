import { randomBytes } from 'node:crypto';
import type { ClarionError } from '@clarion/contracts';

/**
 * The answer shape of the voice-campaign API (seeds 002/003): every answer, success or failure, is
 * `{ request_id, method, http_code, response: [ { code, status, error_data, data } ] }`, one entry
 * per item (a list answers one entry per campaign, and says where it is in `metadata`).
 */
export interface V2Entry {
  code: number;
  status: 'success' | 'failure';
  error_data: { code: number; message: string; description: string } | null;
  data: unknown;
}

export interface V2Body {
  request_id: string;
  method: string;
  http_code: number;
  metadata?: Record<string, unknown>;
  response: V2Entry[];
}

export const requestId = () => randomBytes(16).toString('hex');

export function v2Success(method: string, items: unknown[], httpCode = 200, metadata?: Record<string, unknown>): V2Body {
  return { request_id: requestId(), method, http_code: httpCode, ...(metadata ? { metadata } : {}), response: items.map((data) => ({ code: httpCode, status: 'success', error_data: null, data })) };
}

/** A refusal: the HTTP status is the error's, and `error_data.code` is Clarion's code for it (the same as the native API's). */
export function v2Failure(method: string, error: ClarionError, data: unknown = null): V2Body {
  return {
    request_id: requestId(),
    method,
    http_code: error.status,
    response: [{ code: error.status, status: 'failure', error_data: { code: error.code, message: error.message, description: error.message }, data }],
  };
}
