import { promises as fs } from 'node:fs';
import { Errors, LIMITS, TEMPLATE_FIELDS, toE164, type ClarionError, type RecipientFields } from '@clarion/contracts';
import { ApiError } from '../../http/api';
import { Spool, lineBatches, spoolPath, type FileSink } from '../../http/multipart';
import { CsvLineError, csvRecords, type CsvRecord } from './recipient-csv';

/**
 * A campaign's recipients, normalised while they stream in and spooled to disk: one valid
 * recipient a line, `+E164` alone or followed by its seed 001 fields (`\tname\tcustom1\tcustom2`).
 */
export interface RecipientFile {
  path: string;
  /** Records with a phone number cell (a header and blank lines are not counted). */
  lines: number;
  valid: number;
  invalid: number;
  /** Line numbers of the first invalid numbers (at most LIMITS.invalidLinesReportedMax). */
  invalidLines: number[];
  /** Some recipient has a name, custom1 or custom2. */
  personalised: boolean;
}

export interface RecipientLimits {
  linesMax: number;
  fieldCharsMax: number;
}

const HEADER_PHONE = new Set(['phonenumber', 'phone', 'number', 'msisdn', 'mobile', 'to']);
const headerKey = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9]/g, '');
type Columns = { phone: number; name: number; custom1: number; custom2: number };
const POSITIONAL: Columns = { phone: 0, name: 1, custom1: 2, custom2: 3 };

// Control characters (a tab or line break inside a quoted CSV value) become spaces: the spool is one
// recipient a line, and a field is a short personal value, not a layout. A lone UTF-16 surrogate (only
// a JSON body can carry one) becomes U+FFFD, as it cannot be encoded in an SMS or in UTF-8.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const cleanField = (v: string | undefined): string => (v ?? '').replace(CONTROL, ' ').replace(LONE_SURROGATE, '\uFFFD').trim();

/**
 * Turns records into spooled recipients: the header (when the first record names a phone column)
 * decides where the columns are, else they are phoneNumber, name, custom1, custom2 in that order.
 * A number toE164 refuses is counted invalid (with its line number); a field longer than the limit
 * refuses the upload, naming the line.
 */
export class RecipientSpool {
  readonly file: RecipientFile;
  private readonly spool: Spool;
  private columns: Columns | null = null;

  constructor(
    private readonly what: string,
    private readonly limits: RecipientLimits,
    /** A file may start with a header; a JSON list never does. */
    private readonly headerAllowed = true,
  ) {
    this.file = { path: spoolPath(), lines: 0, valid: 0, invalid: 0, invalidLines: [], personalised: false };
    this.spool = new Spool(this.file.path);
  }

  /** Spools one chunk's records (one write); throws an ApiError that refuses the upload. */
  async add(records: CsvRecord[]): Promise<void> {
    let text = '';
    for (const r of records) text += this.take(r);
    await this.spool.write(text);
  }

  private take({ line, cells }: CsvRecord): string {
    if (this.columns === null) {
      this.columns = POSITIONAL;
      const keys = cells.map(headerKey);
      if (this.headerAllowed && toE164(cells[0] ?? '') === null && keys.some((k) => HEADER_PHONE.has(k) || (TEMPLATE_FIELDS as readonly string[]).includes(k))) {
        const phone = keys.findIndex((k) => HEADER_PHONE.has(k));
        if (phone === -1) throw new ApiError(Errors.invalidParameter(`${this.what}'s header names no phoneNumber column.`), { header: cells });
        this.columns = { phone, name: keys.indexOf('name'), custom1: keys.indexOf('custom1'), custom2: keys.indexOf('custom2') };
        return '';
      }
    }
    const c = this.columns;
    const f = this.file;
    f.lines++;
    if (f.lines > this.limits.linesMax) throw new ApiError(Errors.payloadTooLarge(`${this.what} has more than ${this.limits.linesMax} recipients.`));
    const n = toE164(cells[c.phone] ?? '');
    if (n === null) {
      f.invalid++;
      if (f.invalidLines.length < LIMITS.invalidLinesReportedMax) f.invalidLines.push(line);
      return '';
    }
    f.valid++;
    if (cells.length === 1 && c.phone === 0) return n + '\n';
    const name = c.name >= 0 ? cleanField(cells[c.name]) : '';
    const custom1 = c.custom1 >= 0 ? cleanField(cells[c.custom1]) : '';
    const custom2 = c.custom2 >= 0 ? cleanField(cells[c.custom2]) : '';
    if (name === '' && custom1 === '' && custom2 === '') return n + '\n';
    for (const [k, v] of [
      ['name', name],
      ['custom1', custom1],
      ['custom2', custom2],
    ] as const) {
      if (v.length > this.limits.fieldCharsMax) throw new ApiError(Errors.invalidParameter(`${this.what} line ${line}: ${k} is longer than ${this.limits.fieldCharsMax} characters.`), { line });
    }
    f.personalised = true;
    return `${n}\t${name}\t${custom1}\t${custom2}\n`;
  }

  async finish(): Promise<RecipientFile> {
    await this.spool.end();
    return this.file;
  }

  async remove(): Promise<void> {
    this.spool.destroy();
    await fs.rm(this.file.path, { force: true });
  }
}

/** The multipart sink of toFile: the contact file streamed through csvRecords into a RecipientSpool. */
export function recipientFileSink(name: string, limits: RecipientLimits): FileSink<RecipientFile> {
  return async (stream, onCleanup) => {
    const spool = new RecipientSpool(name, limits);
    onCleanup(() => spool.remove());
    try {
      for await (const records of csvRecords(stream, LIMITS.lineCharsMax)) await spool.add(records);
    } catch (err) {
      if (err instanceof CsvLineError) throw new ApiError(Errors.invalidParameter(`${name} line ${err.line} is not valid CSV: ${err.reason}`), { line: err.line });
      throw err;
    }
    return spool.finish();
  };
}

/**
 * A JSON body's recipients (`to` of seed 000's create, `contacts` of seed 001's) through the same
 * spool: each entry a number, or an object with phoneNumber (or to, number), name, custom1, custom2.
 * Line numbers are the entries' positions, from 1.
 */
export async function spoolJsonRecipients(what: string, entries: unknown, limits: RecipientLimits): Promise<RecipientFile> {
  let list: unknown[];
  if (typeof entries === 'string') list = entries.split(',');
  else if (Array.isArray(entries)) list = entries;
  else throw new ApiError(Errors.invalidParameter(`${what} must be an array of phone numbers or contacts.`));
  if (list.length > LIMITS.jsonRecipientsMax) throw new ApiError(Errors.payloadTooLarge(`${what} has more than ${LIMITS.jsonRecipientsMax} entries; upload a toFile for larger lists.`));
  const spool = new RecipientSpool(what, limits, false);
  try {
    const records: CsvRecord[] = list.map((e, i) => ({ line: i + 1, cells: jsonCells(what, e, i + 1) }));
    await spool.add(records.filter((r) => r.cells.some((c) => c !== '')));
    return await spool.finish();
  } catch (err) {
    await spool.remove();
    throw err;
  }
}

function jsonCells(what: string, e: unknown, i: number): string[] {
  if (typeof e === 'string' || typeof e === 'number') return [String(e).trim()];
  if (e && typeof e === 'object' && !Array.isArray(e)) {
    const o = e as Record<string, unknown>;
    const cell = (k: string) => {
      const v = o[k];
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string' && typeof v !== 'number') throw new ApiError(Errors.invalidParameter(`${what}[${i - 1}].${k} must be a string.`));
      return String(v);
    };
    return [cell('phoneNumber') || cell('to') || cell('number'), cell('name'), cell('custom1'), cell('custom2')];
  }
  throw new ApiError(Errors.invalidParameter(`${what}[${i - 1}] must be a phone number or a contact object.`));
}

/** One batch of recipients as AddRecipients carries it. */
export interface RecipientBatch {
  numbers: string[];
  fields?: Array<RecipientFields | null>;
}

/**
 * Reads a spooled recipient file back in batches, one batch in memory at a time: numbers alone in
 * batches of LIMITS.recipientBatchSize, or, when the file is personalised, with their fields in
 * batches of LIMITS.personalisedBatchSize (each such batch stays far below Kafka's record size).
 */
export async function* recipientBatches(file: RecipientFile): AsyncGenerator<RecipientBatch> {
  if (!file.personalised) {
    for await (const numbers of lineBatches(file.path, LIMITS.recipientBatchSize)) yield { numbers };
    return;
  }
  for await (const lines of lineBatches(file.path, LIMITS.personalisedBatchSize)) {
    const numbers: string[] = [];
    const fields: Array<RecipientFields | null> = [];
    for (const line of lines) {
      const [n, name, custom1, custom2] = line.split('\t');
      numbers.push(n);
      if (name === undefined) {
        fields.push(null);
        continue;
      }
      const f: RecipientFields = {};
      if (name) f.name = name;
      if (custom1) f.custom1 = custom1;
      if (custom2) f.custom2 = custom2;
      fields.push(f);
    }
    yield { numbers, fields };
  }
}

/** The error of an upload that has invalid numbers while the request does not ignore them. */
export function invalidNumbersError(file: RecipientFile): { error: ClarionError; data: unknown } {
  const more = file.invalid - file.invalidLines.length;
  return {
    error: Errors.invalidParameter(`Invalid phone numbers on lines ${file.invalidLines.join(', ')}${more > 0 ? ` and ${more} more` : ''}; pass ignoreInvalidPhoneNumbers=true to skip them.`),
    data: { invalid: file.invalid, invalidLines: file.invalidLines },
  };
}
