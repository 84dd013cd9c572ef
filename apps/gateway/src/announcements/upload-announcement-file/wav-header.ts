import { Errors, type ClarionError } from '@clarion/contracts';

/**
 * The WAV files a voice carrier's media server plays without converting them (seed 000: "Audio
 * file in wav format ... in the recommended bitrate"): RIFF/WAVE, mono, 8000 or 16000 Hz, either
 * linear PCM (format 1, 8 or 16 bits) or G.711 µ-law (format 7, 8 bits). Anything else, including
 * stereo, 44.1 kHz, A-law (format 6), WAVE_FORMAT_EXTENSIBLE and truncated files, is refused with
 * seed 000's 504, so a campaign never finds out at call time that its audio cannot be played.
 *
 * Pure: it reads the first bytes of a file (HEADER_BYTES_MAX is enough for every header this
 * accepts) and never throws, whatever the bytes.
 */
export interface WavFormat {
  encoding: 'pcm' | 'mulaw';
  channels: 1;
  sampleRateHz: 8000 | 16000;
  bitsPerSample: 8 | 16;
  /** Where the samples start: the byte after the data chunk's header. */
  dataOffset: number;
  /** The data chunk's declared size (0xFFFFFFFF when the writer streamed and never knew it). */
  dataBytes: number;
}

export type WavCheck = { ok: true; value: WavFormat } | { ok: false; error: ClarionError; reason: string };

/** The header must end (the data chunk begin) within this many bytes; metadata chunks before it are skipped. */
export const HEADER_BYTES_MAX = 64 * 1024;
/** Chunks before the data chunk at most: a header of thousands of tiny chunks is not a recording. */
const CHUNKS_MAX = 64;
const UNKNOWN_SIZE = 0xffffffff;

const refuse = (reason: string): WavCheck => ({ ok: false, error: Errors.audioUploadInvalid, reason });
const ascii = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;

export function parseWavHeader(bytes: Uint8Array): WavCheck {
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') return refuse('not a RIFF/WAVE file');
  let at = 12;
  let format: Omit<WavFormat, 'dataOffset' | 'dataBytes'> | null = null;
  for (let chunks = 0; chunks < CHUNKS_MAX; chunks++) {
    if (at + 8 > bytes.length) return refuse(bytes.length >= HEADER_BYTES_MAX ? `no data chunk within the first ${HEADER_BYTES_MAX} bytes` : 'truncated header');
    const id = ascii(bytes, at);
    const size = u32(bytes, at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (format) return refuse('two fmt chunks');
      if (size < 16 || body + 16 > bytes.length) return refuse('truncated fmt chunk');
      const checked = checkFormat(bytes, body);
      if (typeof checked === 'string') return refuse(checked);
      format = checked;
    } else if (id === 'data') {
      if (!format) return refuse('data chunk before the fmt chunk');
      return { ok: true, value: { ...format, dataOffset: body, dataBytes: size } };
    }
    // Chunks are padded to an even size.
    at = body + size + (size % 2);
  }
  return refuse(`more than ${CHUNKS_MAX} chunks before the data chunk`);
}

function checkFormat(b: Uint8Array, at: number): Omit<WavFormat, 'dataOffset' | 'dataBytes'> | string {
  const formatTag = u16(b, at);
  const channels = u16(b, at + 2);
  const sampleRateHz = u32(b, at + 4);
  const byteRate = u32(b, at + 8);
  const blockAlign = u16(b, at + 12);
  const bitsPerSample = u16(b, at + 14);
  const encoding = formatTag === 1 ? 'pcm' : formatTag === 7 ? 'mulaw' : null;
  if (!encoding) return `audio format ${formatTag} is not PCM (1) or µ-law (7)`;
  if (channels !== 1) return `${channels} channels; only mono is played`;
  if (sampleRateHz !== 8000 && sampleRateHz !== 16000) return `${sampleRateHz} Hz; only 8000 or 16000 Hz is played`;
  if (encoding === 'pcm' ? bitsPerSample !== 8 && bitsPerSample !== 16 : bitsPerSample !== 8) return `${bitsPerSample} bits per sample do not fit ${encoding}`;
  if (blockAlign !== bitsPerSample / 8 || byteRate !== sampleRateHz * blockAlign) return 'inconsistent byte rate or block alignment';
  return { encoding, channels: 1, sampleRateHz, bitsPerSample: bitsPerSample as 8 | 16 };
}

/** Once the whole file is in: a data chunk that claims more bytes than arrived is a truncated file. */
export function checkWavLength(format: WavFormat, totalBytes: number): WavCheck {
  if (format.dataBytes !== UNKNOWN_SIZE && format.dataOffset + format.dataBytes > totalBytes) {
    return refuse(`truncated: the data chunk declares ${format.dataBytes} bytes, ${Math.max(0, totalBytes - format.dataOffset)} arrived`);
  }
  if (totalBytes <= format.dataOffset) return refuse('no audio samples');
  return { ok: true, value: format };
}
