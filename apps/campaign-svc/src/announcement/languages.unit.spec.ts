import { DEFAULT_ANNOUNCEMENT_LANGUAGES, isSupportedLanguage, parseLanguageList } from './languages';

describe('announcement languages', () => {
  const list = parseLanguageList(undefined);

  it('defaults to a documented list when ANNOUNCEMENT_LANGUAGES is unset or blank', () => {
    expect(parseLanguageList('  ').tags.size).toBe(DEFAULT_ANNOUNCEMENT_LANGUAGES.length);
    for (const tag of ['en-US', 'en-GB', 'es-ES', 'fr-FR', 'de-DE', 'hi-IN']) expect(isSupportedLanguage(tag, list)).toBe(true);
  });

  it('matches ignoring case and surrounding blanks', () => {
    expect(isSupportedLanguage('EN-us', list)).toBe(true);
    expect(isSupportedLanguage(' hi-in ', list)).toBe(true);
  });

  it('accepts a provider voice name built on a listed tag, such as the seed’s google.ar-XA-Standard-A', () => {
    expect(isSupportedLanguage('google.ar-XA-Standard-A', list)).toBe(true);
    expect(isSupportedLanguage('polly.en-GB', list)).toBe(true);
    expect(isSupportedLanguage('google.xx-YY-Standard-A', list)).toBe(false);
    expect(isSupportedLanguage('.en-US', list)).toBe(false);
    expect(isSupportedLanguage('bad provider.en-US', list)).toBe(false);
  });

  it('refuses what is not listed', () => {
    expect(isSupportedLanguage('klingon', list)).toBe(false);
    expect(isSupportedLanguage('en', list)).toBe(false);
    expect(isSupportedLanguage('', list)).toBe(false);
  });

  it('takes a configured list instead of the default, and refuses a malformed one at start-up', () => {
    const mine = parseLanguageList('en-US, sw-KE');
    expect(isSupportedLanguage('sw-ke', mine)).toBe(true);
    expect(isSupportedLanguage('fr-FR', mine)).toBe(false);
    expect(() => parseLanguageList('en-US,not a tag')).toThrow(/not a language tag/);
    expect(() => parseLanguageList(',,')).toThrow(/1 to/);
  });
});
