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
      fc.property(fc.array(fc.oneof(gsmChar, anyChar), { maxLength: 700 }).map((cs) => cs.join('')), (text) => {
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
      }),
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
