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

/**
 * Idempotency records of acknowledged ingest batches (`ingest_idempotency`, one day).
 * Requests carrying one key are also serialized in this process, so a concurrent
 * second request sees the first one's record instead of racing it.
 */
export class IdempotencyStore {
  private readonly locks = new KeyedMutex();

  constructor(private readonly db: Db) {}

  /** Runs `fn` while holding (workspace, key): one request per key at a time here. */
  exclusive<T>(workspaceId: string, key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`${workspaceId}\u0000${key}`, fn);
  }

  async find(workspaceId: string, key: string, now: number): Promise<IdempotencyRecord | null> {
    const rows = await this.db.query<{ body_sha256: string; result: string }>({
      family: 'ingest_idempotency',
      sql: `SELECT body_sha256, result FROM ${this.db.database}.ingest_idempotency
            WHERE workspace_id = {ws:String} AND idempotency_key = {key:String}
              AND created_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
            ORDER BY created_at LIMIT 1`,
      params: { ws: workspaceId, key, since: now - IDEMPOTENCY_RECORD_TTL_MS },
    });
    return rows.length > 0 ? { bodySha256: rows[0].body_sha256, result: rows[0].result } : null;
  }

  async remember(workspaceId: string, key: string, record: IdempotencyRecord, now: number): Promise<void> {
    const row = { workspace_id: workspaceId, idempotency_key: key, body_sha256: record.bodySha256, result: record.result, created_at: (now / 1000).toFixed(3) };
    await this.db.insert({
      family: 'ingest',
      table: 'ingest_idempotency',
      body: Buffer.from(JSON.stringify(row)),
      dedupToken: `${batchToken(workspaceId, key, record.bodySha256)}:record`,
    });
  }
}
