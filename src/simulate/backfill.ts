/**
 * Writes simulated history straight into the engine (no HTTP): the same rows the
 * ingest endpoint would store, encoded with the same column names, inserted in
 * day-aligned chunks, each with a deduplication token derived from the seed and the
 * chunk's bounds, so running the same backfill again stores nothing twice.
 */
import type { Db } from '../clickhouse/client';
import { MAX_REPORT_AGE_MS } from '../ingest/ingest.service';
import { RowEncoder } from '../ingest/row-encoder';
import { exchangeOf, type SampleExchange } from '../ingest/sample.exchange';
import { generateRaw, MinuteCache, type RawDelivery, type RawSync } from './generator';
import { DEMO_WORKSPACE, demoIncidents, displayNames, type Incident, type WorkspaceModel } from './model';
import { compoundKey } from '../domain/compound-key';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** An insert carries at most about this many report rows. */
const MAX_ROWS_PER_INSERT = 250_000;

export interface BackfillOptions {
  workspaceId: string;
  days: number;
  seed: number;
  /** End of the backfilled range (epoch ms); the range is `days` days before it, at most 14. */
  now: number;
  onProgress?: (doneMs: number, totalMs: number, rows: number) => void;
  /** Defaults: the demo workspace and its incidents placed relative to `now`. */
  model?: WorkspaceModel;
  incidents?: readonly Incident[];
  /** Hours of traffic per insert (default 24; chunks never cross a UTC day, so each insert is one partition). */
  chunkHours?: number;
  /** Discard samples kept per destination, step and reason per minute (default 10, like ingest). */
  samplesPerMinute?: number;
  /** Sample payloads longer than this are truncated (default 8 KiB, like ingest). */
  sampleMaxBytes?: number;
  /** Chunk inserts in flight at once (default 1: generation overlaps the insert; more did not help on 2 cores). */
  insertConcurrency?: number;
  /**
   * Continue an interrupted backfill of the same `now`, seed and days: hours before this
   * instant (an `onStored` value) are not written again. The inserts after it carry the
   * tokens the first run gave them, so one that was in flight when it stopped is stored once.
   */
  resumeFrom?: number;
  /** Told, in order, the end of every part of the window once it is stored. */
  onStored?: (end: number) => void;
}

export interface BackfillResult {
  /** Delivery report rows written. */
  reports: number;
  /** Events those reports stand for (sum of `count` of the `received` reports). */
  events: number;
  syncs: number;
  ms: number;
}

/** The window a backfill covers: `days` days ending at `now`, never older than the 14-day retention. */
export function backfillWindow(now: number, days: number): { from: number; to: number } {
  const span = Math.min(Math.max(days, 0) * DAY, MAX_REPORT_AGE_MS);
  return { from: now - span, to: now };
}

export async function backfill(db: Db, opts: BackfillOptions): Promise<BackfillResult> {
  const started = performance.now();
  const model = opts.model ?? DEMO_WORKSPACE;
  const incidents = opts.incidents ?? demoIncidents(opts.now);
  const { from, to } = backfillWindow(opts.now, opts.days);
  const ws = opts.workspaceId;
  const tokenBase = `backfill:${ws}:${opts.seed}`;
  const samplesPerMinute = opts.samplesPerMinute ?? 10;
  const sampleMaxBytes = opts.sampleMaxBytes ?? 8 * 1024;
  const encoder = new RowEncoder(ws);
  // Each hour also reads the minutes before it (for retries resolving in it): generate each minute once.
  const minutes = new MinuteCache(128);

  await writeDisplayNames(db, ws, model, tokenBase);

  const chunks = chunkBounds(from, to, Math.max(1, Math.min(24, opts.chunkHours ?? 24)));
  let reports = 0;
  let events = 0;
  let syncs = 0;
  const concurrency = Math.max(1, opts.insertConcurrency ?? 1);
  const inFlight: { insert: Promise<void>; doneMs: number; rows: number }[] = [];
  const settle = async (job: { insert: Promise<void>; doneMs: number; rows: number }) => {
    await job.insert;
    opts.onStored?.(from + job.doneMs);
    opts.onProgress?.(job.doneMs, to - from, job.rows);
  };
  const resumeFrom = Math.max(from, opts.resumeFrom ?? from);
  let parts: { events: Buffer[]; syncs: Buffer[]; samples: Buffer[] } = { events: [], syncs: [], samples: [] };
  let partStart = resumeFrom;
  let partRows = 0;
  const flush = async (end: number) => {
    const token = `${tokenBase}:${partStart}:${end}`;
    const body = parts;
    parts = { events: [], syncs: [], samples: [] };
    partStart = end;
    partRows = 0;
    // The engine stores a chunk on its own threads while the next one is generated.
    while (inFlight.length >= concurrency) await settle(inFlight.shift()!);
    const insert = (async () => {
      if (body.events.length > 0)
        await db.insert({ family: 'backfill', table: 'delivery_events', body: joinLines(body.events), dedupToken: `${token}:events` });
      if (body.syncs.length > 0) await db.insert({ family: 'backfill', table: 'warehouse_syncs', body: joinLines(body.syncs), dedupToken: `${token}:syncs` });
      if (body.samples.length > 0)
        await db.insert({ family: 'backfill', table: 'discard_samples', body: joinLines(body.samples), dedupToken: `${token}:samples` });
    })();
    // Keep a rejection observed until it is awaited.
    insert.catch(() => undefined);
    inFlight.push({ insert, doneMs: end - from, rows: reports });
  };
  for (const [start, end] of chunks) {
    if (end <= resumeFrom) continue;
    // Generate and encode hour by hour (rows die young, the bytes live off-heap); one
    // insert per chunk, or earlier when it grows past MAX_ROWS_PER_INSERT.
    for (const [hStart, hEnd] of chunkBounds(Math.max(start, resumeFrom), end, 1)) {
      const raw = generateRaw({ model, seed: opts.seed, from: hStart, to: hEnd, incidents, origin: from }, minutes);
      const bodies = encodeChunk(encoder, raw.deliveries, raw.syncs, samplesPerMinute, sampleMaxBytes);
      if (bodies.events) parts.events.push(bodies.events);
      if (bodies.syncs) parts.syncs.push(bodies.syncs);
      if (bodies.samples) parts.samples.push(bodies.samples);
      for (const d of raw.deliveries) if (d.step === 'received') events += d.count;
      reports += raw.deliveries.length;
      partRows += raw.deliveries.length;
      syncs += raw.syncs.length;
      if (partRows >= MAX_ROWS_PER_INSERT && hEnd < end) await flush(hEnd);
    }
    await flush(end);
  }
  while (inFlight.length > 0) await settle(inFlight.shift()!);
  return { reports, events, syncs, ms: Math.round(performance.now() - started) };
}

/**
 * Display names: only for entities that have none yet (catalog_names has no dedup
 * window, and a name set through the API must not be overwritten). Version 1 loses
 * to any later rename (those carry their time as version).
 */
async function writeDisplayNames(db: Db, ws: string, model: WorkspaceModel, tokenBase: string): Promise<void> {
  const named = await db.query<{ entity: string; id: string }>({
    family: 'backfill',
    sql: `SELECT DISTINCT entity, id FROM ${db.database}.catalog_names WHERE workspace_id = {ws:String}`,
    params: { ws },
  });
  const has = new Set(named.map((n) => compoundKey(n.entity, n.id)));
  const names = displayNames(model).filter((n) => !has.has(compoundKey(n.entity, n.id)));
  if (names.length > 0) {
    await db.insert({
      family: 'backfill',
      table: 'catalog_names',
      body: Buffer.from(names.map((n) => JSON.stringify({ workspace_id: ws, entity: n.entity, id: n.id, name: n.name, version: 1 })).join('\n')),
      dedupToken: `${tokenBase}:names`,
    });
  }
}

/** [start, end) pieces of the window: at most `hours` long, split at UTC midnight (one partition each). */
export function chunkBounds(from: number, to: number, hours: number): [number, number][] {
  const out: [number, number][] = [];
  let start = from;
  while (start < to) {
    const nextDay = Math.floor(start / DAY) * DAY + DAY;
    const nextStep = Math.floor(start / (hours * HOUR)) * hours * HOUR + hours * HOUR;
    const end = Math.min(to, nextDay, nextStep);
    out.push([start, end]);
    start = end;
  }
  return out;
}

const NEWLINE = Buffer.from('\n');

/**
 * A simulated sample's request and response as ingest would store them: validated and redacted
 * by ingest's own code (the backfill writes rows directly, so it must not skip the redaction).
 */
function storedExchange(d: RawDelivery): SampleExchange {
  return exchangeOf(d.sample as unknown as Record<string, unknown>, d.step, (field, reason) => {
    throw new Error(`simulator made an invalid ${field}: ${reason}`);
  });
}

function joinLines(parts: Buffer[]): Buffer {
  if (parts.length === 1) return parts[0];
  const list: Buffer[] = [];
  for (const p of parts) {
    if (list.length > 0) list.push(NEWLINE);
    list.push(p);
  }
  return Buffer.concat(list);
}

function encodeChunk(
  enc: RowEncoder,
  deliveries: RawDelivery[],
  syncs: RawSync[],
  samplesPerMinute: number,
  sampleMaxBytes: number,
): { events: Buffer | null; syncs: Buffer | null; samples: Buffer | null } {
  const lines: string[] = new Array(deliveries.length);
  const sampleLines: string[] = [];
  const budget = new Map<string, number>();
  for (let i = 0; i < deliveries.length; i++) {
    const d = deliveries[i];
    lines[i] = enc.delivery(d);
    if (d.sample && samplesPerMinute > 0) {
      // The same bound the ingest sampler applies: per destination, step, reason and minute.
      const key = compoundKey(d.destinationId, d.step, d.reason, Math.floor(d.time / MINUTE));
      const n = budget.get(key) ?? 0;
      if (n < samplesPerMinute) {
        budget.set(key, n + 1);
        sampleLines.push(enc.sample({ ...d, sample: { error: d.sample.error, ...storedExchange(d) } }, JSON.stringify(d.sample.payload), sampleMaxBytes));
      }
    }
  }
  return {
    events: lines.length > 0 ? Buffer.from(lines.join('\n')) : null,
    syncs: syncs.length > 0 ? Buffer.from(syncs.map((s) => enc.sync(s, s.finishedAt)).join('\n')) : null,
    samples: sampleLines.length > 0 ? Buffer.from(sampleLines.join('\n')) : null,
  };
}
