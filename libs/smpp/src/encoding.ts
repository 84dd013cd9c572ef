import * as smpp from 'smpp';

/** GSM 03.38 basic set and its extension (the extension characters cost two septets). */
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export const DATA_CODING_GSM = 0x00;
export const DATA_CODING_UCS2 = 0x08;
const SHORT_MESSAGE_BYTES_MAX = 140;

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENDED.has(ch)) return false;
  return true;
}

/** Characters of one segment: alone, and each part of a concatenated message (the UDH takes the rest). */
const GSM_SEPTETS_SINGLE = 160;
const GSM_SEPTETS_PART = 153;
const UCS2_UNITS_SINGLE = 70;
const UCS2_UNITS_PART = 67;
/** A concatenated message has at most 255 parts (one octet counts them); Clarion allows far fewer. */
export const SEGMENTS_MAX = 10;

/**
 * Splits a text into the parts it travels in, never inside a character: a GSM extension character
 * (two septets) or a UCS-2 surrogate pair (an emoji, two code units) stays whole, so a part may
 * hold one unit less than the maximum. `segmentsFor` counts with the same split, so what a
 * recipient is charged is exactly what is sent.
 */
export function splitText(text: string): { gsm: boolean; parts: string[] } {
  const gsm = isGsm7(text);
  const cost = gsm ? (ch: string) => (EXTENDED.has(ch) ? 2 : 1) : (ch: string) => ch.length;
  const chars = Array.from(text);
  const total = chars.reduce((n, ch) => n + cost(ch), 0);
  if (total <= (gsm ? GSM_SEPTETS_SINGLE : UCS2_UNITS_SINGLE)) return { gsm, parts: [text] };
  const limit = gsm ? GSM_SEPTETS_PART : UCS2_UNITS_PART;
  const parts: string[] = [];
  let part = '';
  let used = 0;
  for (const ch of chars) {
    const c = cost(ch);
    if (used + c > limit) {
      parts.push(part);
      part = '';
      used = 0;
    }
    part += ch;
    used += c;
  }
  parts.push(part);
  return { gsm, parts };
}

/** How many SMS segments a text costs: what one recipient is charged, in credits. */
export function segmentsFor(text: string): number {
  return splitText(text).parts.length;
}

/** How the parts of a concatenated message are tied together on the wire. */
export type ConcatenationMode = 'udh' | 'sar';

export interface SubmitPart {
  dataCoding: number;
  /** short_message: the UDH (when mode is udh) followed by the part's bytes. */
  shortMessage: Buffer;
  /** esm_class: 0x40 (UDH indicator) for UDH parts. */
  esmClass: number;
  /** SAR TLVs for mode sar: reference, total, this part's number (from 1). */
  sar: { ref: number; total: number; seq: number } | null;
}

/**
 * The submit_sm payloads of one message: a single one, or the parts of a concatenated message with
 * a UDH (IE 0x00, 8-bit reference) or with SAR TLVs. `ref` ties the parts together (0–255).
 */
export function encodeParts(text: string, mode: ConcatenationMode, ref: number): SubmitPart[] {
  const { gsm, parts } = splitText(text);
  const dataCoding = gsm ? DATA_CODING_GSM : DATA_CODING_UCS2;
  const encode = (t: string) => (gsm ? smpp.encodings.ASCII.encode(t) : Buffer.from(t, 'utf16le').swap16());
  if (parts.length === 1) return [{ dataCoding, shortMessage: encode(text), esmClass: 0, sar: null }];
  const r = ref & 0xff;
  return parts.map((p, i) =>
    mode === 'udh'
      ? { dataCoding, shortMessage: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, r, parts.length, i + 1]), encode(p)]), esmClass: 0x40, sar: null }
      : { dataCoding, shortMessage: encode(p), esmClass: 0, sar: { ref: r, total: parts.length, seq: i + 1 } },
  );
}

/**
 * Encodes a text for submit_sm: GSM 03.38 (unpacked, data_coding 0) when every character is in
 * the GSM alphabet, else UCS-2 big-endian (data_coding 8). `payload` says the bytes exceed one
 * short_message and must travel in the message_payload TLV.
 */
export function encodeForSubmit(text: string): { dataCoding: number; bytes: Buffer; payload: boolean } {
  const gsm = isGsm7(text);
  const bytes = gsm ? smpp.encodings.ASCII.encode(text) : Buffer.from(text, 'utf16le').swap16();
  return { dataCoding: gsm ? DATA_CODING_GSM : DATA_CODING_UCS2, bytes, payload: bytes.length > SHORT_MESSAGE_BYTES_MAX };
}

/** Decodes short_message / message_payload bytes by their data_coding. */
export function decodeMessage(bytes: Buffer | { message?: string | Buffer } | string | undefined, dataCoding: number): string {
  if (bytes === undefined || bytes === null) return '';
  if (typeof bytes === 'string') return bytes;
  if (!Buffer.isBuffer(bytes)) return typeof bytes.message === 'string' ? bytes.message : decodeMessage(bytes.message, dataCoding);
  switch (dataCoding) {
    case DATA_CODING_UCS2:
      return Buffer.from(bytes).swap16().toString('utf16le');
    case 0x03:
      return bytes.toString('latin1');
    default:
      return smpp.encodings.ASCII.decode(bytes);
  }
}

export interface ReceiptText {
  id: string;
  stat: string;
  err: string;
  submitDate?: string;
  doneDate?: string;
}

/** Parses the de-facto standard receipt text: "id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…". */
export function parseReceiptText(text: string): ReceiptText | null {
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}:(\\S*)`, 'i').exec(text)?.[1];
  const id = field('id');
  const stat = field('stat');
  if (!id || !stat) return null;
  return { id, stat: stat.toUpperCase(), err: field('err') ?? '000', submitDate: field('submit date'), doneDate: field('done date') };
}

export function formatReceiptText(r: { id: string; stat: string; err?: string; submitDate: string; doneDate: string; text: string }): string {
  const delivered = r.stat === 'DELIVRD' ? '001' : '000';
  return `id:${r.id} sub:001 dlvrd:${delivered} submit date:${r.submitDate} done date:${r.doneDate} stat:${r.stat} err:${r.err ?? '000'} text:${receiptQuote(r.text)}`;
}

/**
 * The first 20 characters of the original, as a receipt quotes them. The receipt itself is plain
 * text in the default alphabet, so anything outside printable ASCII (Hindi, Cyrillic, an emoji)
 * becomes '?': quoting it as UCS-2 would double the receipt's size past one short_message (254
 * bytes), which the smpp package refuses to encode.
 */
function receiptQuote(text: string): string {
  return Array.from(text)
    .slice(0, 20)
    .map((ch) => (/^[\x20-\x7e]$/.test(ch) ? ch : '?'))
    .join('');
}

/** An address as SMPP carries it: digits without '+' (TON 1 international) or an alphanumeric sender (TON 5). */
export function toSmppAddress(address: string): { addr: string; ton: number; npi: number } {
  if (/^\+?[0-9]+$/.test(address)) return { addr: address.replace(/^\+/, ''), ton: 1, npi: 1 };
  return { addr: address.slice(0, 11), ton: 5, npi: 0 };
}

/** Back to E.164 for digits-only addresses. */
export function fromSmppAddress(addr: string): string {
  return /^[0-9]+$/.test(addr) ? `+${addr}` : addr;
}

/** The six address fields of submit_sm and deliver_sm for a source and a destination. */
export function addressFields(source: string, destination: string) {
  const src = toSmppAddress(source);
  const dst = toSmppAddress(destination);
  return { source_addr_ton: src.ton, source_addr_npi: src.npi, source_addr: src.addr, dest_addr_ton: dst.ton, dest_addr_npi: dst.npi, destination_addr: dst.addr };
}
