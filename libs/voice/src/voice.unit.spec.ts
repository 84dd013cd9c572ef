import fc from 'fast-check';
import { carrierSignature, validCarrierSignature, bodySignature } from './signature';
import { checkSignedPath, signPath } from './signed-url';
import { parseRcml, renderRcml, type CallFlow } from './rcml';
import { readVoiceSettings } from './settings';

describe('the carrier request signature (X-Twilio-Signature)', () => {
  // The call-control API's own documented example: URL, form fields and auth token 12345.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };

  it('matches the documented example', () => {
    expect(carrierSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(validCarrierSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it('refuses any other token, URL, field or value, and a missing signature', () => {
    const good = carrierSignature('12345', url, params);
    expect(validCarrierSignature('12346', url, params, good)).toBe(false);
    expect(validCarrierSignature('12345', url + '&x=1', params, good)).toBe(false);
    expect(validCarrierSignature('12345', url, { ...params, Digits: '1235' }, good)).toBe(false);
    expect(validCarrierSignature('12345', url, { ...params, Extra: '' }, good)).toBe(false);
    expect(validCarrierSignature('12345', url, params, undefined)).toBe(false);
    expect(validCarrierSignature('12345', url, params, good.slice(1))).toBe(false);
  });

  it('does not depend on the order the fields came in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })), (fields) => {
        const reversed = Object.fromEntries(Object.entries(fields).reverse());
        return carrierSignature('t', url, fields) === carrierSignature('t', url, reversed);
      }),
    );
  });

  it('signs webhook bodies with HMAC-SHA256 in hex', () => {
    expect(bodySignature('key', '{"a":1}')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(bodySignature('key', '{"a":1}')).not.toBe(bodySignature('key', '{"a":2}'));
  });
});

describe('signed, expiring URLs', () => {
  const now = 1_800_000_000_000;
  const query = (signed: string) => Object.fromEntries(new URL('http://x' + signed).searchParams);

  it('opens only the path it was made for, and only until it expires', () => {
    const signed = signPath('secret', '/voice/rcml/CP1', now + 60_000);
    expect(checkSignedPath('secret', '/voice/rcml/CP1', query(signed), now)).toBe('valid');
    expect(checkSignedPath('secret', '/voice/rcml/CP2', query(signed), now)).toBe('forged');
    expect(checkSignedPath('other', '/voice/rcml/CP1', query(signed), now)).toBe('forged');
    expect(checkSignedPath('secret', '/voice/rcml/CP1', query(signed), now + 61_000)).toBe('expired');
    expect(checkSignedPath('secret', '/voice/rcml/CP1', { ...query(signed), expires: String(Math.floor(now / 1000) + 3600) }, now)).toBe('forged');
    expect(checkSignedPath('secret', '/voice/rcml/CP1', {}, now)).toBe('forged');
  });
});

describe('RCML', () => {
  it('renders a say announcement with its voice and language, escaping the text', () => {
    const xml = renderRcml({ kind: 'say', text: 'Sale <today> & "tomorrow"', voice: 'woman', language: 'en-GB' });
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="woman" language="en-GB">Sale &lt;today&gt; &amp; &quot;tomorrow&quot;</Say></Response>');
  });

  it('reads back exactly what it rendered, whatever the text', () => {
    const flow = fc.oneof(
      fc.record({ kind: fc.constant('say' as const), text: fc.string({ maxLength: 50 }), voice: fc.option(fc.constantFrom('man', 'woman')), language: fc.option(fc.constantFrom('en-US', 'fr-FR')) }),
      fc.record({ kind: fc.constant('play' as const), audioUrl: fc.webUrl() }),
    );
    fc.assert(fc.property(flow, (f) => expect(parseRcml(renderRcml(f as CallFlow))).toEqual([f])));
  });

  it('is not fooled by what is not a call flow', () => {
    expect(parseRcml('<html></html>')).toBeNull();
    expect(parseRcml('<Response><Dial>+1</Dial></Response>')).toBeNull();
    expect(parseRcml('<Response></Response>')).toBeNull();
  });
});

describe('voice settings', () => {
  const base = { VOICE_API_URL: 'https://api.twilio.com/2010-04-01', VOICE_ACCOUNT_SID: 'AC1', VOICE_AUTH_TOKEN: 'tok' };
  it('are off without VOICE_API_URL, and refuse a half configuration', () => {
    expect(readVoiceSettings({})).toBeNull();
    expect(() => readVoiceSettings({ VOICE_API_URL: base.VOICE_API_URL })).toThrow(/VOICE_ACCOUNT_SID/);
    expect(() => readVoiceSettings({ ...base, PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
  });
  it('derive a URL secret from the token unless one is given, never the token itself', () => {
    const s = readVoiceSettings({ ...base, PUBLIC_URL: 'https://clarion.example.com/' })!;
    expect(s.publicUrl).toBe('https://clarion.example.com');
    expect(s.urlSecret).not.toBe('tok');
    expect(readVoiceSettings({ ...base, VOICE_URL_SECRET: 'mine' })!.urlSecret).toBe('mine');
  });
});
