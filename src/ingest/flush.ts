import type { Db } from '../clickhouse/client';

/** The idempotency record a keyed request leaves when its rows are stored. */
export interface KeyedRecord {
  workspaceId: string;
  key: string;
  bodySha256: string;
  /** The answer the request got, as JSON. */
  result: string;
}

/**
 * One engine write: the rows of one or more ingest requests, already encoded
 * (JSONEachRow lines), the idempotency records of the keyed ones, and the token that
 * makes writing it again a no-op in every table.
 */
export interface FlushContents {
  /** Deduplication token of this write; each table's insert appends its own suffix. */
  token: string;
  events: Buffer;
  syncs: Buffer;
  samples: Buffer;
  records: KeyedRecord[];
  /** Milliseconds since the epoch the records are stamped with. */
  createdAt: number;
}

/**
 * Writes a flush: the three row inserts, then the records of its keyed requests. Every
 * insert carries a token derived from `contents.token`, so writing the same flush again
 * (after a crash or a failed attempt) stores nothing twice in raw or aggregate tables.
 * The records come last: a key is recognized only once its rows are stored.
 */
export async function writeFlush(db: Db, contents: FlushContents): Promise<void> {
  const { token } = contents;
  if (contents.events.length > 0) await db.insert({ family: 'ingest', table: 'delivery_events', body: contents.events, dedupToken: `${token}:events` });
  if (contents.syncs.length > 0) await db.insert({ family: 'ingest', table: 'warehouse_syncs', body: contents.syncs, dedupToken: `${token}:syncs` });
  if (contents.samples.length > 0) await db.insert({ family: 'ingest', table: 'discard_samples', body: contents.samples, dedupToken: `${token}:samples` });
  if (contents.records.length === 0) return;
  const createdAt = (contents.createdAt / 1000).toFixed(3);
  const lines = contents.records.map((r) =>
    JSON.stringify({ workspace_id: r.workspaceId, idempotency_key: r.key, body_sha256: r.bodySha256, result: r.result, created_at: createdAt }),
  );
  await db.insert({ family: 'ingest', table: 'ingest_idempotency', body: Buffer.from(lines.join('\n')), dedupToken: `${token}:records` });
}
