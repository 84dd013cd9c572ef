/**
 * What an inbound reply means for consent, pure. The whole message must be the word (after
 * case, surrounding spaces and punctuation are set aside): "Stop by our store" is a customer
 * talking, not a revocation, and opting them out on it would lose a willing recipient.
 */

/** The FCC's 2024 rule (24-18) names STOP, QUIT, END, REVOKE, OPT OUT, CANCEL and UNSUBSCRIBE; STOPALL and OPTOUT are carriers' common variants. */
export const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT'] as const;
export const START_WORDS = ['START', 'UNSTOP'] as const;
/** A reply longer than this is a sentence, never a keyword: it is not normalised at all. */
export const REPLY_CHARS_MAX = 160;

export type ReplyIntent = 'stop' | 'start' | 'other';

export interface ReplyWords {
  stop: ReadonlySet<string>;
  start: ReadonlySet<string>;
}

/**
 * Upper case, every run of characters that are not letters or digits as one space, trimmed:
 * " Stop. " → "STOP", "opt-out" → "OPT OUT", "Unsubscribe!" → "UNSUBSCRIBE".
 */
export function normaliseReply(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The built-in words plus the configured ones (comma-separated, as CONSENT_STOP_WORDS / CONSENT_START_WORDS). */
export function replyWords(extraStop = '', extraStart = ''): ReplyWords {
  const parse = (list: string) =>
    list
      .split(',')
      .map(normaliseReply)
      .filter((w) => w.length > 0);
  const stop = new Set<string>([...STOP_WORDS, ...parse(extraStop)]);
  // A word configured as both is a stop word: erring towards opting out is the safe side.
  const start = new Set<string>([...START_WORDS, ...parse(extraStart)].filter((w) => !stop.has(w)));
  return { stop, start };
}

export function classifyReply(text: string, words: ReplyWords): ReplyIntent {
  if (text.length > REPLY_CHARS_MAX) return 'other';
  const word = normaliseReply(text);
  if (words.stop.has(word)) return 'stop';
  if (words.start.has(word)) return 'start';
  return 'other';
}

/** What a reply does to one enterprise's opt-out list, given whether the number is on it now. */
export type OptOutListChange = 'add' | 'remove' | 'none';

export function decideReply(intent: ReplyIntent, listed: boolean): OptOutListChange {
  switch (intent) {
    case 'stop':
      return listed ? 'none' : 'add';
    case 'start':
      return listed ? 'remove' : 'none';
    case 'other':
      return 'none';
    default: {
      const never: never = intent;
      throw new Error(`unknown reply intent ${String(never)}`);
    }
  }
}
