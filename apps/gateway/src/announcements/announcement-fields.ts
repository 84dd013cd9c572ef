import { ANNOUNCEMENT_LIMITS, Errors, fail, ok, type AnnouncementContent, type AnnouncementType, type AnnouncementVoice, type Result } from '@clarion/contracts';

/**
 * Field rules shared by create and update (pure). Bodies come as JSON, urlencoded or multipart
 * form fields, so every value is checked to be a string here rather than trusted to a schema.
 * The language list is campaign-svc's to check (521); everything the request alone decides is
 * answered here without a round trip.
 */
export type Fields = Record<string, unknown>;

const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');

/** A text field: absent → null; present → a trimmed string within its limit, else 4001. */
export function text(fields: Fields, name: string, charsMax: number): Result<string | null> {
  const v = fields[name];
  if (!present(v)) return ok(null);
  if (typeof v !== 'string') return fail(Errors.invalidParameter(`${name} must be a string.`));
  const s = v.trim();
  if (s.length > charsMax) return fail(Errors.invalidParameter(`${name} is longer than ${charsMax} characters.`));
  return ok(s);
}

export function mandatory(fields: Fields, name: string, charsMax: number): Result<string> {
  const r = text(fields, name, charsMax);
  if (!r.ok) return r;
  return r.value === null ? fail(Errors.mandatoryMissing(name)) : ok(r.value);
}

/** type (mandatory, say | play in any case) and, for say, body, language and voice (man | woman, 522 otherwise). */
export function parseContent(fields: Fields): Result<AnnouncementContent> {
  const type = mandatory(fields, 'type', 10);
  if (!type.ok) return type;
  const t = type.value.toLowerCase();
  if (t !== 'say' && t !== 'play') return fail(Errors.invalidParameter('type must be "say" or "play".'));
  if ((t as AnnouncementType) === 'play') return ok({ type: 'play', body: null, language: null, voice: null });
  const body = mandatory(fields, 'body', ANNOUNCEMENT_LIMITS.bodyCharsMax);
  if (!body.ok) return body;
  const language = mandatory(fields, 'language', ANNOUNCEMENT_LIMITS.languageCharsMax);
  if (!language.ok) return language;
  const voice = text(fields, 'voice', 20);
  if (!voice.ok) return fail(Errors.announcementVoiceInvalid);
  if (voice.value === null) return fail(Errors.mandatoryMissing('voice'));
  const v = voice.value.toLowerCase();
  if (v !== 'man' && v !== 'woman') return fail(Errors.announcementVoiceInvalid);
  return ok({ type: 'say', body: body.value, language: language.value, voice: v as AnnouncementVoice });
}
