import crypto from 'node:crypto';
import type { Db } from '../clickhouse/client';
import { compoundKey } from '../domain/compound-key';

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
 * Idempotency records of acknowledged ingest batches (`ingest_idempotency`, one day),
 * written by `writeFlush` with the rows they acknowledge, read back here.
 */
export class IdempotencyRecords {
  constructor(private readonly db: Pick<Db, 'query' | 'database'>) {}

  /**
   * The records of these (workspace, key) pairs acknowledged within a day, keyed by
   * `compoundKey(workspace, key)`; one statement for all of them (a flush asks for its keyed requests).
   */
  async findMany(pairs: ReadonlyArray<{ workspaceId: string; key: string }>, now: number): Promise<Map<string, IdempotencyRecord>> {
    if (pairs.length === 0) return new Map();
    return this.read(pairs, now - IDEMPOTENCY_RECORD_TTL_MS);
  }

  private async read(batch: ReadonlyArray<{ workspaceId: string; key: string }>, since: number): Promise<Map<string, IdempotencyRecord>> {
    const rows = await this.db.query<{ workspace_id: string; idempotency_key: string; body_sha256: string; result: string }>({
      family: 'ingest_idempotency',
      sql: `SELECT workspace_id, idempotency_key, body_sha256, result FROM ${this.db.database}.ingest_idempotency
            WHERE workspace_id IN {workspaces:Array(String)} AND idempotency_key IN {keys:Array(String)}
              AND created_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
            ORDER BY created_at DESC`,
      params: { workspaces: [...new Set(batch.map((q) => q.workspaceId))], keys: [...new Set(batch.map((q) => q.key))], since },
    });
    // The two IN lists may also match another workspace's key of the same name: only asked pairs are answered.
    // Newest first, so the oldest record of a key is set last and wins, as the first acknowledgement did.
    const found = new Map<string, IdempotencyRecord>();
    const asked = new Set(batch.map((q) => compoundKey(q.workspaceId, q.key)));
    for (const r of rows)
      if (asked.has(compoundKey(r.workspace_id, r.idempotency_key)))
        found.set(compoundKey(r.workspace_id, r.idempotency_key), { bodySha256: r.body_sha256, result: r.result });
    return found;
  }
}
