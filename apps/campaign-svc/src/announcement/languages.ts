/**
 * The text-to-speech languages a "say" announcement may name (seed 000: 521 "Announcement Language
 * Not Found" otherwise). The list is configuration, because it is whatever the voice carrier's
 * text-to-speech engine speaks: ANNOUNCEMENT_LANGUAGES is a comma-separated list of BCP-47 tags.
 *
 * A language is accepted when it equals a listed tag, ignoring case ("EN-us" is en-US), or when it
 * is a provider's voice name built on a listed tag, "<provider>.<tag>-<voice>", such as seed 000's
 * own example "google.ar-XA-Standard-A" (ar-XA): clients written against the seed send those.
 */
export const DEFAULT_ANNOUNCEMENT_LANGUAGES = [
  'en-US',
  'en-GB',
  'en-AU',
  'en-IN',
  'es-ES',
  'es-MX',
  'es-US',
  'fr-FR',
  'fr-CA',
  'de-DE',
  'it-IT',
  'pt-BR',
  'pt-PT',
  'nl-NL',
  'sv-SE',
  'da-DK',
  'nb-NO',
  'fi-FI',
  'pl-PL',
  'ru-RU',
  'tr-TR',
  'ar-XA',
  'hi-IN',
  'bn-IN',
  'ta-IN',
  'te-IN',
  'ja-JP',
  'ko-KR',
  'zh-CN',
  'zh-TW',
  'id-ID',
  'th-TH',
  'vi-VN',
] as const;

/** At most this many tags are configured; a longer list is a mistake in the environment. */
const LANGUAGES_MAX = 500;
const TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

export interface LanguageList {
  /** Lower-cased tags, for case-insensitive matching. */
  readonly tags: ReadonlySet<string>;
}

/** Parses ANNOUNCEMENT_LANGUAGES; unset or blank means the default list. Throws on a malformed value (a start-up error). */
export function parseLanguageList(raw: string | undefined): LanguageList {
  const items =
    raw === undefined || raw.trim() === ''
      ? [...DEFAULT_ANNOUNCEMENT_LANGUAGES]
      : raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  if (items.length === 0 || items.length > LANGUAGES_MAX) throw new Error(`ANNOUNCEMENT_LANGUAGES must list 1 to ${LANGUAGES_MAX} language tags`);
  for (const item of items) {
    if (!TAG.test(item)) throw new Error(`ANNOUNCEMENT_LANGUAGES: "${item}" is not a language tag such as en-US`);
  }
  return { tags: new Set(items.map((t) => t.toLowerCase())) };
}

export function isSupportedLanguage(language: string, list: LanguageList): boolean {
  const lower = language.trim().toLowerCase();
  if (list.tags.has(lower)) return true;
  // "<provider>.<tag>-<voice>": the tag is the longest listed prefix of what follows the dot.
  const dot = lower.indexOf('.');
  if (dot <= 0 || !/^[a-z0-9_]+$/.test(lower.slice(0, dot))) return false;
  const rest = lower.slice(dot + 1).split('-');
  for (let n = rest.length; n >= 1; n--) {
    if (list.tags.has(rest.slice(0, n).join('-'))) return true;
  }
  return false;
}
