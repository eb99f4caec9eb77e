import type { ConfigReader } from './reader';

/** Replays of undelivered messages (docs/replay.md). */
export interface ReplayConfig {
  /** `REPLAY_MAX_MESSAGES`, default 1,000,000: most messages one replay may hold; a larger selection is refused. */
  maxMessages: number;
  /** `REPLAY_BATCH_SIZE`, default 1000: message ids per batch (one signed request, or one pulled batch). */
  batchSize: number;
  /** `REPLAY_BATCHES_PER_SECOND`, default 2: batches sent per second to one workspace's replay endpoint. */
  batchesPerSecond: number;
  /** `REPLAY_SEND_INTERVAL_MS`, default 2000: how often this replica looks for replays to send; 0: this replica sends none. */
  sendIntervalMs: number;
  /** `REPLAY_SEND_ATTEMPTS`, default 10: attempts per batch, the first included; then the replay fails. */
  sendAttempts: number;
  /** `REPLAY_RETRY_BASE_DELAY_MS`, default 1000: wait before a batch's 2nd attempt; each later wait doubles, at most a minute. */
  retryBaseDelayMs: number;
  /** `REPLAY_SEND_TIMEOUT_MS`, default 15000: one request to the endpoint gives up after this long. */
  sendTimeoutMs: number;
  /** `REPLAY_ENDPOINT_ALLOW_HTTP`, default false: admins may set an http:// replay endpoint (else https:// only). */
  allowHttp: boolean;
}

export function readReplay(r: ConfigReader): ReplayConfig {
  return {
    maxMessages: r.int('REPLAY_MAX_MESSAGES', 1_000_000, 1, 10_000_000),
    batchSize: r.int('REPLAY_BATCH_SIZE', 1000, 1, 10_000),
    batchesPerSecond: r.int('REPLAY_BATCHES_PER_SECOND', 2, 1, 1000),
    sendIntervalMs: r.int('REPLAY_SEND_INTERVAL_MS', 2000, 0, 3_600_000),
    sendAttempts: r.int('REPLAY_SEND_ATTEMPTS', 10, 1, 100),
    retryBaseDelayMs: r.int('REPLAY_RETRY_BASE_DELAY_MS', 1000, 1, 600_000),
    sendTimeoutMs: r.int('REPLAY_SEND_TIMEOUT_MS', 15_000, 100, 600_000),
    allowHttp: r.bool('REPLAY_ENDPOINT_ALLOW_HTTP', false),
  };
}
