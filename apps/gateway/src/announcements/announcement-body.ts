import type { Request } from 'express';
import { Errors } from '@clarion/contracts';
import { ApiError } from '../http/api';
import { parseNumberUpload } from '../http/multipart';
import type { Fields } from './announcement-fields';

/**
 * The fields of a create or update request. Seed 000's examples send JSON; form posts
 * (urlencoded or multipart, as the campaign endpoints take) are accepted too, so a client
 * that builds every request as a form works unchanged. Multipart bodies carry fields only.
 */
export async function readFields(req: Request): Promise<Fields> {
  if (/^multipart\//i.test(req.headers['content-type'] ?? '')) {
    const upload = await parseNumberUpload(req, []);
    await upload.cleanup();
    return upload.fields;
  }
  const body: unknown = req.body;
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError(Errors.invalidParameter('The body must be a JSON object.'));
  return body as Fields;
}
