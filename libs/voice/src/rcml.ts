/**
 * RCML (TwiML/LaML): the XML call flow the carrier runs once a call is answered. Clarion renders a
 * campaign's announcement as one: `<Say>` for text-to-speech, `<Play>` for an uploaded WAV.
 */
export type CallFlow = { kind: 'say'; text: string; voice: string | null; language: string | null } | { kind: 'play'; audioUrl: string };

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function renderRcml(flow: CallFlow): string {
  if (flow.kind === 'play') return `<?xml version="1.0" encoding="UTF-8"?><Response><Play>${escapeXml(flow.audioUrl)}</Play></Response>`;
  const attrs = [flow.voice ? ` voice="${escapeXml(flow.voice)}"` : '', flow.language ? ` language="${escapeXml(flow.language)}"` : ''].join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say${attrs}>${escapeXml(flow.text)}</Say></Response>`;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * The verbs of an RCML document that Clarion renders (one `<Response>` of `<Say>` and `<Play>`),
 * for the simulator that checks what it was given. Null when it is not such a document.
 */
export function parseRcml(xml: string): CallFlow[] | null {
  const body = /^\s*(?:<\?xml[^>]*\?>)?\s*<Response>([\s\S]*)<\/Response>\s*$/.exec(xml);
  if (!body) return null;
  const verbs: CallFlow[] = [];
  const verb = /<(Say|Play)((?:\s+[a-zA-Z]+="[^"]*")*)\s*>([\s\S]*?)<\/\1>/y;
  let rest = body[1].trim();
  while (rest.length > 0) {
    verb.lastIndex = 0;
    const m = verb.exec(rest);
    if (!m) return null;
    const attrs = Object.fromEntries([...m[2].matchAll(/([a-zA-Z]+)="([^"]*)"/g)].map((a) => [a[1], unescapeXml(a[2])]));
    verbs.push(m[1] === 'Say' ? { kind: 'say', text: unescapeXml(m[3]), voice: attrs.voice ?? null, language: attrs.language ?? null } : { kind: 'play', audioUrl: unescapeXml(m[3].trim()) });
    rest = rest.slice(m[0].length).trim();
  }
  return verbs.length > 0 ? verbs : null;
}
