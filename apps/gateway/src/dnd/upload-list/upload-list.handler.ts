import { LIMITS, newMessageId, ok, type DndBatchAdded, type Result } from '@clarion/contracts';
import type { RequestReplyClient } from '@clarion/platform';
import { DND_COMMANDS, type DndList } from '../dnd-lists';

export interface UploadListOutcome {
  added: number;
  alreadyListed: number;
}

/**
 * Sends the upload to dnd-svc batch by batch, each acknowledged before the next is sent: when
 * this answers, every number is on the list and the next campaign is filtered against it. The
 * first refused batch ends the upload with its error; the batches before it stay added, which is
 * harmless because adding a listed number again changes nothing.
 */
export async function uploadList(rr: RequestReplyClient, enterpriseSid: string, list: DndList, name: string, batches: AsyncIterable<string[]>): Promise<Result<UploadListOutcome>> {
  const uploadId = newMessageId();
  const type = list.kind === 'optout' ? 'AddOptOuts' : 'AddOptIns';
  const outcome: UploadListOutcome = { added: 0, alreadyListed: 0 };
  let batchNo = 0;
  for await (const numbers of batches) {
    if (numbers.length > LIMITS.recipientBatchSize) throw new Error(`a batch of ${numbers.length} numbers is over ${LIMITS.recipientBatchSize}`);
    const data = list.kind === 'optout' ? { enterpriseSid, uploadId, batchNo, numbers } : { enterpriseSid, uploadId, batchNo, name, numbers };
    const r = await rr.request<DndBatchAdded>(DND_COMMANDS, enterpriseSid, type, data);
    if (!r.ok) return r;
    outcome.added += r.value.added;
    outcome.alreadyListed += r.value.alreadyListed;
    batchNo++;
  }
  return ok(outcome);
}
