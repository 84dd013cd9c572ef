import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  Errors,
  type AttachAnnouncementFile,
  type ClarionError,
  type CreateAnnouncement,
  type DeleteAnnouncement,
  type GetAnnouncement,
  type Message,
  type SearchAnnouncements,
  type UpdateAnnouncement,
} from '@clarion/contracts';
import { Platform, appendToStream, loadStream, type MessageContext, type Tx } from '@clarion/platform';
import { decide, evolve, initialState, toView, type AnnouncementCommand, type AnnouncementState } from './announcement.decider';
import { announcementRepository as repo } from './announcement.repository';
import { parseLanguageList } from './languages';

const streamOf = (announcementSid: string) => `announcement-${announcementSid}`;
const now = () => new Date().toISOString();

/**
 * Thin adapter: turns announcement messages into decider commands, stores the events and the read
 * model in the message's transaction and answers the requester.
 */
@Controller()
export class AnnouncementHandlers {
  /** Read once at start: a malformed ANNOUNCEMENT_LANGUAGES stops the service instead of refusing every say announcement. */
  private readonly languages = parseLanguageList(process.env.ANNOUNCEMENT_LANGUAGES);
  constructor(private readonly platform: Platform) {}

  @EventPattern('CreateAnnouncement')
  async create(@Payload() m: CreateAnnouncement, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const def = { sid: d.announcementSid, enterpriseSid: d.enterpriseSid, accountSid: d.accountSid, accountEmail: d.accountEmail, name: d.name, description: d.description };
    const content = { type: d.type, body: d.body, language: d.language, voice: d.voice };
    await this.answer(ctx, await execute(ctx.db, m, d.announcementSid, { type: 'CreateAnnouncement', def, content, languages: this.languages, at: now() }));
  }

  @EventPattern('UpdateAnnouncement')
  async update(@Payload() m: UpdateAnnouncement, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    const content = { type: d.type, body: d.body, language: d.language, voice: d.voice };
    const command: AnnouncementCommand = { type: 'UpdateAnnouncement', enterpriseSid: d.enterpriseSid, name: d.name, description: d.description, content, languages: this.languages, at: now() };
    await this.answer(ctx, await execute(ctx.db, m, d.announcementSid, command));
  }

  @EventPattern('AttachAnnouncementFile')
  async attach(@Payload() m: AttachAnnouncementFile, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    await this.answer(ctx, await execute(ctx.db, m, d.announcementSid, { type: 'AttachAnnouncementFile', enterpriseSid: d.enterpriseSid, fileUri: d.fileUri, at: now() }));
  }

  @EventPattern('DeleteAnnouncement')
  async remove(@Payload() m: DeleteAnnouncement, @Ctx() ctx: MessageContext): Promise<void> {
    const d = m.data;
    // Read in the same transaction as the delete; a campaign created concurrently with the delete
    // is the create path's to refuse (it looks the announcement up first).
    const campaignsUsing = await repo.campaignsUsing(ctx.db, d.announcementSid, d.enterpriseSid);
    const r = await execute(ctx.db, m, d.announcementSid, { type: 'DeleteAnnouncement', enterpriseSid: d.enterpriseSid, campaignsUsing, at: now() });
    if (!r.ok) return ctx.replyError(r.error);
    // The answer is the announcement as it was, as seed 000's delete example shows.
    if (!r.before) return ctx.replyError(Errors.announcementNotFound);
    ctx.replyOk(r.before);
  }

  @EventPattern('GetAnnouncement')
  async get(@Payload() m: GetAnnouncement, @Ctx() ctx: MessageContext): Promise<void> {
    // Queries have no transaction; they read through the service's pool.
    const view = await repo.get(this.platform, m.data.announcementSid, m.data.enterpriseSid);
    if (!view) return ctx.replyError(Errors.announcementNotFound);
    ctx.replyOk(view);
  }

  @EventPattern('SearchAnnouncements')
  async search(@Payload() m: SearchAnnouncements, @Ctx() ctx: MessageContext): Promise<void> {
    ctx.replyOk(await repo.search(this.platform, m.data));
  }

  private async answer(ctx: MessageContext, r: Executed): Promise<void> {
    if (!r.ok) return ctx.replyError(r.error);
    // A create replayed after a delete finds the announcement gone.
    if (r.state.status !== 'active') return ctx.replyError(Errors.announcementNotFound);
    ctx.replyOk(toView(r.state));
  }
}

type Executed = { ok: true; state: AnnouncementState; before: ReturnType<typeof toView> | null } | { ok: false; error: ClarionError };

/** Load → decide → append → project, all in the caller's transaction. */
async function execute(tx: Tx, causedBy: Message, announcementSid: string, command: AnnouncementCommand): Promise<Executed> {
  const streamId = streamOf(announcementSid);
  const { state, version } = await loadStream(tx, streamId, { initialState, evolve });
  const decision = decide(command, state);
  if (!decision.ok) return { ok: false, error: decision.error };
  const current = decision.events.reduce(evolve, state);
  if (decision.events.length > 0) {
    await appendToStream(
      tx,
      streamId,
      version,
      decision.events.map(({ type, ...data }) => ({ type, data })),
      { correlationId: causedBy.metadata.correlationId, causationId: causedBy.metadata.messageId },
      current,
    );
    if (current.status === 'active') await repo.save(tx, toView(current));
    else await repo.remove(tx, announcementSid);
  }
  return { ok: true, state: current, before: state.status === 'active' ? toView(state) : null };
}
