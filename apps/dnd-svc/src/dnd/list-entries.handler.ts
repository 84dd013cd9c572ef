import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { DeleteDndEntry, GetDndEntry, SearchDndEntries } from '@clarion/contracts';
import { Platform, type MessageContext } from '@clarion/platform';
import { recordConsentChanges } from '../consent/consent.repository';
import { entryNotFound } from './dnd.errors';
import { deleteEntry, findEntry, searchEntries } from './dnd.repository';

/**
 * The entries of an enterprise's lists, for the REST API. Every statement names the enterprise,
 * so another enterprise's sid answers exactly like one that does not exist.
 */
@Controller()
export class ListEntriesHandler {
  constructor(private readonly platform: Platform) {}

  @EventPattern('DeleteDndEntry')
  async delete(@Payload() m: DeleteDndEntry, @Ctx() ctx: MessageContext): Promise<void> {
    const { enterpriseSid, list, numberSid } = m.data;
    const removed = await deleteEntry(ctx.db, list, enterpriseSid, numberSid);
    if (!removed) return ctx.replyError(entryNotFound(list));
    // Off the opt-out list is opted back in; off a named opt-in list is no longer opted in to it.
    const change = list === 'optout' ? { consent: 'opted-in' as const, optInList: null } : { consent: 'opted-out' as const, optInList: removed.name };
    await recordConsentChanges(ctx.db, { enterpriseSid, ...change, source: 'api', campaignSid: null, uploadId: null, text: null }, [removed.number], m);
    ctx.replyOk(removed);
  }

  @EventPattern('GetDndEntry')
  async get(@Payload() m: GetDndEntry, @Ctx() ctx: MessageContext): Promise<void> {
    const { enterpriseSid, list, numberSid } = m.data;
    const entry = await findEntry(this.platform, list, enterpriseSid, numberSid);
    if (!entry) return ctx.replyError(entryNotFound(list));
    ctx.replyOk(entry);
  }

  @EventPattern('SearchDndEntries')
  async search(@Payload() m: SearchDndEntries, @Ctx() ctx: MessageContext): Promise<void> {
    ctx.replyOk(await searchEntries(this.platform, m.data));
  }
}
