import type { RecipientFields } from '@clarion/contracts';

export interface ConsentSplit {
  accepted: string[];
  optedOut: string[];
  /** Present exactly when an opt-in list was named: those of optedOut refused only for not being on it. */
  notOptedIn?: string[];
  /** Present exactly when the input carried fields: acceptedFields[i] belongs to accepted[i]. */
  acceptedFields?: Array<RecipientFields | null>;
}

/**
 * The Do-Not-Disturb rule, pure: an opted-out number is never sent to; when an opt-in list is
 * named, only its members are. The opt-out list always applies, whether or not the request names
 * it, because sending to someone who opted out is a consent breach no campaign setting may allow.
 *
 * A personalised campaign's fields travel with their numbers: each accepted number keeps its own
 * fields at the same position, so a recipient never receives another recipient's text. dnd-svc
 * never reads them.
 */
export function splitByConsent(numbers: readonly string[], optedOut: ReadonlySet<string>, optInMembers: ReadonlySet<string> | null, fields?: ReadonlyArray<RecipientFields | null>): ConsentSplit {
  if (fields !== undefined && fields.length !== numbers.length) {
    throw new Error(`fields (${fields.length}) must be aligned with numbers (${numbers.length})`);
  }
  const accepted: string[] = [];
  const refused: string[] = [];
  const notOptedIn: string[] = [];
  const acceptedFields: Array<RecipientFields | null> = [];
  numbers.forEach((n, i) => {
    if (optedOut.has(n)) refused.push(n);
    else if (optInMembers !== null && !optInMembers.has(n)) {
      refused.push(n);
      notOptedIn.push(n);
    } else {
      accepted.push(n);
      if (fields) acceptedFields.push(fields[i] ?? null);
    }
  });
  return { accepted, optedOut: refused, ...(optInMembers !== null ? { notOptedIn } : {}), ...(fields ? { acceptedFields } : {}) };
}

/**
 * The numbers of one upload batch, each once and in a fixed order. A file may repeat a number,
 * and inserting in one order everywhere keeps two uploads to the same list from locking the same
 * index entries in opposite orders (a deadlock).
 */
export function distinctSorted(numbers: readonly string[]): string[] {
  return [...new Set(numbers)].sort();
}
