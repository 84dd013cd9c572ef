import type { RecipientFinalState } from '@clarion/contracts';

/** Pure rules of the sender: what a carrier answer means for one recipient. */

export type CarrierAnswer =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'rejected'; commandStatus: number; retriable: boolean }
  | { kind: 'unknown'; reason: string };

export type SendTransition =
  | { state: 'sent'; messageId: string }
  | { state: 'failed'; errorCode: string }
  | { state: 'queued'; errorCode: string } // retried later: the carrier never took it
  | { state: 'sending' }; // in doubt: left for reconciliation, never re-sent blindly

export function afterSubmit(answer: CarrierAnswer, attempts: number, maxAttempts: number): SendTransition {
  switch (answer.kind) {
    case 'accepted':
      return { state: 'sent', messageId: answer.messageId };
    case 'rejected': {
      const errorCode = `0x${answer.commandStatus.toString(16).padStart(8, '0')}`;
      return answer.retriable && attempts < maxAttempts ? { state: 'queued', errorCode } : { state: 'failed', errorCode };
    }
    case 'unknown':
      return { state: 'sending' };
    default: {
      const never: never = answer;
      throw new Error(`unhandled answer ${JSON.stringify(never)}`);
    }
  }
}

/** SMPP receipt stat → recipient state. */
export function stateFromReceipt(stat: string): RecipientFinalState {
  switch (stat.toUpperCase()) {
    case 'DELIVRD':
      return 'delivered';
    case 'EXPIRED':
      return 'expired';
    case 'UNDELIV':
    case 'REJECTD':
    case 'DELETED':
      return 'undelivered';
    case 'ACCEPTD':
      return 'sent';
    default:
      return 'unknown';
  }
}

/** States the carrier took the message in: these cost credits. */
export const CHARGED_STATES: readonly string[] = ['sent', 'delivered', 'undelivered', 'expired'];

/** From-number for the n-th recipient: round robin over the list, else random under the prefix. */
export function fromNumberFor(seq: number, fromNumbers: readonly string[], fromPrefix: string | null, random: () => number = Math.random): string {
  if (fromNumbers.length > 0) return fromNumbers[seq % fromNumbers.length];
  const prefix = (fromPrefix ?? '').replace(/\D/g, '');
  let digits = prefix;
  while (digits.length < 12) digits += Math.floor(random() * 10).toString();
  return '+' + digits;
}
