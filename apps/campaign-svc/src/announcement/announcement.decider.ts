import { Errors, type AnnouncementContent, type AnnouncementView, type ClarionError } from '@clarion/contracts';
import { isSupportedLanguage, type LanguageList } from './languages';

/**
 * The announcement aggregate as a pure decider: decide(command, state) → events or a business error,
 * evolve(state, event) → state. Time, the language list and whether a campaign uses the
 * announcement arrive with the commands; nothing here does I/O.
 */

export interface AnnouncementDefinition {
  sid: string;
  enterpriseSid: string;
  accountSid: string;
  accountEmail: string;
  name: string;
  description: string | null;
}

interface Known extends AnnouncementDefinition, AnnouncementContent {
  fileUri: string | null;
  createdAt: string;
  updatedAt: string;
}

export type AnnouncementState = { status: 'absent' } | (Known & { status: 'active' }) | { status: 'deleted'; sid: string; enterpriseSid: string; deletedAt: string };

export type AnnouncementCommand =
  | { type: 'CreateAnnouncement'; def: AnnouncementDefinition; content: AnnouncementContent; languages: LanguageList; at: string }
  | { type: 'UpdateAnnouncement'; enterpriseSid: string; name?: string; description?: string | null; content: AnnouncementContent; languages: LanguageList; at: string }
  | { type: 'AttachAnnouncementFile'; enterpriseSid: string; fileUri: string; at: string }
  /** campaignsUsing: how many campaigns that have not finished name this announcement (read by the adapter). */
  | { type: 'DeleteAnnouncement'; enterpriseSid: string; campaignsUsing: number; at: string };

/** Content is nested: its own `type` (say | play) would collide with the event's. */
export type AnnouncementEvent =
  | { type: 'AnnouncementCreated'; def: AnnouncementDefinition; content: AnnouncementContent; at: string }
  | { type: 'AnnouncementUpdated'; name: string; description: string | null; content: AnnouncementContent; at: string }
  | { type: 'AnnouncementFileAttached'; fileUri: string; at: string }
  | { type: 'AnnouncementDeleted'; at: string };

export type Decision = { ok: true; events: AnnouncementEvent[] } | { ok: false; error: ClarionError };

export const initialState = (): AnnouncementState => ({ status: 'absent' });

const accept = (...events: AnnouncementEvent[]): Decision => ({ ok: true, events });
const reject = (error: ClarionError): Decision => ({ ok: false, error });

/**
 * What a "say" announcement needs (body, language, voice) and a "play" one ignores: a play
 * announcement's audio comes from its upload, so text fields sent with it are dropped.
 */
export function validateContent(content: AnnouncementContent, languages: LanguageList): { ok: true; value: AnnouncementContent } | { ok: false; error: ClarionError } {
  if (content.type === 'play') return { ok: true, value: { type: 'play', body: null, language: null, voice: null } };
  if (content.type !== 'say') return { ok: false, error: Errors.invalidParameter('type must be "say" or "play".') };
  const body = content.body?.trim() ?? '';
  const language = content.language?.trim() ?? '';
  if (body === '') return { ok: false, error: Errors.mandatoryMissing('body') };
  if (language === '') return { ok: false, error: Errors.mandatoryMissing('language') };
  if (!content.voice) return { ok: false, error: Errors.mandatoryMissing('voice') };
  if (content.voice !== 'man' && content.voice !== 'woman') return { ok: false, error: Errors.announcementVoiceInvalid };
  if (!isSupportedLanguage(language, languages)) return { ok: false, error: Errors.announcementLanguageNotFound };
  return { ok: true, value: { type: 'say', body, language, voice: content.voice } };
}

export function decide(command: AnnouncementCommand, state: AnnouncementState): Decision {
  if (command.type === 'CreateAnnouncement') {
    // A redelivered create is a replay, not a second announcement (the sid comes with the command).
    if (state.status !== 'absent') return accept();
    const name = command.def.name.trim();
    if (name === '') return reject(Errors.mandatoryMissing('name'));
    const content = validateContent(command.content, command.languages);
    if (!content.ok) return reject(content.error);
    return accept({ type: 'AnnouncementCreated', def: { ...command.def, name }, content: content.value, at: command.at });
  }
  // Another enterprise's announcement answers exactly as a missing one.
  if (state.status !== 'active' || state.enterpriseSid !== command.enterpriseSid) return reject(Errors.announcementNotFound);

  switch (command.type) {
    case 'UpdateAnnouncement': {
      const name = command.name === undefined ? state.name : command.name.trim();
      if (name === '') return reject(Errors.mandatoryMissing('name'));
      const content = validateContent(command.content, command.languages);
      if (!content.ok) return reject(content.error);
      const description = command.description === undefined ? state.description : command.description;
      return accept({ type: 'AnnouncementUpdated', name, description, content: content.value, at: command.at });
    }
    case 'AttachAnnouncementFile':
      if (state.type !== 'play') return reject(Errors.invalidParameter('Only a "play" announcement takes an audio file.'));
      return accept({ type: 'AnnouncementFileAttached', fileUri: command.fileUri, at: command.at });
    case 'DeleteAnnouncement':
      if (command.campaignsUsing > 0) return reject(Errors.announcementInUse);
      return accept({ type: 'AnnouncementDeleted', at: command.at });
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled command ${(unhandled as { type: string }).type}`);
    }
  }
}

export function evolve(state: AnnouncementState, event: AnnouncementEvent): AnnouncementState {
  switch (event.type) {
    case 'AnnouncementCreated':
      return { status: 'active', ...event.def, ...event.content, fileUri: null, createdAt: event.at, updatedAt: event.at };
    case 'AnnouncementUpdated': {
      if (state.status !== 'active') return state;
      // Audio belongs to "play": a say announcement has none, and one that becomes play again needs a new upload.
      const fileUri = event.content.type === 'play' && state.type === 'play' ? state.fileUri : null;
      return { ...state, name: event.name, description: event.description, ...event.content, fileUri, updatedAt: event.at };
    }
    case 'AnnouncementFileAttached':
      return state.status === 'active' ? { ...state, fileUri: event.fileUri, updatedAt: event.at } : state;
    case 'AnnouncementDeleted':
      return state.status === 'active' ? { status: 'deleted', sid: state.sid, enterpriseSid: state.enterpriseSid, deletedAt: event.at } : state;
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${(unhandled as { type: string }).type}`);
    }
  }
}

export function toView(state: Known & { status: 'active' }): AnnouncementView {
  return {
    sid: state.sid,
    enterpriseSid: state.enterpriseSid,
    accountSid: state.accountSid,
    accountEmail: state.accountEmail,
    name: state.name,
    description: state.description,
    type: state.type,
    body: state.body,
    language: state.language,
    voice: state.voice,
    fileUri: state.fileUri,
    dateCreated: state.createdAt,
    dateUpdated: state.updatedAt,
    uri: `/campaignmanager/announcement/search/${state.sid}`,
  };
}
