import * as smpp from 'smpp';

/** GSM 03.38 basic set and its extension (the extension characters cost two septets). */
const GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
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

function gsmSeptets(text: string): number {
  let n = 0;
  for (const ch of text) n += EXTENDED.has(ch) ? 2 : 1;
  return n;
}

/** How many SMS segments a text costs: what one recipient is charged, in credits. */
export function segmentsFor(text: string): number {
  if (text.length === 0) return 1;
  if (isGsm7(text)) {
    const septets = gsmSeptets(text);
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = text.length; // UTF-16 code units, as UCS-2 counts them
  return units <= 70 ? 1 : Math.ceil(units / 67);
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
