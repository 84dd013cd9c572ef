/* WAV files for the announcement and voice tests. */

/** A WAV file as an encoder writes it (RIFF header, fmt chunk, data chunk). */
export function wav(spec: { formatTag?: number; channels?: number; sampleRateHz?: number; bitsPerSample?: number; samples?: number } = {}): Buffer {
  const { formatTag = 7, channels = 1, sampleRateHz = 8000, bitsPerSample = 8, samples = 4000 } = spec;
  const blockAlign = (channels * bitsPerSample) / 8;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples * blockAlign, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(formatTag, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRateHz, 24);
  header.writeUInt32LE(sampleRateHz * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples * blockAlign, 40);
  const data = Buffer.alloc(samples * blockAlign);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  return Buffer.concat([header, data]);
}

/** A multipart form holding the file, as the seed's upload takes it. */
export const wavForm = (bytes: Buffer, field = 'file') => {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type: 'audio/wav' }), 'announcement.wav');
  return form;
};
