import crypto from 'node:crypto';
import type { Db } from '../clickhouse/client';
import { KeyedMutex } from '../domain/keyed-mutex';

/** How long an acknowledged key is recognized (the table's TTL says the same). */
export const IDEMPOTENCY_RECORD_TTL_MS = 86_400_000;

export interface IdempotencyRecord {
  /** SHA-256 of the body acknowledged under the key, hex. */
  bodySha256: string;
  /** The answer that body got, as JSON. */
  result: string;
}

export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * The insert deduplication token of a keyed batch: a hash of workspace, key and body
 * digest, so no two workspaces (and no two bodies) can ever build the same token.
 */
export function batchToken(workspaceId: string, key: string, bodySha256: string): string {
  return sha256Hex(JSON.stringify([workspaceId, key, bodySha256]));
}

interface Lookup {
  workspaceId: string;
  key: string;
  since: number;
  resolve: (record: IdempotencyRecord | null) => void;
  reject: (err: unknown) => void;
}

/** Keys one lookup statement asks for at most. */
const MAX_LOOKUPS = 1_000;

/**
 * Idempotency records of acknowledged ingest batches (`ingest_idempotency`, one day),
 * written by `writeFlush` with the rows they acknowledge.
 * Requests carrying one key are also serialized in this process, so a concurrent
 * second request sees the first one's record instead of racing it.
 */
export class IdempotencyStore {
  private readonly locks = new KeyedMutex();
  private queued: Lookup[] = [];
  private looking = false;

  constructor(private readonly db: Db) {}

  /** Runs `fn` while holding (workspace, key): one request per key at a time here. */
  exclusive<T>(workspaceId: string, key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`${workspaceId}\u0000${key}`, fn);
  }

  /**
   * The record of (workspace, key), if acknowledged within a day. Lookups made while
   * another is running are answered together by the next statement: under many
   * concurrent producers one statement serves many requests.
   */
  find(workspaceId: string, key: string, now: number): Promise<IdempotencyRecord | null> {
    return new Promise((resolve, reject) => {
      this.queued.push({ workspaceId, key, since: now - IDEMPOTENCY_RECORD_TTL_MS, resolve, reject });
      if (!this.looking) void this.lookUp();
    });
  }

  private async lookUp(): Promise<void> {
    this.looking = true;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, MAX_LOOKUPS);
      try {
        const found = await this.read(batch);
        for (const q of batch) q.resolve(found.get(`${q.workspaceId}\u0000${q.key}`) ?? null);
      } catch (err) {
        for (const q of batch) q.reject(err);
      }
    }
    this.looking = false;
  }

  private async read(batch: Lookup[]): Promise<Map<string, IdempotencyRecord>> {
    const rows = await this.db.query<{ workspace_id: string; idempotency_key: string; body_sha256: string; result: string }>({
      family: 'ingest_idempotency',
      sql: `SELECT workspace_id, idempotency_key, body_sha256, result FROM ${this.db.database}.ingest_idempotency
            WHERE workspace_id IN {workspaces:Array(String)} AND idempotency_key IN {keys:Array(String)}
              AND created_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
            ORDER BY created_at DESC`,
      params: { workspaces: [...new Set(batch.map((q) => q.workspaceId))], keys: [...new Set(batch.map((q) => q.key))], since: Math.min(...batch.map((q) => q.since)) },
    });
    // The two IN lists may also match another workspace's key of the same name: only asked pairs are answered.
    // Newest first, so the oldest record of a key is set last and wins, as the first acknowledgement did.
    const found = new Map<string, IdempotencyRecord>();
    const asked = new Set(batch.map((q) => `${q.workspaceId}\u0000${q.key}`));
    for (const r of rows) if (asked.has(`${r.workspace_id}\u0000${r.idempotency_key}`)) found.set(`${r.workspace_id}\u0000${r.idempotency_key}`, { bodySha256: r.body_sha256, result: r.result });
    return found;
  }
}
