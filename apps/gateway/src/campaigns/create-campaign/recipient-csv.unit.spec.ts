import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvLineError, csvRecords } from './recipient-csv';

async function records(chunks: string[], max = 200) {
  async function* src() {
    for (const c of chunks) yield c;
  }
  const out: { line: number; cells: string[] }[] = [];
  for await (const batch of csvRecords(src(), max)) out.push(...batch);
  return out;
}

describe('contact file records (RFC 4180)', () => {
  it('splits plain lines at commas, LF or CRLF, skipping blank lines, numbering lines from 1', async () => {
    expect(await records(['+12122000001\r\n\r\n+1212', '2000002, Ann ,x\n  \n+12122000003'])).toEqual([
      { line: 1, cells: ['+12122000001'] },
      { line: 3, cells: ['+12122000002', 'Ann', 'x'] },
      { line: 5, cells: ['+12122000003'] },
    ]);
  });

  it('reads quoted commas, doubled quotes and quoted line breaks, with the line number of where the record ends', async () => {
    const text = 'phoneNumber,name,custom1\n+12122000001,"Smith, Ann","say ""hi"""\r\n+12122000002,"two\nlines",z\n+12122000003,Bob\n';
    expect(await records([text])).toEqual([
      { line: 1, cells: ['phoneNumber', 'name', 'custom1'] },
      { line: 2, cells: ['+12122000001', 'Smith, Ann', 'say "hi"'] },
      { line: 4, cells: ['+12122000002', 'two\nlines', 'z'] },
      { line: 5, cells: ['+12122000003', 'Bob'] },
    ]);
  });

  it('drops a leading BOM, and keeps a quote inside an unquoted value', async () => {
    expect(await records(['\uFEFF+12122000001,John "Jack" Smith\n'])).toEqual([{ line: 1, cells: ['+12122000001', 'John "Jack" Smith'] }]);
    expect(await records(['\uFEFFphoneNumber\n+12122000001\n'])).toEqual([
      { line: 1, cells: ['phoneNumber'] },
      { line: 2, cells: ['+12122000001'] },
    ]);
  });

  it('refuses an unclosed quote and an over-long record with the line number', async () => {
    await expect(records(['+12122000001\n+12122000002,"never closed\n+12122000003\n'])).rejects.toBeInstanceOf(CsvLineError);
    await expect(records(['a\n' + 'x'.repeat(300) + '\n'])).rejects.toMatchObject({ line: 2 });
    await expect(records(['a\n"' + 'x'.repeat(300) + '"\n'])).rejects.toBeInstanceOf(CsvLineError);
  });

  it('gives the same records however the text is cut into chunks, with or without quotes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('1', 'a', ',', ' ', '\n', '\r\n', '"x,y"', '""'), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (pieces, cut) => {
        const text = pieces.join('');
        const whole = await records([text]).catch((e: Error) => e.constructor.name);
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += cut) chunks.push(text.slice(i, i + cut));
        const cutUp = await records(chunks).catch((e: Error) => e.constructor.name);
        expect(cutUp).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('splits quote-free text exactly as csv-parse does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('1', 'a', 'é', ',', ' ', '\t', '\n', '\r\n'), { maxLength: 60 }), async (pieces) => {
        const text = pieces.join('');
        const expected = (parse(text, { relax_column_count: true, record_delimiter: ['\r\n', '\n'], skip_empty_lines: true, trim: true }) as string[][]).filter((r) => r.some((c) => c !== ''));
        expect((await records([text])).map((r) => r.cells)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
