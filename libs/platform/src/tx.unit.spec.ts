import { copyText } from './tx';

describe('COPY text format', () => {
  it('escapes what would end a field or a row, and writes NULL as \\N', () => {
    expect(copyText('+14155550100')).toBe('+14155550100');
    expect(copyText(42)).toBe('42');
    expect(copyText(null)).toBe('\\N');
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText('\\N')).toBe('\\\\N');
  });
});
