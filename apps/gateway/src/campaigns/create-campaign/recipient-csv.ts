import { parse, type CsvError, type Options } from 'csv-parse';

/** One record of a contact file: its (last) line number, from 1, and its cells. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A file that is not CSV at some line: the upload is refused with that line's number. */
export class CsvLineError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const BOM = '\uFEFF';

/**
 * Reads a contact file (RFC 4180 CSV: comma-separated, CRLF or LF, fields in double quotes with ""
 * for a quote, header optional) as it streams in, yielding the records of each chunk together.
 *
 * Most recipient files are one number a line with no quote anywhere; for those an unquoted record
 * is exactly its line split at the commas, so they are split directly (csv-parse costs ~3 µs a
 * record, 3 s for a million-line file, several times the rest of the intake). From the first
 * line that holds a quote on, the rest of the file goes through csv-parse (streaming), which
 * handles quoted commas, quotes and line breaks. Cells are trimmed outside quotes, as csv-parse's
 * `trim` does; a leading BOM is dropped; no record may exceed `recordCharsMax`.
 */
export async function* csvRecords(source: AsyncIterable<string>, recordCharsMax: number): AsyncGenerator<CsvRecord[]> {
  const it = source[Symbol.asyncIterator]();
  let partial = '';
  let lineNo = 0;
  let first = true;
  /** Complete lines of `text` (which ends with a newline) as records. */
  const fastLines = (text: string): CsvRecord[] => {
    const out: CsvRecord[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      lineNo++;
      let line = text.slice(start, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = nl + 1;
      if (line.length > recordCharsMax) throw new CsvLineError(lineNo, `longer than ${recordCharsMax} characters`);
      // One cell (a plain number file) is the common case: no split, no array of pieces to trim.
      const cells = line.indexOf(',') === -1 ? [line.trim()] : line.split(',').map((c) => c.trim());
      if (cells.length === 1 ? cells[0] === '' : cells.every((c) => c === '')) continue;
      out.push({ line: lineNo, cells });
    }
    return out;
  };
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    let chunk = next.value;
    if (first) {
      first = false;
      if (chunk.startsWith(BOM)) chunk = chunk.slice(1);
    }
    const quote = chunk.indexOf('"');
    if (quote === -1) {
      const text = partial + chunk;
      const nl = text.lastIndexOf('\n');
      partial = nl === -1 ? text : text.slice(nl + 1);
      if (partial.length > recordCharsMax + 1) throw new CsvLineError(lineNo + 1, `longer than ${recordCharsMax} characters`);
      if (nl !== -1) yield fastLines(text.slice(0, nl + 1));
      continue;
    }
    // A quote: what precedes its line is still split directly, the rest is csv-parse's.
    const text = partial + chunk;
    const nl = text.lastIndexOf('\n', partial.length + quote);
    if (nl !== -1) yield fastLines(text.slice(0, nl + 1));
    yield* parsed(text.slice(nl + 1), it, lineNo, recordCharsMax);
    return;
  }
  if (partial !== '') yield fastLines(partial + '\n');
}

/** The rest of the file through csv-parse, line numbers continuing from `lineOffset`. */
async function* parsed(head: string, rest: AsyncIterator<string>, lineOffset: number, recordCharsMax: number): AsyncGenerator<CsvRecord[]> {
  const parser = parse({
    relax_column_count: true,
    // Both, whatever the first record ends with: files put together from several sources mix them.
    record_delimiter: ['\r\n', '\n'],
    // A quote inside an unquoted value (John "Jack" Smith) is kept as written rather than refused.
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
    max_record_size: recordCharsMax,
    on_record: (cells: string[], ctx: { lines: number }) => ({ line: lineOffset + ctx.lines, cells }),
  } as unknown as Options);
  const feed = (async () => {
    // A parser destroyed by the reader (an error, or a reader that stopped) takes no more: the feed ends.
    const write = (s: string) =>
      parser.destroyed || parser.write(s)
        ? Promise.resolve()
        : new Promise<void>((r) => {
            parser.once('drain', () => r());
            parser.once('close', () => r());
          });
    await write(head);
    for (;;) {
      if (parser.destroyed) return;
      const n = await rest.next();
      if (n.done) break;
      await write(n.value);
    }
    parser.end();
  })();
  feed.catch((err) => parser.destroy(err as Error));
  let batch: CsvRecord[] = [];
  try {
    for await (const rec of parser as AsyncIterable<CsvRecord>) {
      if (rec.cells.every((c) => c === '')) continue;
      batch.push(rec);
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    const e = err as CsvError & { lines?: number };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) throw new CsvLineError(lineOffset + (e.lines ?? 0), e.message);
    throw err;
  }
  await feed;
  if (batch.length > 0) yield batch;
}
