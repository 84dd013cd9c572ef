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
} as const;
