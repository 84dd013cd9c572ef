import { Errors, LIMITS, OPT_IN_DEFAULT_NAME, OPT_OUT_LIST_NAME, fail, ok, type Result } from '@clarion/contracts';
import type { NumberFile } from '../../http/multipart';
import type { DndList } from '../dnd-lists';

/** A request without a multipart body carries no file, whatever else it carries: 4000, not a format error. */
export function hasMultipartBody(contentType: string | undefined): boolean {
  return /^multipart\/form-data/i.test(contentType ?? '');
}

export interface UploadListRequest {
  /** The list's name: always "Opt-Out" for the opt-out list; the `name` field or "opt-in" for an opt-in list. */
  name: string;
  file: NumberFile;
}

/**
 * Seed 000's "Create Opt-Out List" / "Create Opt-In List": `file` is mandatory (4000) and must
 * hold at least one valid number (490); an opt-in upload may name its list (trimmed, at most
 * LIMITS.nameCharsMax characters), an opt-out upload has none to name.
 */
export function parseUploadList(list: DndList, fields: Record<string, string>, file: NumberFile | undefined): Result<UploadListRequest> {
  if (!file) return fail(Errors.mandatoryMissing('file'));
  let name = OPT_OUT_LIST_NAME;
  if (list.kind === 'optin') {
    name = (fields.name ?? '').trim() || OPT_IN_DEFAULT_NAME;
    if (name.length > LIMITS.nameCharsMax) return fail(Errors.invalidParameter(`name must be at most ${LIMITS.nameCharsMax} characters.`));
  }
  if (file.valid === 0) return fail(Errors.dndFileInvalid);
  return ok({ name, file });
}
