import crypto from 'node:crypto';
import type { Db } from '../clickhouse/client';

/** How often a replica writes the last-use times it collected (at most one row per token per interval). */
export const USAGE_FLUSH_INTERVAL_MS = 60_000;

/**
 * When each token was last used, kept cheaply: every successful authentication sets one map
 * entry in memory (no query); every `intervalMs` the entries collected since the last write
 * go to `api_token_usage` in one insert, one row per token (a ReplacingMergeTree that keeps
 * the newest). Reading merges the stored times with this replica's unwritten ones, so a use on
 * this replica shows at once and a use on another replica within one interval. A replica
 * killed without shutdown loses at most its last interval's times.
 */
export class TokenUsage {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly replica = crypto.randomUUID();
  private flushes = 0;

  constructor(
    private readonly db: Db,
    private readonly intervalMs = USAGE_FLUSH_INTERVAL_MS,
  ) {}

  /** One use of `tokenId`, now. A map write: safe on every request. */
  record(tokenId: string, at = Date.now()): void {
    this.pending.set(tokenId, at);
  }

  /** Writes every `intervalMs` from now on (started with the gateway, outside any request). */
  start(): void {
    if (this.timer !== null || this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.intervalMs);
    this.timer.unref?.();
  }

  /** Writes the times collected since the last write (one insert); a failed write keeps them for the next. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      const body = Buffer.from([...batch].map(([id, at]) => JSON.stringify({ token_id: id, last_used_at: (at / 1000).toFixed(3) })).join('\n'));
      try {
        await this.db.insert({ family: 'auth', table: 'api_token_usage', body, dedupToken: `usage:${this.replica}:${++this.flushes}` });
      } catch (err) {
        for (const [id, at] of batch) if ((this.pending.get(id) ?? 0) < at) this.pending.set(id, at);
        throw err;
      }
    });
    return this.writing;
  }

  /** The last use of each token: stored times merged with this replica's unwritten ones (epoch ms). */
  async lastUsed(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ token_id: string; at: number }>({
      family: 'auth',
      sql: `SELECT token_id, toUnixTimestamp64Milli(max(last_used_at)) AS at FROM ${this.db.database}.api_token_usage GROUP BY token_id`,
    });
    const out = new Map(rows.map((r) => [r.token_id, Number(r.at)]));
    for (const [id, at] of this.pending) if ((out.get(id) ?? 0) < at) out.set(id, at);
    return out;
  }

  /** Stops the timer and writes what is left (shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush().catch(() => undefined);
  }
}
