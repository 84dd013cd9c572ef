/**
 * The gateway's campaign read model: what campaign GET and search answer from (see
 * read-model.consumer.ts for how it is kept current, version.ts for its one rule).
 */
export { ReadModelTables1 } from './read-model.migrations';
export { CampaignReadModel, type CampaignSearch, type StoredCampaign } from './campaign-views.repository';
export { startReadModelConsumer } from './read-model.consumer';
export { presentCampaign } from './present';
export { replaces } from './version';

/** The read model's migrations, for the gateway's schema. */
import { ReadModelTables1 } from './read-model.migrations';
export const READ_MODEL_MIGRATIONS = [ReadModelTables1];

/**
 * How campaign reads are answered: `read-model` (the default), or `request-reply`, the former path
 * (a Kafka round trip to campaign-svc per request, without this instance consuming the views),
 * kept to compare the two (npm run bench:api) and as a fallback while a read model is rebuilt.
 */
export type CampaignReads = 'read-model' | 'request-reply';
export function readCampaignReads(env: NodeJS.ProcessEnv = process.env): CampaignReads {
  const v = env.GATEWAY_CAMPAIGN_READS ?? 'read-model';
  if (v !== 'read-model' && v !== 'request-reply') throw new Error(`GATEWAY_CAMPAIGN_READS must be read-model or request-reply, not ${v}`);
  return v;
}
