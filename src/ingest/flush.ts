import type { Db } from '../clickhouse/client';

/** What a flush needs of the store: inserts (the coalescer and the flush log depend on nothing more). */
export type FlushWriter = Pick<Db, 'insert'>;
import { sha256Hex } from './idempotency';

/** One request's rows, encoded and validated, waiting to be written. */
export interface StagedBatch {
  workspaceId: string;
  /** The request's own deduplication token (for a keyed request, a hash of workspace, key and body). */
  token: string;
  eventLines: string[];
  syncLines: string[];
  sampleLines: string[];
  /** The idempotency record to store with the rows; null for a request without a key. */
  record: KeyedRecord | null;
}

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

/** The inserts of a flush, in the order they are written. */
export const FLUSH_PARTS = ['events', 'syncs', 'samples', 'records'] as const;
export type FlushPart = (typeof FLUSH_PARTS)[number];

const TABLES: Record<FlushPart, string> = { events: 'delivery_events', syncs: 'warehouse_syncs', samples: 'discard_samples', records: 'ingest_idempotency' };

/**
 * Writes a flush: the three row inserts, then the records of its keyed requests. Every
 * insert carries a token derived from `contents.token`, so writing the same flush again
 * (after a crash or a failed attempt) stores nothing twice in raw or aggregate tables
 * while the engine's deduplication window still holds the token. The records come last:
 * a key is recognized only once its rows are stored.
 *
 * `stored` lists the parts an earlier attempt stored; they are skipped, and each part is
 * added once stored. After a long refusal (a full disk for minutes, other writes moving
 * the window on) writing a stored part again could store it twice; skipping it cannot.
 */
export async function writeFlush(db: FlushWriter, contents: FlushContents, stored: Set<FlushPart> = new Set()): Promise<void> {
  for (const part of FLUSH_PARTS) {
    if (stored.has(part)) continue;
    const body = part === 'records' ? recordsBody(contents) : contents[part];
    if (body.length > 0) await db.insert({ family: 'ingest', table: TABLES[part], body, dedupToken: `${contents.token}:${part}` });
    stored.add(part);
  }
}

function recordsBody(contents: FlushContents): Buffer {
  if (contents.records.length === 0) return Buffer.alloc(0);
  const createdAt = (contents.createdAt / 1000).toFixed(3);
  const lines = contents.records.map((r) =>
    JSON.stringify({ workspace_id: r.workspaceId, idempotency_key: r.key, body_sha256: r.bodySha256, result: r.result, created_at: createdAt }),
  );
  return Buffer.from(lines.join('\n'));
}

/** One flush of several requests; a flush of one request keeps that request's own token. */
export function combine(batches: StagedBatch[]): FlushContents {
  const token = batches.length === 1 ? batches[0].token : sha256Hex(batches.map((b) => b.token).join('\n'));
  const join = (pick: (b: StagedBatch) => string[]) => {
    const lines = batches.flatMap(pick);
    return lines.length > 0 ? Buffer.from(lines.join('\n')) : Buffer.alloc(0);
  };
  return {
    token,
    events: join((b) => b.eventLines),
    syncs: join((b) => b.syncLines),
    samples: join((b) => b.sampleLines),
    records: batches.flatMap((b) => (b.record ? [b.record] : [])),
    createdAt: Date.now(),
  };
}
