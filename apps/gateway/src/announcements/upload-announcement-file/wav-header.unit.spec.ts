import fc from 'fast-check';
import { HEADER_BYTES_MAX, checkWavLength, parseWavHeader } from './wav-header';

interface Spec {
  formatTag?: number;
  channels?: number;
  sampleRateHz?: number;
  bitsPerSample?: number;
  /** Chunks written between fmt and data (e.g. LIST metadata). */
  extra?: { id: string; size: number }[];
  samples?: number;
}

/** A WAV file as an encoder writes it: RIFF header, fmt chunk, optional chunks, data chunk. */
function wav(spec: Spec = {}): Buffer {
  const { formatTag = 1, channels = 1, sampleRateHz = 8000, bitsPerSample = 16, extra = [], samples = 800 } = spec;
  const blockAlign = (channels * bitsPerSample) / 8;
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(formatTag, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(sampleRateHz, 12);
  fmt.writeUInt32LE(sampleRateHz * blockAlign, 16);
  fmt.writeUInt16LE(blockAlign, 20);
  fmt.writeUInt16LE(bitsPerSample, 22);
  const extras = extra.map(({ id, size }) => {
    const c = Buffer.alloc(8 + size + (size % 2));
    c.write(id, 0, 'ascii');
    c.writeUInt32LE(size, 4);
    return c;
  });
  const data = Buffer.alloc(8 + samples * blockAlign);
  data.write('data', 0, 'ascii');
  data.writeUInt32LE(samples * blockAlign, 4);
  for (let i = 8; i < data.length; i++) data[i] = (i * 37) & 0xff;
  const body = Buffer.concat([Buffer.from('WAVE', 'ascii'), fmt, ...extras, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

const accepted = (b: Buffer) => {
  const h = parseWavHeader(b);
  return h.ok ? checkWavLength(h.value, b.length) : h;
};

describe('WAV header', () => {
  it.each([
    ['PCM 16-bit 8 kHz', { formatTag: 1, bitsPerSample: 16, sampleRateHz: 8000 }, 'pcm'],
    ['PCM 16-bit 16 kHz', { formatTag: 1, bitsPerSample: 16, sampleRateHz: 16000 }, 'pcm'],
    ['PCM 8-bit 8 kHz', { formatTag: 1, bitsPerSample: 8, sampleRateHz: 8000 }, 'pcm'],
    ['µ-law 8 kHz', { formatTag: 7, bitsPerSample: 8, sampleRateHz: 8000 }, 'mulaw'],
    ['µ-law 16 kHz', { formatTag: 7, bitsPerSample: 8, sampleRateHz: 16000 }, 'mulaw'],
  ])('accepts %s', (_name, spec, encoding) => {
    const r = accepted(wav(spec));
    expect(r).toMatchObject({ ok: true, value: { encoding, channels: 1, sampleRateHz: spec.sampleRateHz, bitsPerSample: spec.bitsPerSample } });
  });

  it('skips metadata chunks (odd sizes padded) between fmt and data', () => {
    const b = wav({
      extra: [
        { id: 'LIST', size: 27 },
        { id: 'fact', size: 4 },
      ],
    });
    const r = parseWavHeader(b);
    expect(r).toMatchObject({ ok: true, value: { dataOffset: 12 + 24 + 8 + 28 + 8 + 4 + 8 } });
  });

  it.each([
    ['stereo', { channels: 2 }, /channels/],
    ['44.1 kHz', { sampleRateHz: 44100 }, /44100 Hz/],
    ['A-law', { formatTag: 6, bitsPerSample: 8 }, /format 6/],
    ['IEEE float', { formatTag: 3, bitsPerSample: 32 }, /format 3/],
    ['extensible', { formatTag: 0xfffe }, /format 65534/],
    ['24-bit PCM', { bitsPerSample: 24 }, /bits per sample/],
    ['16-bit µ-law', { formatTag: 7, bitsPerSample: 16 }, /bits per sample/],
  ])('refuses %s with 504', (_name, spec, reason) => {
    const r = parseWavHeader(wav(spec));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(504);
      expect(r.reason).toMatch(reason);
    }
  });

  it('refuses what is not RIFF/WAVE: an MP3, text, an empty file', () => {
    for (const b of [Buffer.from('ID3\u0003\u0000\u0000\u0000'), Buffer.from('hello, this is not audio at all'), Buffer.alloc(0)]) {
      expect(parseWavHeader(b)).toMatchObject({ ok: false, reason: 'not a RIFF/WAVE file' });
    }
  });

  it('refuses every truncation of a good header, and a file cut inside its samples', () => {
    const b = wav();
    const headerEnd = parseWavHeader(b).ok ? (parseWavHeader(b) as { value: { dataOffset: number } }).value.dataOffset : 0;
    for (let n = 0; n < headerEnd; n++) expect(parseWavHeader(b.subarray(0, n)).ok).toBe(false);
    expect(accepted(b.subarray(0, b.length - 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated/) });
    expect(accepted(b.subarray(0, headerEnd))).toMatchObject({ ok: false });
  });

  it('refuses inconsistent rates, a data chunk before fmt, and a header with no data chunk in reach', () => {
    const b = wav();
    b.writeUInt32LE(1234, 28); // byte rate
    expect(parseWavHeader(b)).toMatchObject({ ok: false, reason: expect.stringMatching(/inconsistent/) });
    const noFmt = Buffer.concat([Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEdata\u0004\u0000\u0000\u0000abcd', 'latin1')]);
    expect(parseWavHeader(noFmt)).toMatchObject({ ok: false, reason: 'data chunk before the fmt chunk' });
    const huge = wav({ extra: [{ id: 'junk', size: HEADER_BYTES_MAX }] }).subarray(0, HEADER_BYTES_MAX);
    expect(parseWavHeader(huge)).toMatchObject({ ok: false, reason: expect.stringMatching(/no data chunk/) });
  });

  it('property: random bytes never throw and are refused', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const r = parseWavHeader(bytes);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: random bytes behind a RIFF/WAVE signature never throw, and what passes is a format we play', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (tail) => {
        const b = Buffer.concat([Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVE', 'latin1'), tail]);
        const r = parseWavHeader(b);
        if (r.ok) {
          expect(r.value.channels).toBe(1);
          expect([8000, 16000]).toContain(r.value.sampleRateHz);
          expect(r.value.dataOffset).toBeLessThanOrEqual(b.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: a well-formed header passes exactly when its format is one we play, whatever the metadata', () => {
    const spec = fc.record({
      formatTag: fc.constantFrom(1, 3, 6, 7, 0xfffe),
      channels: fc.constantFrom(1, 2),
      sampleRateHz: fc.constantFrom(8000, 11025, 16000, 22050, 44100, 48000),
      bitsPerSample: fc.constantFrom(8, 16, 24),
      extra: fc.array(fc.record({ id: fc.constantFrom('LIST', 'fact', 'junk', 'bext'), size: fc.nat(300) }), { maxLength: 4 }),
      samples: fc.integer({ min: 1, max: 400 }),
    });
    fc.assert(
      fc.property(spec, (s) => {
        const playable = (s.formatTag === 1 && (s.bitsPerSample === 8 || s.bitsPerSample === 16)) || (s.formatTag === 7 && s.bitsPerSample === 8);
        const expected = playable && s.channels === 1 && (s.sampleRateHz === 8000 || s.sampleRateHz === 16000);
        expect(accepted(wav(s)).ok).toBe(expected);
      }),
    );
  });
});
