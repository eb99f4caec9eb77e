import type { EventFilterValue } from '../metrics/tiered';

/**
 * Replays at the domain edge: the gateway holds no payloads and sends no events. A replay
 * freezes the ids of undelivered messages (the `undelivered` definition) and hands them, in
 * signed batches, to the delivery system that keeps the payloads: pushed to the workspace's
 * replay endpoint, or pulled from `/v1/replays/<id>/messages`. Later reports say how it went.
 */
export const REPLAY_STATUSES = ['pending', 'sending', 'sent', 'cancelled', 'failed'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];
/** A replay still owns its messages: no other replay of the destination may take them. */
export const ACTIVE_STATUSES: readonly ReplayStatus[] = ['pending', 'sending'];

export const REPLAY_DELIVERIES = ['push', 'pull'] as const;
export type ReplayDelivery = (typeof REPLAY_DELIVERIES)[number];

/** Which undelivered messages a replay takes: the arguments of `undelivered`, or a list of ids. */
export interface ReplaySelection {
  destinationId: string;
  /** The final failure lies in [from, to) (epoch ms). */
  from: number;
  to: number;
  mappingId: string | null;
  reason: string | null;
  filter: EventFilterValue | null;
  messageIds: readonly string[] | null;
}

export interface ReplayJob {
  id: string;
  workspaceId: string;
  destinationId: string;
  mappingId: string | null;
  /** The selection as asked for (JSON), shown back to people. */
  selection: string;
  idempotencyKey: string | null;
  delivery: ReplayDelivery;
  status: ReplayStatus;
  messages: number;
  batches: number;
  batchSize: number;
  /** The token id that created it (tok_…). */
  createdBy: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelledBy: string | null;
  error: string | null;
  version: number;
}

export type BatchState = 'sent' | 'acknowledged' | 'failed';

export interface BatchProgress {
  /** Batches sent (pushed at least once, or taken) and acknowledged, and their messages. */
  batchesSent: number;
  batchesAcknowledged: number;
  messagesSent: number;
  messagesAcknowledged: number;
}

/** One message of a batch as receivers get it. */
export interface ReplayMessage {
  messageId: string;
  mappingId: string | null;
  reason: string;
  sourceId: string;
  /** When its final failure was reported (ms). */
  failedAt: number;
}

/** What later reports say of a replay's messages (delivered or failed again after it was created). */
export interface ReplayOutcome {
  recovered: number;
  failedAgain: number;
  /** The failed-again messages by the reason of their newest failure, largest first. */
  failedAgainByReason: { reason: string; count: number }[];
  /** Neither delivered nor failed since the replay was created. */
  waiting: number;
}

/** How many undelivered messages a selection holds, before a replay is made of it. */
export interface ReplayPreviewValue {
  /** Undelivered messages that match (message and mapping pairs). */
  total: number;
  /** Of those, already held by an active replay of the destination (a new replay leaves them out). */
  inActiveReplay: number;
  /** What a replay created now would hold. */
  replayable: number;
  byReason: { reason: string; count: number }[];
  byMapping: { mappingId: string | null; count: number }[];
  /** REPLAY_MAX_MESSAGES. */
  maxMessages: number;
}
