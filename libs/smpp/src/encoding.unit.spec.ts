import fc from 'fast-check';
import { combineParts } from './carrier';
import { decodeMessage, encodeForSubmit, encodeParts, formatReceiptText, splitText, isGsm7, parseReceiptText, segmentsFor, toSmppAddress, fromSmppAddress } from './encoding';
import { parseSmppUrl } from './url';

describe('SMS encoding and pricing', () => {
  it('counts GSM-7 segments with extension characters costing two', () => {
    expect(segmentsFor('a'.repeat(160))).toBe(1);
    expect(segmentsFor('a'.repeat(161))).toBe(2);
    expect(segmentsFor('a'.repeat(306))).toBe(2);
    expect(segmentsFor('a'.repeat(307))).toBe(3);
    expect(segmentsFor('€'.repeat(80))).toBe(1);
    expect(segmentsFor('€'.repeat(81))).toBe(2);
  });
  it('counts UCS-2 segments for text outside the GSM alphabet', () => {
    expect(isGsm7('Happy New Year')).toBe(true);
    expect(isGsm7('नमस्ते')).toBe(false);
    expect(segmentsFor('ж'.repeat(70))).toBe(1);
    expect(segmentsFor('ж'.repeat(71))).toBe(2);
    expect(segmentsFor('ж'.repeat(134))).toBe(2);
    expect(segmentsFor('ж'.repeat(135))).toBe(3);
  });
  it('chooses the encoding and moves long texts into message_payload, and decodes back', () => {
    const gsm = encodeForSubmit('Hello @ world');
    expect(gsm).toMatchObject({ dataCoding: 0, payload: false });
    expect(decodeMessage(gsm.bytes, 0)).toBe('Hello @ world');
    const ucs = encodeForSubmit('Привет');
    expect(ucs.dataCoding).toBe(8);
    expect(ucs.bytes).toHaveLength(12);
    expect(decodeMessage(ucs.bytes, 8)).toBe('Привет');
    expect(encodeForSubmit('x'.repeat(141)).payload).toBe(true);
    expect(encodeForSubmit('ж'.repeat(71)).payload).toBe(true);
  });
  it('parses the standard receipt text', () => {
    expect(parseReceiptText('id:0123abc sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:Hello')).toMatchObject({ id: '0123abc', stat: 'DELIVRD', err: '000' });
    expect(parseReceiptText('id:9 stat:undeliv err:021')).toMatchObject({ id: '9', stat: 'UNDELIV', err: '021' });
    expect(parseReceiptText('hello there')).toBeNull();
  });

  it('quotes any text in a receipt as plain ASCII that fits one short_message, and parses back', () => {
    for (const text of ['नमस्ते दुनिया, यह एक परीक्षण संदेश है', 'Привет, это тестовое сообщение', '🎉🎉 Sale 🎉 today only 🎉🎉🎉', 'Hello']) {
      const receipt = formatReceiptText({ id: 'a1b2c3d4e5f60708', stat: 'DELIVRD', submitDate: '2612011200', doneDate: '2612011201', text });
      const enc = encodeForSubmit(receipt);
      expect(enc.dataCoding).toBe(0);
      expect(enc.bytes.length).toBeLessThanOrEqual(140);
      expect(parseReceiptText(receipt)).toMatchObject({ id: 'a1b2c3d4e5f60708', stat: 'DELIVRD' });
    }
  });
  it('maps addresses to SMPP TON/NPI and back', () => {
    expect(toSmppAddress('+919960639903')).toEqual({ addr: '919960639903', ton: 1, npi: 1 });
    expect(toSmppAddress('ACME')).toEqual({ addr: 'ACME', ton: 5, npi: 0 });
    expect(fromSmppAddress('919960639903')).toBe('+919960639903');
  });
  it('parses SMPP URLs and refuses bad ones', () => {
    expect(parseSmppUrl('smpp://sys%40id:p%3Ass@10.0.0.1:2776')).toEqual({ host: '10.0.0.1', port: 2776, systemId: 'sys@id', password: 'p:ss' });
    expect(parseSmppUrl('smpp://a:b@host').port).toBe(2775);
    expect(() => parseSmppUrl('http://a:b@host:1')).toThrow(/smpp:\/\//);
    expect(() => parseSmppUrl('smpp://host:1')).toThrow(/system_id/);
    expect(() => parseSmppUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('long messages', () => {
  const gsmChar = fc.constantFrom(...'abcXYZ 019@£$.,!?€[]{}^~|\\'.split(''));
  const anyChar = fc.oneof(gsmChar, fc.constantFrom('न', 'म', 'П', 'ж', '🎉', '😀', 'é', '✓'));

  it('splits between characters into parts within the limits, charging exactly the parts sent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(gsmChar, anyChar), { maxLength: 700 }).map((cs) => cs.join('')),
        (text) => {
          const { gsm, parts } = splitText(text);
          expect(parts.join('')).toBe(text);
          expect(segmentsFor(text)).toBe(parts.length);
          const units = (p: string) => (gsm ? Array.from(p).reduce((n, ch) => n + ('^{}\\[~]|€\f'.includes(ch) ? 2 : 1), 0) : p.length);
          if (parts.length > 1) for (const p of parts) expect(units(p)).toBeLessThanOrEqual(gsm ? 153 : 67);
          else expect(units(text)).toBeLessThanOrEqual(gsm ? 160 : 70);
          const wire = encodeParts(text, 'udh', 7);
          expect(wire).toHaveLength(parts.length);
          for (const w of wire) expect(w.shortMessage.length).toBeLessThanOrEqual(gsm ? 160 : 140);
          if (wire.length > 1) expect(wire.map((w) => [...w.shortMessage.subarray(0, 6)])).toEqual(wire.map((_, i) => [5, 0, 3, 7, wire.length, i + 1]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('combines the answers to the parts of one message', () => {
    const ok = (id: string) => ({ kind: 'accepted', messageId: id }) as const;
    const throttled = { kind: 'rejected', commandStatus: 0x58, retriable: true } as const;
    expect(combineParts([ok('a'), ok('b')])).toEqual(ok('b'));
    expect(combineParts([throttled, throttled])).toEqual(throttled);
    expect(combineParts([ok('a'), throttled])).toEqual({ kind: 'rejected', commandStatus: 0x58, retriable: false });
    expect(combineParts([ok('a'), { kind: 'unknown', reason: 'timeout' }])).toEqual({ kind: 'unknown', reason: 'timeout' });
  });
});

describe('segmentsFor', () => {
  const EXTENSION = Array.from('^{}\\[~]|€');
  const plainGsm = fc.constantFrom(...'abcXYZ 019@£$.,!?éÄ\n'.split(''));
  const gsmChar = fc.oneof(plainGsm, fc.constantFrom(...EXTENSION));
  const bmpNonGsm = fc.constantFrom('न', 'म', 'П', 'ж', 'ç', '✓', '中');
  const emoji = fc.constantFrom('🎉', '😀', '👍');
  const anyChar = fc.oneof(gsmChar, bmpNonGsm, emoji);
  const text = (char: fc.Arbitrary<string>, maxLength = 800) => fc.array(char, { maxLength }).map((cs) => cs.join(''));
  /** What a text costs by the book: septets (extension characters two) or UTF-16 units. */
  const byTheBook = (units: number, gsm: boolean) => (gsm ? (units <= 160 ? 1 : Math.ceil(units / 153)) : units <= 70 ? 1 : Math.ceil(units / 67));

  it.each([
    ['', 1],
    ['a'.repeat(160), 1],
    ['a'.repeat(161), 2],
    ['a'.repeat(306), 2],
    ['a'.repeat(307), 3],
    ['a'.repeat(153 * 10), 10],
    ['ж'.repeat(70), 1],
    ['ж'.repeat(71), 2],
    ['ж'.repeat(134), 2],
    ['ж'.repeat(135), 3],
    // One character outside the GSM alphabet makes the whole text UCS-2.
    ['a'.repeat(159) + 'ж', 3],
    // An emoji is two UTF-16 units and never straddles two parts: 33 fit in a part of 67 units.
    ['😀'.repeat(35), 1],
    ['😀'.repeat(35) + 'a', 2],
    ['😀'.repeat(66), 2],
    ['😀'.repeat(67), 3],
    // An extension character is two septets and never straddles two parts either.
    ['a'.repeat(152) + '€' + 'a'.repeat(10), 2],
  ])('counts %j as %p', (t, n) => expect(segmentsFor(t)).toBe(n));

  it.each(EXTENSION)('counts the extension character %j as two septets', (ch) => {
    expect(segmentsFor('a'.repeat(158) + ch)).toBe(1);
    expect(segmentsFor('a'.repeat(159) + ch)).toBe(2);
    expect(segmentsFor(ch.repeat(80))).toBe(1);
    expect(segmentsFor(ch.repeat(81))).toBe(2);
  });

  it('costs what the book says for texts without characters that could straddle parts', () => {
    fc.assert(fc.property(text(plainGsm, 2000), (t) => expect(segmentsFor(t)).toBe(byTheBook(t.length, true))));
    fc.assert(fc.property(text(fc.oneof(plainGsm, bmpNonGsm), 1000), (t) => expect(segmentsFor(t)).toBe(byTheBook(t.length, isGsm7(t)))));
  });

  it('never costs less than the book, nor more than if every part lost a unit to a character kept whole', () => {
    fc.assert(
      fc.property(text(anyChar), (t) => {
        const gsm = isGsm7(t);
        const units = gsm ? Array.from(t).reduce((n, ch) => n + (EXTENSION.includes(ch) ? 2 : 1), 0) : t.length;
        const book = byTheBook(units, gsm);
        expect(segmentsFor(t)).toBeGreaterThanOrEqual(book);
        // A part loses at most one unit to a character kept whole (one in 67 or 153).
        expect(segmentsFor(t)).toBeLessThanOrEqual(Math.max(book, Math.ceil(units / (gsm ? 152 : 66))));
      }),
    );
  });

  it('grows with the text: a longer text never costs fewer segments than its prefix', () => {
    fc.assert(
      fc.property(text(anyChar), text(anyChar, 200), (head, tail) => {
        expect(segmentsFor(head + tail)).toBeGreaterThanOrEqual(segmentsFor(head));
      }),
    );
  });

  it('never charges GSM text more than UCS-2 text of as many characters', () => {
    fc.assert(
      fc.property(text(gsmChar, 1200), fc.constantFrom('ж', '中'), (gsm, wide) => {
        expect(segmentsFor(gsm)).toBeLessThanOrEqual(segmentsFor(wide.repeat(Array.from(gsm).length)));
      }),
    );
  });

  it('counts exactly the parts libs/smpp sends, whose payloads decode back to the text', () => {
    fc.assert(
      fc.property(text(anyChar, 1200), fc.constantFrom<'udh' | 'sar'>('udh', 'sar'), fc.integer({ min: 0, max: 255 }), (t, mode, ref) => {
        const wire = encodeParts(t, mode, ref);
        expect(wire).toHaveLength(segmentsFor(t));
        const udh = mode === 'udh' && wire.length > 1 ? 6 : 0;
        const decoded = wire.map((w) => decodeMessage(w.shortMessage.subarray(udh), w.dataCoding)).join('');
        expect(decoded).toBe(t);
        for (const w of wire) expect(w.shortMessage.length).toBeLessThanOrEqual(w.dataCoding === 0 ? 160 : 140);
        if (mode === 'sar' && wire.length > 1) expect(wire.map((w) => w.sar)).toEqual(wire.map((_, i) => ({ ref, total: wire.length, seq: i + 1 })));
      }),
    );
  });
});
