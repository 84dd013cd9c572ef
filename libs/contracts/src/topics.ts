/**
 * Every topic the services share. Names carry their schema version; a breaking change is a new
 * topic (".v2"), never a rewrite. KAFKA_TOPIC_PREFIX lets tests run on fresh topics of their own.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly retentionMs: number;
  /** Public topics are read by users and kept longer; internal ones are for the services only. */
  readonly public: boolean;
  /** The topic's max.message.bytes, set explicitly so the outbox relay's batches are bounded below it. */
  readonly maxMessageBytes: number;
}

/** The largest record batch any topic takes (Kafka's default, stated rather than assumed). */
export const TOPIC_MESSAGE_BYTES_MAX = 1024 * 1024;

const DAY_MS = 24 * 3600 * 1000;

export const TOPIC = {
  campaignCommands: 'campaign.commands.v1',
  campaignEvents: 'campaign.events.v1',
  campaignQueries: 'campaign.queries.v1',
  campaignStatus: 'campaign.status.v1',
  campaignDeliveries: 'campaign.deliveries.v1',
  /**
   * The campaign as the REST API shows it, republished on every change (CampaignViewChanged, or
   * CampaignViewRemoved once deleted), key: campaign sid. Compacted: the latest record of each
   * campaign is kept for good, so a reader (the gateway's read model) can be rebuilt from it.
   */
  campaignViews: 'campaign.views.v1',
  creditCommands: 'credit.commands.v1',
  creditEvents: 'credit.events.v1',
  creditQueries: 'credit.queries.v1',
  dndCommands: 'dnd.commands.v1',
  dndEvents: 'dnd.events.v1',
  dndQueries: 'dnd.queries.v1',
  dispatchEvents: 'dispatch.events.v1',
  /** Queries dispatch-svc answers from what only it holds (a voice campaign's call attempts). */
  dispatchQueries: 'dispatch.queries.v1',
  /**
   * The voice carrier's status callbacks (CallStatusReported), as the gateway received and checked
   * them, key: the carrier's call sid. Dispatch applies them to the calls' sends.
   */
  voiceCallbacks: 'voice.callbacks.v1',
  /** Public: every opt-out and opt-in (ConsentChanged), key: enterprise sid. */
  consentChanges: 'consent.changes.v1',
  gatewayReplies: 'gateway.replies.v1',
  deadLetters: 'clarion.dead-letters.v1',
} as const;
export type TopicName = (typeof TOPIC)[keyof typeof TOPIC];

const PUBLIC = new Set<string>([TOPIC.campaignStatus, TOPIC.campaignDeliveries, TOPIC.consentChanges]);
/** State topics: only each key's latest record matters, and it is kept however old it is. */
const COMPACTED = new Set<string>([TOPIC.campaignViews]);

export const TOPIC_SPECS: readonly TopicSpec[] = Object.values(TOPIC).map((name) => ({
  name,
  // Six partitions let up to six instances of a service share the work; keys (campaign sid,
  // enterprise sid) keep each aggregate's messages in order on one partition.
  partitions: name === TOPIC.gatewayReplies ? 3 : 6,
  retentionMs: PUBLIC.has(name) || name === TOPIC.deadLetters ? 30 * DAY_MS : 7 * DAY_MS,
  public: PUBLIC.has(name),
  maxMessageBytes: TOPIC_MESSAGE_BYTES_MAX,
}));

/** The broker settings a topic is created with, and which ensureTopics puts back if they drift. */
export function topicConfig(spec: TopicSpec): Record<string, string> {
  return {
    'retention.ms': String(spec.name === TOPIC.gatewayReplies ? 3600_000 : spec.retentionMs),
    'max.message.bytes': String(spec.maxMessageBytes),
    ...(COMPACTED.has(spec.name) ? { 'cleanup.policy': 'compact' } : {}),
  };
}

export function topicName(name: string, prefix = process.env.KAFKA_TOPIC_PREFIX ?? ''): string {
  return prefix + name;
}
