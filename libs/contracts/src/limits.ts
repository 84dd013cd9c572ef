/** Limits shared by the services (DESIGN: a limit on everything). */
export const LIMITS = {
  uploadBytesMax: 64 * 1024 * 1024,
  recipientsPerCampaignMax: 1_000_000,
  recipientBatchSize: 1000,
  fromNumbersMax: 10_000,
  bodyCharsMax: 1600,
  nameCharsMax: 200,
  pageSizeMax: 1000,
  optOutNumbersPerUploadMax: 1_000_000,
  /** Characters of one uploaded line; a longer one refuses the upload (no number is that long). */
  lineCharsMax: 1024,
} as const;
