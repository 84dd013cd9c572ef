/**
 * Business outcomes that are not successes, with the numeric codes and HTTP statuses of seed 000.
 * Services return these as values; only the gateway maps them to HTTP.
 */
export interface ClarionError {
  readonly code: number;
  readonly status: number;
  readonly message: string;
}

function e(code: number, status: number, message: string): ClarionError {
  return Object.freeze({ code, status, message });
}

export const Errors = {
  unauthorized: e(401, 401, 'Authentication failed'),
  notFoundRoute: e(404, 404, 'Resource not found'),
  mandatoryMissing: (what: string) => e(4000, 409, `Mandatory parameter missing. ${what} needs to be passed.`),
  invalidParameter: (what: string) => e(4001, 400, `Invalid parameter. ${what}`),
  payloadTooLarge: (what: string) => e(413, 413, `Upload too large. ${what}`),
  campaignNotFound: e(463, 409, 'Campaign not found'),
  campaignNotScheduled: e(464, 409, 'Campaign status not "Scheduled"'),
  enterpriseNotFound: e(467, 409, 'Enterprise not found'),
  creditNotFound: e(472, 409, 'Credit not found'),
  campaignStatusInvalid: e(483, 409, 'Campaign status is invalid'),
  enterpriseCampaignNotFound: e(486, 409, 'Enterprise campaign not found'),
  campaignStatusCannotBeUpdated: e(487, 409, 'Campaign status cannot be updated'),
  creditNotEnough: e(488, 409, 'Credit is not enough'),
  startTimeInPast: e(489, 409, 'Start Time is in past'),
  dndFileInvalid: e(490, 409, 'Dnd File numbers is not valid'),
  optOutNotFound: e(491, 409, 'OptOut Sid not found'),
  optInNotFound: e(491, 409, 'OptIn Sid not found'),
  /** Naming an opt-in list the enterprise does not have: refused at create, not a failed campaign. */
  optInListNotFound: (name: string) => e(4001, 400, `Invalid parameter. The opt-in list "${name}" does not exist.`),
  announcementNotFound: e(500, 409, 'Announcement not found'),
  audioUploadInvalid: e(504, 409, 'Error in uploading audio file'),
  announcementInUse: e(507, 409, 'This Announcement cannot be deleted as it is being used in a campaign.'),
  announcementLanguageNotFound: e(521, 409, 'Announcement Language Not Found'),
  announcementVoiceInvalid: e(522, 409, 'Announcement voice type should be man or woman.'),
  dateFormatIncorrect: e(498, 400, 'Date format is incorrect. Supported format is ISO-8601 date/time string, like YYYY-MM-DDTHH:MM:SS (for example 2018-10-05T22:45:32)'),
  noValidRecipients: e(499, 409, 'No valid destination number in toFile'),
  uploadIncomplete: e(497, 409, 'The recipient upload did not complete'),
  idempotencyConflict: e(409, 409, 'The same id was already used with different content'),
  holdNotPending: e(493, 409, 'Credit hold is not pending'),
  holdNotFound: e(494, 409, 'Credit hold not found'),
  /** Unexpected failure inside Clarion. 5000 on purpose: seed 000 uses 500 for "Announcement not found". */
  internal: e(5000, 500, 'Internal error'),
  serviceUnavailable: e(503, 503, 'Service did not answer in time; the request may still complete'),
  /** A lifecycle step was re-requested by the campaign watchdog as often as allowed, with no answer. */
  campaignStalled: (step: string) => e(495, 409, `Campaign stalled: ${step} did not answer after repeated requests`),
  campaignRunLimit: e(496, 409, 'Campaign did not complete within its run limit'),
  tooManyRequests: e(429, 429, 'Too many requests; retry after the time in Retry-After'),
  tooManyUploads: e(429, 429, 'Too many uploads in progress for this account; retry after the time in Retry-After'),
} as const;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ClarionError };
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: ClarionError): Result<T> => ({ ok: false, error });
