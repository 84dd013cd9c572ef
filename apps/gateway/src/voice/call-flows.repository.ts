import type { AnnouncementView } from '@clarion/contracts';
import type { Platform } from '@clarion/platform';

/** A campaign's call flow as stored: the words to say, or the stored audio file to play. */
export type StoredCallFlow = { kind: 'say'; text: string; voice: string | null; language: string | null } | { kind: 'play'; announcementSid: string; fileName: string | null };

/** The announcement's content as a campaign keeps it. */
export function callFlowOf(a: AnnouncementView): StoredCallFlow {
  if (a.type === 'say') return { kind: 'say', text: a.body ?? '', voice: a.voice, language: a.language };
  return { kind: 'play', announcementSid: a.sid, fileName: a.fileUri ? (a.fileUri.split('/').pop() ?? null) : null };
}

export class CallFlows {
  constructor(private readonly platform: Platform) {}

  /** Written before the campaign is created; a create that fails after it leaves a row nobody asks for. */
  async save(campaignSid: string, enterpriseSid: string, flow: StoredCallFlow): Promise<void> {
    await this.platform.query('INSERT INTO call_flows (campaign_sid, enterprise_sid, flow) VALUES ($1, $2, $3::jsonb) ON CONFLICT (campaign_sid) DO NOTHING', [
      campaignSid,
      enterpriseSid,
      JSON.stringify(flow),
    ]);
  }

  async get(campaignSid: string): Promise<{ enterpriseSid: string; flow: StoredCallFlow } | null> {
    const [row] = await this.platform.query<{ enterprise_sid: string; flow: StoredCallFlow }>('SELECT enterprise_sid, flow FROM call_flows WHERE campaign_sid = $1', [campaignSid]);
    return row ? { enterpriseSid: row.enterprise_sid, flow: row.flow } : null;
  }

  /**
   * The audio a "play" campaign plays: the file it was created with, or, once a new upload
   * replaced that one, the announcement's latest file.
   */
  async audio(announcementSid: string, enterpriseSid: string, fileName: string | null): Promise<Buffer | null> {
    const [row] = await this.platform.query<{ content: Buffer }>(
      `SELECT content FROM announcement_files WHERE announcement_sid = $1 AND enterprise_sid = $2
       ORDER BY (file_name = $3) DESC, uploaded_at DESC LIMIT 1`,
      [announcementSid, enterpriseSid, fileName],
    );
    return row?.content ?? null;
  }
}
