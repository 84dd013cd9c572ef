import fc from 'fast-check';
import { LineSplitter } from './line-splitter';

const split = (chunks: string[], max: number) => {
  const s = new LineSplitter(max);
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
};

describe('LineSplitter', () => {
  it('splits LF and CRLF lines across chunk boundaries, with a last line lacking its newline', () => {
    expect(split(['91996', '0639903\r\n+44 7700', ' 900123\n', '12345'], 20)).toEqual(['919960639903', '+44 7700 900123', '12345']);
  });

  it('reports a line over the limit as null, and the lines around it intact', () => {
    expect(split(['short\n', 'x'.repeat(30), 'y'.repeat(30), '\nafter\n'], 20)).toEqual(['short', null, 'after']);
    expect(split(['x'.repeat(21)], 20)).toEqual([null]);
    expect(split(['x'.repeat(20) + '\r\n'], 20)).toEqual(['x'.repeat(20)]);
  });

  it('holds no more than the limit of a line that never ends', () => {
    const s = new LineSplitter(1024);
    for (let i = 0; i < 1000; i++) s.push('z'.repeat(64 * 1024)); // 64 MB without a newline
    expect((s as unknown as { partial: string }).partial.length).toBeLessThanOrEqual(1025);
    expect(s.end()).toEqual([null]);
  });

  it('gives the same lines however the text is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.stringOf(fc.constantFrom('a', 'b', '1', '\n', '\r')), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const whole = split([text], 8);
        const pieces = split(parts, 8);
        expect(pieces).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
