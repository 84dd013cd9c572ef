import { All, Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { isSid } from '@clarion/contracts';
import { Platform } from '@clarion/platform';
import { CALL_AUDIO_PATH, CALL_FLOW_PATH, checkSignedPath, renderRcml, signPath, type SignedQuery } from '@clarion/voice';
import { CallFlows } from './call-flows.repository';
import { VoiceConfig } from './voice.config';

/**
 * What the voice carrier fetches while a call runs: the campaign's call flow (RCML) and its
 * announcement's audio. No account credentials: each URL is signed and expires (signed-url.ts),
 * so only a URL that dispatch handed to the carrier opens, and only for a while.
 */
@ApiExcludeController()
@Controller()
export class CallFlowController {
  private readonly flows: CallFlows;
  constructor(
    platform: Platform,
    private readonly voice: VoiceConfig,
  ) {
    this.flows = new CallFlows(platform);
  }

  /** The carrier asks with POST (Method=POST when the call is placed); GET is served too, for a carrier set up that way. */
  @All('voice/rcml/:campaignSid')
  async rcml(@Param('campaignSid') campaignSid: string, @Query() query: Partial<SignedQuery>, @Res() res: Response) {
    const settings = this.admit(CALL_FLOW_PATH, campaignSid, query, res);
    if (!settings) return;
    const stored = await this.flows.get(campaignSid);
    if (!stored) return void res.status(404).type('text/plain').send('no call flow');
    const { flow } = stored;
    const xml =
      flow.kind === 'say' ? renderRcml(flow) : renderRcml({ kind: 'play', audioUrl: settings.publicUrl + signPath(settings.urlSecret, CALL_AUDIO_PATH + campaignSid, Date.now() + settings.urlTtlMs) });
    res.status(200).type('application/xml').set('Cache-Control', 'no-store').send(xml);
  }

  @Get('voice/audio/:campaignSid')
  async audio(@Param('campaignSid') campaignSid: string, @Query() query: Partial<SignedQuery>, @Res() res: Response) {
    if (!this.admit(CALL_AUDIO_PATH, campaignSid, query, res)) return;
    const stored = await this.flows.get(campaignSid);
    const content = stored?.flow.kind === 'play' ? await this.flows.audio(stored.flow.announcementSid, stored.enterpriseSid, stored.flow.fileName) : null;
    if (!content) return void res.status(404).type('text/plain').send('no audio');
    res
      .status(200)
      .set({ 'Content-Type': 'audio/wav', 'Content-Length': String(content.length), 'Cache-Control': 'private, max-age=3600' })
      .end(content);
  }

  /** 404 without a voice carrier, 403 for a URL Clarion did not sign, 410 for one that expired. */
  private admit(prefix: string, campaignSid: string, query: Partial<SignedQuery>, res: Response) {
    const settings = this.voice.settings;
    if (!settings || !isSid('campaign', campaignSid)) {
      res.status(404).type('text/plain').send('not found');
      return null;
    }
    const check = checkSignedPath(settings.urlSecret, prefix + campaignSid, query, Date.now());
    if (check !== 'valid') {
      res
        .status(check === 'expired' ? 410 : 403)
        .type('text/plain')
        .send(check);
      return null;
    }
    return settings;
  }
}
