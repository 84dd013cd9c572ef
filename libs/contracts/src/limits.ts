/** Limits shared by the services (DESIGN: a limit on everything). */
export const LIMITS = {
  uploadBytesMax: 64 * 1024 * 1024,
  recipientsPerCampaignMax: 1_000_000,
  /** Numbers per AddRecipients / FilterRecipients / RecipientsFiltered message: each costs a transaction and a
   * stream append in campaign-svc whatever its size (1,000: 34 s from upload to `scheduled` for
   * 1,000,000 recipients; 5,000: see the README's Performance section). ~80 KB per message. */
  recipientBatchSize: 5000,
  fromNumbersMax: 10_000,
  bodyCharsMax: 1600,
  nameCharsMax: 200,
  pageSizeMax: 1000,
  optOutNumbersPerUploadMax: 1_000_000,
  /** Characters of one uploaded line; a longer one refuses the upload (no number is that long). */
  lineCharsMax: 1024,
} as const;
