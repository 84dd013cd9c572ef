import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { TOPIC, message } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { FINAL_CALL_STATUSES, isCallStatus, validCarrierSignature } from '@clarion/voice';
import { VoiceConfig } from './voice.config';

/** The send a call was placed for, as dispatch-svc writes it into the callback URL. */
const SEND_REFERENCE = /^CP[0-9a-f]{32}:\d{1,9}$/;

/** A callback's fields are short; anything longer is not the carrier's. */
const FIELD_CHARS_MAX = 200;

/**
 * The voice carrier's status callbacks. Only a callback signed with the account's auth token
 * (X-Twilio-Signature over PUBLIC_URL + the path and the sorted form fields) is taken; a forged
 * one gets 403 and changes nothing. A taken one is on the broker (all replicas) before the
 * carrier gets its 204, so none is lost; dispatch applies it once however often it comes.
 */
@ApiExcludeController()
@Controller()
export class CallStatusController {
  constructor(
    private readonly rr: RequestReplyClient,
    private readonly voice: VoiceConfig,
  ) {}

  @Post('voice/status')
  @HttpCode(204)
  async status(@Req() req: Request, @Body() body: Record<string, unknown>, @Headers('x-twilio-signature') signature: string | undefined, @Res({ passthrough: true }) res: Response) {
    const settings = this.voice.settings;
    if (!settings) return void res.status(404).send();
    const params = formFields(body);
    if (!params || !validCarrierSignature(settings.authToken, settings.publicUrl + req.originalUrl, params, signature)) return void res.status(403).type('text/plain').send('invalid signature');
    const callSid = one(params.CallSid);
    const to = one(params.To);
    const status = one(params.CallStatus);
    if (!callSid || !to || !isCallStatus(status)) return void res.status(400).type('text/plain').send('CallSid, To and CallStatus are required');
    // Ringing, answered and the like change nothing in Clarion: only a call's end goes on to dispatch.
    if (!FINAL_CALL_STATUSES.includes(status)) return;
    const duration = Number(one(params.CallDuration));
    const ref = typeof req.query.ref === 'string' && SEND_REFERENCE.test(req.query.ref) ? req.query.ref : null;
    await this.rr.send(
      TOPIC.voiceCallbacks,
      callSid,
      message(
        'CallStatusReported',
        { callSid, to, status, durationSeconds: Number.isInteger(duration) && duration >= 0 ? duration : null, receivedAt: new Date().toISOString(), reference: ref },
        // The same status of the same call is the same message: a repeat is recognised downstream.
        { messageId: `${callSid}:${status}` },
      ),
    );
  }
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The form as signed: strings (or lists of them) only, each bounded; null for anything else. */
function formFields(body: Record<string, unknown>): Record<string, string | string[]> | null {
  if (!body || typeof body !== 'object') return null;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' && v.length <= FIELD_CHARS_MAX) out[k] = v;
    else if (Array.isArray(v) && v.length <= 10 && v.every((x) => typeof x === 'string' && x.length <= FIELD_CHARS_MAX)) out[k] = v as string[];
    else return null;
  }
  return out;
}
