import { fillTemplate, hasPlaceholders, type CampaignDefinition, type RecipientFields } from '@clarion/contracts';
import { segmentsFor } from '@clarion/smpp';

/**
 * What a filtered batch's accepted recipients cost, pure: 1 credit per SMS segment of the text each
 * one gets (libs/smpp segmentsFor, the split dispatch sends with), 1 per call. A body without
 * placeholders is the same text for everyone: count × creditsPerRecipient, without rendering.
 */
export function creditsOfBatch(def: Pick<CampaignDefinition, 'channel' | 'body' | 'creditsPerRecipient'>, accepted: number, acceptedFields: Array<RecipientFields | null> | undefined): number {
  if (def.channel !== 'sms' || !hasPlaceholders(def.body)) return accepted * def.creditsPerRecipient;
  let credits = 0;
  for (let i = 0; i < accepted; i++) credits += segmentsFor(fillTemplate(def.body, acceptedFields?.[i] ?? null));
  return credits;
}
