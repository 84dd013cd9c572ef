import { LIMITS } from '@clarion/contracts';
import { OPT_IN, OPT_OUT } from '../dnd-lists';
import { parseNumberSid } from '../number-sid.request';
import { hasMultipartBody, parseUploadList } from './upload-list.request';

const file = (valid: number, invalid = 0) => ({ path: '/tmp/x', lines: valid + invalid, valid, invalid });
const code = (r: { ok: boolean; error?: { code: number } }) => (r.ok ? 200 : r.error!.code);

describe('parseUploadList', () => {
  it('needs a file (4000) holding at least one valid number (490)', () => {
    for (const list of [OPT_OUT, OPT_IN]) {
      expect(code(parseUploadList(list, {}, undefined))).toBe(4000);
      expect(code(parseUploadList(list, {}, file(0, 3)))).toBe(490);
      expect(code(parseUploadList(list, {}, file(1, 3)))).toBe(200);
    }
  });

  it('names the opt-out list "Opt-Out" whatever the form says', () => {
    expect(parseUploadList(OPT_OUT, { name: 'other' }, file(1))).toMatchObject({ ok: true, value: { name: 'Opt-Out' } });
  });

  it('names an opt-in list by its name field, "opt-in" when it has none, at most nameCharsMax', () => {
    expect(parseUploadList(OPT_IN, { name: ' test-Opt-In ' }, file(1))).toMatchObject({ value: { name: 'test-Opt-In' } });
    expect(parseUploadList(OPT_IN, {}, file(1))).toMatchObject({ value: { name: 'opt-in' } });
    expect(parseUploadList(OPT_IN, { name: '  ' }, file(1))).toMatchObject({ value: { name: 'opt-in' } });
    expect(code(parseUploadList(OPT_IN, { name: 'n'.repeat(LIMITS.nameCharsMax + 1) }, file(1)))).toBe(4001);
  });

  it('treats a body that is not multipart as carrying no file', () => {
    expect(hasMultipartBody('multipart/form-data; boundary=x')).toBe(true);
    expect(hasMultipartBody('application/json')).toBe(false);
    expect(hasMultipartBody(undefined)).toBe(false);
  });
});

describe('parseNumberSid', () => {
  it('answers 491 in the wording of its list for anything that is not an OT sid', () => {
    const sid = 'OT' + 'a'.repeat(32);
    expect(parseNumberSid(OPT_OUT, sid)).toEqual({ ok: true, value: sid });
    for (const bad of ['OT123', 'CP' + 'a'.repeat(32), 'OT' + 'A'.repeat(32), undefined]) {
      expect(parseNumberSid(OPT_OUT, bad)).toMatchObject({ ok: false, error: { code: 491, status: 409, message: 'OptOut Sid not found' } });
      expect(parseNumberSid(OPT_IN, bad)).toMatchObject({ ok: false, error: { code: 491, status: 409, message: 'OptIn Sid not found' } });
    }
  });
});
