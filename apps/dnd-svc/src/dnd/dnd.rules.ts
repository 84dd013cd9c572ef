/**
 * The Do-Not-Disturb rule, pure: an opted-out number is never sent to; when an opt-in list is
 * named, only its members are. The opt-out list always applies, whether or not the request names
 * it, because sending to someone who opted out is a consent breach no campaign setting may allow.
 */
export function splitByConsent(numbers: readonly string[], optedOut: ReadonlySet<string>, optInMembers: ReadonlySet<string> | null): { accepted: string[]; optedOut: string[] } {
  const accepted: string[] = [];
  const refused: string[] = [];
  for (const n of numbers) {
    if (optedOut.has(n) || (optInMembers !== null && !optInMembers.has(n))) refused.push(n);
    else accepted.push(n);
  }
  return { accepted, optedOut: refused };
}
