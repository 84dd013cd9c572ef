import { classifyReply, decideReply, normaliseReply, replyWords } from './consent.decider';

describe('classifyReply', () => {
  const words = replyWords();

  it.each(['STOP', 'stop', ' Stop. ', 'Stop!', 'STOPALL', 'Unsubscribe!', 'cancel', 'End', 'quit', 'REVOKE', 'optout', 'OPT OUT', 'opt out', 'opt-out', 'Opt  Out!!', '\tstop\n', '"STOP"'])(
    '%j is a stop word',
    (text) => expect(classifyReply(text, words)).toBe('stop'),
  );

  it.each(['START', 'start', ' Unstop. ', 'unstop!'])('%j is a start word', (text) => expect(classifyReply(text, words)).toBe('start'));

  it.each(['Stop by our store', 'please stop', 'stopp', 'STOP STOP', 'opt in', 'stop-by', 'yes', '', '   ', 'st op', 'ENDING', 'x'.repeat(161)])('%j is neither', (text) =>
    expect(classifyReply(text, words)).toBe('other'),
  );

  it('takes extra words from the configured lists, in any case', () => {
    const configured = replyWords(' arrêt , Basta', 'go on');
    expect(classifyReply('Arrêt!', configured)).toBe('stop');
    expect(classifyReply('basta', configured)).toBe('stop');
    expect(classifyReply('Go on.', configured)).toBe('start');
    expect(classifyReply('Arrêt!', words)).toBe('other');
  });

  it('treats a word configured as both stop and start as a stop word (the safe side)', () => {
    expect(classifyReply('halt', replyWords('halt', 'halt'))).toBe('stop');
  });

  it('normalises case, punctuation and spaces', () => {
    expect(normaliseReply('  opt-out!! ')).toBe('OPT OUT');
  });
});

describe('decideReply', () => {
  it('opts out a number not on the list, and a repeated STOP changes nothing', () => {
    expect(decideReply('stop', false)).toBe('add');
    expect(decideReply('stop', true)).toBe('none');
  });
  it('opts back in only a number on the list', () => {
    expect(decideReply('start', true)).toBe('remove');
    expect(decideReply('start', false)).toBe('none');
  });
  it('ignores any other text', () => {
    expect(decideReply('other', true)).toBe('none');
    expect(decideReply('other', false)).toBe('none');
  });
});
