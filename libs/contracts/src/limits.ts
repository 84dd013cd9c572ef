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
  /**
   * Recipients per batch of a personalised campaign (seed 001's name, custom1, custom2 travel with
   * each number). With every field at contactFieldCharsMax of 3-byte characters a recipient is under
   * 1 KB of JSON, so a batch stays under half of a record's 1 MB (TOPIC_MESSAGE_BYTES_MAX). Dispatch
   * numbers such a batch's sends from batchNo × this, so it must be the same everywhere.
   */
  personalisedBatchSize: 500,
  /** Characters (UTF-16 units) of one personalisation field: name, custom1 or custom2. */
  contactFieldCharsMax: 100,
  /** Recipients of a JSON body (`to` of POST /campaignmanager/campaigns, `contacts` of seed 001): small lists; files are for the rest. */
  jsonRecipientsMax: 10_000,
  /** Line numbers an upload refused for invalid phone numbers reports (the first ones). */
  invalidLinesReportedMax: 20,
  /** A fromFile is a list of sender ids (at most fromNumbersMax), never a recipient-sized file. */
  fromFileBytesMax: 1024 * 1024,
} as const;
