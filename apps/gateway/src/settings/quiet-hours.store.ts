import { DEFAULT_QUIET_WINDOW, type QuietHoursPolicy } from '@clarion/contracts';
import type { Platform } from '@clarion/platform';

/** What an enterprise that never set quiet hours gets: 08:00–21:00 everywhere. */
export const DEFAULT_QUIET_HOURS: QuietHoursPolicy = { ...DEFAULT_QUIET_WINDOW, countries: {} };

/** The setting as the API shows it: the policy, and whether the enterprise set it or it is the default. */
export interface QuietHoursSetting extends QuietHoursPolicy {
  isDefault: boolean;
  dateUpdated: string | null;
}

/**
 * QUIET_HOURS_DEFAULT=off: an enterprise that never set quiet hours has none applied to its
 * campaigns (the end-to-end stack runs campaigns at whatever time CI runs). Anything else, and
 * unset: the default window applies, as it should in production.
 */
export function defaultQuietHoursApplies(env: NodeJS.ProcessEnv): boolean {
  return (env.QUIET_HOURS_DEFAULT ?? 'on').trim().toLowerCase() !== 'off';
}

export async function readQuietHours(db: Platform, enterpriseSid: string): Promise<QuietHoursSetting> {
  const [row] = await db.query<{ policy: QuietHoursPolicy; updated_at: Date }>('SELECT policy, updated_at FROM quiet_hours_settings WHERE enterprise_sid = $1', [enterpriseSid]);
  if (!row) return { ...DEFAULT_QUIET_HOURS, isDefault: true, dateUpdated: null };
  return { ...row.policy, isDefault: false, dateUpdated: new Date(row.updated_at).toISOString() };
}

export async function writeQuietHours(db: Platform, enterpriseSid: string, policy: QuietHoursPolicy, now: Date): Promise<QuietHoursSetting> {
  await db.query(
    `INSERT INTO quiet_hours_settings (enterprise_sid, policy, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (enterprise_sid) DO UPDATE SET policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at`,
    [enterpriseSid, JSON.stringify(policy), now],
  );
  return { ...policy, isDefault: false, dateUpdated: now.toISOString() };
}

/**
 * The policy a new campaign of the enterprise takes as its snapshot: the one it set, else the
 * default unless `applyDefault` is off (then null: no quiet hours).
 */
export async function quietHoursForCampaign(db: Platform, enterpriseSid: string, applyDefault: boolean): Promise<QuietHoursPolicy | null> {
  const s = await readQuietHours(db, enterpriseSid);
  if (s.isDefault && !applyDefault) return null;
  return { start: s.start, end: s.end, countries: s.countries };
}

/** Whether the default window applies to enterprises that never set one (QUIET_HOURS_DEFAULT), as the gateway was started. */
export class QuietHoursConfig {
  constructor(readonly applyDefault: boolean) {}
}
