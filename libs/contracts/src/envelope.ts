import { newMessageId } from './ids';

/**
 * Messages are data: a type, its payload and metadata. Commands are named in the imperative,
 * events in the past tense. Correlation ties every message of one campaign request together;
 * causation names the message that led to this one.
 */
export interface Metadata {
  readonly messageId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly occurredAt: string;
  /** Schema version of `data`; readers upcast older versions, nobody rewrites them. */
  readonly schemaVersion: number;
  /** Set on requests whose sender waits for an answer on the replies topic. */
  readonly replyTo?: string;
}

export interface Message<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
  readonly metadata: Metadata;
}

export interface MessageOptions {
  messageId?: string;
  causedBy?: Message;
  correlationId?: string;
  replyTo?: string;
  occurredAt?: Date;
  schemaVersion?: number;
}

export function message<TType extends string, TData>(type: TType, data: TData, options: MessageOptions = {}): Message<TType, TData> {
  const messageId = options.messageId ?? newMessageId();
  return {
    type,
    data,
    metadata: {
      messageId,
      correlationId: options.correlationId ?? options.causedBy?.metadata.correlationId ?? messageId,
      causationId: options.causedBy?.metadata.messageId ?? null,
      occurredAt: (options.occurredAt ?? new Date()).toISOString(),
      schemaVersion: options.schemaVersion ?? 1,
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
    },
  };
}

/** A reply to a request, sent on the replies topic keyed by the requester's instance id. */
export type Reply<T = unknown> = Message<'Reply', { requestId: string; result: { ok: true; value: T } | { ok: false; error: { code: number; status: number; message: string } } }>;
