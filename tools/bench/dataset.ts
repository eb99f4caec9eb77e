/**
 * The benchmark dataset, generated inside the engine (INSERT … SELECT FROM numbers()),
 * never through HTTP: one workspace, 50 destinations (classic, actions, storage), a
 * few sources, ~20 event names, 5 app versions, 2 enriched values, discard reasons
 * per step from the remedy catalogue, and a daily rhythm. Inserted in time-ordered
 * chunks of a few hours so memory stays bounded and every materialized view
 * (minute, hour, retry gauge, catalog) is fed exactly as live inserts feed it.
 */
import type { Db } from '../../src/clickhouse/client';
import { DISCARD_REASONS } from '../../src/domain/discard-reasons';
import type { DestinationKind } from '../../src/domain/steps';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DATASET_SOURCES = Array.from({ length: 10 }, (_, i) => `src_${String(i).padStart(2, '0')}`);

export const EVENT_NAMES = [
  'Page Viewed',
  'Product Viewed',
  'Product Added',
  'Checkout Started',
  'Order Completed',
  'Signed Up',
  'Logged In',
  'Search Performed',
  'Cart Viewed',
  'Product Removed',
  'Coupon Applied',
  'Payment Info Entered',
  'Subscription Started',
  'Payment Failed',
  'Video Played',
  'Share Clicked',
  'Review Submitted',
  'Identify',
  'Page',
  'Screen',
] as const;
/** Event type of each name above (the last three are identify/page/screen calls). */
export const EVENT_TYPES_BY_NAME = EVENT_NAMES.map((n) => (n === 'Identify' ? 'identify' : n === 'Page' ? 'page' : n === 'Screen' ? 'screen' : 'track'));
export const APP_VERSIONS = ['3.2.0', '3.1.4', '3.1.0', '3.0.2', '2.9.9'] as const;

export interface DatasetDestination {
  id: string;
  kind: DestinationKind;
  sources: string[];
  mappings: string[];
}

/** 50 destinations: 30 classic, 12 actions, 8 storage, interleaved so volume skew hits every kind. */
export function datasetDestinations(n = 50): DatasetDestination[] {
  return Array.from({ length: n }, (_, i) => {
    const kind: DestinationKind =
      i % 25 === 4 || i % 25 === 12 || i % 25 === 20 || i % 25 === 23
        ? 'storage'
        : i % 25 === 1 || i % 25 === 6 || i % 25 === 10 || i % 25 === 15 || i % 25 === 18 || i % 25 === 22
          ? 'actions'
          : 'classic';
    const id = `dst_${String(i).padStart(2, '0')}`;
    const s = DATASET_SOURCES.length;
    const sources = [...new Set([i % s, (i * 3 + 1) % s, (i * 7 + 3) % s])].map((k) => DATASET_SOURCES[k]);
    const mappings = kind === 'actions' ? [0, 1, 2].map((m) => `map_${String(i).padStart(2, '0')}_${m}`) : [];
    return { id, kind, sources, mappings };
  });
}

/** Relative volume of an hour: a daily rhythm peaking mid-afternoon UTC, quieter weekends. */
export function hourWeight(hourStartMs: number): number {
  const d = new Date(hourStartMs);
  const h = d.getUTCHours();
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  return (1 + 0.6 * Math.cos((2 * Math.PI * (h - 14)) / 24)) * (weekend ? 0.7 : 1);
}

export interface DatasetOptions {
  workspaceId: string;
  reports: number;
  /** Newest instant generated (exclusive), epoch ms; the window is the `days` before it. */
  to: number;
  days: number;
  /** Hours per INSERT … SELECT (chunks never cross a UTC day). */
  chunkHours?: number;
  seed?: number;
  onChunk?: (done: number, total: number, elapsedMs: number) => void;
}

export interface DatasetResult {
  reports: number;
  syncs: number;
  from: number;
  to: number;
  chunks: number;
  seconds: number;
  reportsPerSecond: number;
}

/** Hour-aligned [from, to) window; the first and last hours may be partial. */
function hours(from: number, to: number): { start: number; end: number; weight: number }[] {
  const out = [];
  for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR) {
    const start = Math.max(t, from);
    const end = Math.min(t + HOUR, to);
    out.push({ start, end, weight: hourWeight(t) * ((end - start) / HOUR) });
  }
  return out;
}

/**
 * The per-row generator. `n` is a global row number (so message ids are unique across
 * chunks); three hashes of it give independent uniform draws. Skewed picks use
 * floor(k * u^p): a few event names, versions, destinations and reasons dominate, as
 * in real traffic.
 */
const ROW_SQL = `
  WITH
    cityHash64(n, {seed:UInt64}) AS h1,
    cityHash64(n, {seed:UInt64} + 1) AS h2,
    cityHash64(n, {seed:UInt64} + 2) AS h3,
    arrayFirstIndex(c -> c > n, {cum:Array(UInt64)}) AS hi,
    {hour_start:Array(Int64)}[hi] + toInt64(((h3 % 1000000) / 1000000.0) * {hour_len:Array(Int64)}[hi]) AS ms,
    (h1 % 10000) / 10000.0 AS u_step,
    (intDiv(h1, 10000) % 100000) / 100000.0 AS u_dest,
    (intDiv(h1, 1000000000) % 100000) / 100000.0 AS u_reason,
    (h2 % 100000) / 100000.0 AS u_name,
    (intDiv(h2, 100000) % 100000) / 100000.0 AS u_version,
    (intDiv(h2, 10000000000) % 1000) / 1000.0 AS u_enriched,
    (intDiv(h3, 1000000) % 1000) / 1000.0 AS u_count,
    intDiv(h3, 1000000000) AS r_pick,
    u_step < 0.2 AS source_side,
    toUInt32(floor({n_dests:UInt32} * pow(u_dest, 1.4))) + 1 AS di,
    {kinds:Array(String)}[di] AS dkind,
    multiIf(
      u_step < 0.17, 'received', u_step < 0.18, 'failed_ingest', u_step < 0.2, 'filtered_source',
      dkind = 'storage', 'delivered',
      u_step < 0.76, 'delivered', u_step < 0.84, 'filtered_destination', u_step < 0.904, 'failed_delivery',
      u_step < 0.956, 'retry_enqueued', 'retry_resolved') AS st,
    {source_list:Array(String)}[toUInt32(floor(length({source_list:Array(String)}) * pow(u_dest, 1.3))) + 1] AS src_side_source,
    {dest_sources:Array(Array(String))}[di] AS dsrcs,
    {dest_mappings:Array(Array(String))}[di] AS dmaps,
    multiIf(st = 'failed_ingest', {r_failed_ingest:Array(String)}, st = 'filtered_source', {r_filtered_source:Array(String)},
            st = 'filtered_destination', {r_filtered_destination:Array(String)}, st = 'failed_delivery', {r_failed_delivery:Array(String)}, []) AS reasons,
    toUInt32(floor({n_names:UInt32} * pow(u_name, 2))) + 1 AS ni,
    -- Each destination (or source, for source-side steps) fails with a few reasons of its
    -- own, a different window of the catalogue each, so the workspace sees all of them.
    toUInt32(3 * if(source_side, indexOf({source_list:Array(String)}, src_side_source), di)) AS reason_base
  SELECT
    fromUnixTimestamp64Milli(ms, 'UTC') AS time,
    {workspace:String} AS workspace_id,
    if(source_side, src_side_source, dsrcs[r_pick % length(dsrcs) + 1]) AS source_id,
    if(source_side, '', {dests:Array(String)}[di]) AS destination_id,
    if(source_side, '', dkind) AS destination_kind,
    if(source_side OR length(dmaps) = 0, '', dmaps[intDiv(r_pick, 7) % length(dmaps) + 1]) AS mapping_id,
    st AS step,
    if(length(reasons) = 0, '', reasons[(reason_base + toUInt32(floor({reasons_per_entity:UInt32} * pow(u_reason, 2)))) % length(reasons) + 1]) AS reason,
    {event_types:Array(String)}[ni] AS event_type,
    {event_names:Array(String)}[ni] AS event_name,
    {versions:Array(String)}[toUInt32(floor(length({versions:Array(String)}) * pow(u_version, 1.5))) + 1] AS app_version,
    u_enriched < 0.7 AS enriched,
    if(u_count < 0.8, 1, 2 + intDiv(r_pick, 131) % 49) AS count,
    lower(hex(h3)) AS message_id
  FROM (SELECT number AS n FROM numbers({offset:UInt64}, {rows:UInt64}))`;

const COLUMNS =
  'time, workspace_id, source_id, destination_id, destination_kind, mapping_id, step, reason, event_type, event_name, app_version, enriched, count, message_id';

function reasonsOf(step: string): string[] {
  return DISCARD_REASONS.filter((r) => r.step === step).map((r) => r.code);
}

/**
 * Writes `reports` raw reports over `days` days ending at `to` for one workspace, in
 * time-ordered chunks, plus one warehouse sync per storage destination per hour.
 */
export async function generateDataset(db: Db, opts: DatasetOptions): Promise<DatasetResult> {
  const started = performance.now();
  const from = opts.to - opts.days * DAY;
  const all = hours(from, opts.to);
  const { reports, chunks } = await insertReports(db, opts, all, started);
  const syncs = await insertSyncs(db, opts.workspaceId, all);
  const seconds = (performance.now() - started) / 1000;
  return { reports, syncs, from, to: opts.to, chunks, seconds: Math.round(seconds * 10) / 10, reportsPerSecond: Math.round(reports / seconds) };
}

/** Rows per hour in proportion to its weight, rounded so the total is exact. */
function rowsPerHour(all: { weight: number }[], reports: number): number[] {
  const totalWeight = all.reduce((a, h) => a + h.weight, 0);
  let assigned = 0;
  let acc = 0;
  return all.map((h) => {
    acc += h.weight;
    const upto = Math.round((acc / totalWeight) * reports);
    const n = upto - assigned;
    assigned = upto;
    return n;
  });
}

/** The parameters of ROW_SQL that every chunk shares: the dataset's shape. */
function shapeParams(workspaceId: string, seed: number): Record<string, unknown> {
  const dests = datasetDestinations();
  return {
    seed,
    workspace: workspaceId,
    n_dests: dests.length,
    kinds: dests.map((d) => d.kind),
    dests: dests.map((d) => d.id),
    dest_sources: dests.map((d) => d.sources),
    dest_mappings: dests.map((d) => d.mappings),
    source_list: DATASET_SOURCES,
    r_failed_ingest: reasonsOf('failed_ingest'),
    r_filtered_source: reasonsOf('filtered_source'),
    r_filtered_destination: reasonsOf('filtered_destination'),
    r_failed_delivery: reasonsOf('failed_delivery'),
    n_names: EVENT_NAMES.length,
    reasons_per_entity: 5,
    event_names: EVENT_NAMES,
    event_types: EVENT_TYPES_BY_NAME,
    versions: APP_VERSIONS,
  };
}

/** The raw reports, one INSERT … SELECT per chunk of up to chunkHours hours. */
async function insertReports(
  db: Db,
  opts: DatasetOptions,
  all: { start: number; end: number; weight: number }[],
  started: number,
): Promise<{ reports: number; chunks: number }> {
  const perHour = rowsPerHour(all, opts.reports);
  const chunkHours = Math.max(1, opts.chunkHours ?? 6);
  const base = shapeParams(opts.workspaceId, opts.seed ?? 1);
  let offset = 0;
  let chunks = 0;
  let i = 0;
  while (i < all.length) {
    // One chunk: up to chunkHours hours, not crossing a UTC day (one raw partition per insert).
    const day = Math.floor(all[i].start / DAY);
    let j = i;
    while (j < all.length && j - i < chunkHours && Math.floor(all[j].start / DAY) === day) j++;
    const slice = all.slice(i, j);
    const counts = perHour.slice(i, j);
    const rows = counts.reduce((a, b) => a + b, 0);
    let c = offset;
    const cum = counts.map((n) => (c += n));
    if (rows > 0) {
      await db.command({
        family: 'bench_dataset',
        // Settings inline, never as clickhouse_settings: the embedded connection turns those
        // into session-wide SETs that would leak into every later statement of the gateway.
        // optimize_on_insert = 0: the views' output is already grouped by the full key, so
        // insert-time summing has nothing to collapse, yet it costs ~10x (README "Performance").
        sql: `INSERT INTO ${db.database}.delivery_events (${COLUMNS}) ${ROW_SQL}
              SETTINGS optimize_on_insert = 0, insert_deduplicate = 0, max_execution_time = 0`,
        params: { ...base, cum, hour_start: slice.map((h) => h.start), hour_len: slice.map((h) => h.end - h.start), offset, rows },
      });
    }
    offset += rows;
    chunks++;
    i = j;
    opts.onChunk?.(offset, opts.reports, performance.now() - started);
  }
  return { reports: offset, chunks };
}

/** Warehouse syncs: every storage destination syncs once an hour, mostly successfully. Returns how many. */
async function insertSyncs(db: Db, workspaceId: string, all: { start: number }[]): Promise<number> {
  const storage = datasetDestinations()
    .filter((d) => d.kind === 'storage')
    .map((d) => d.id);
  const syncHours = all.filter((h) => h.start % HOUR === 0).map((h) => h.start);
  await db.command({
    family: 'bench_dataset',
    sql: `INSERT INTO ${db.database}.warehouse_syncs (workspace_id, destination_id, sync_id, started_at, finished_at, status, reason, collections.name, collections.rows_synced, collections.rows_failed, collections.reason, reported_at)
          WITH cityHash64(number, 7) AS h, {storage:Array(String)}[number % length({storage:Array(String)}) + 1] AS dest,
               {hours:Array(Int64)}[intDiv(number, length({storage:Array(String)})) + 1] + 60000 * (h % 30) AS start_ms,
               h % 100 AS r, multiIf(r < 85, 'success', r < 95, 'partial', 'failed') AS st
          SELECT {workspace:String}, dest, concat('sync_', dest, '_', toString(number)),
                 fromUnixTimestamp64Milli(start_ms, 'UTC'), fromUnixTimestamp64Milli(start_ms + 120000, 'UTC'), st,
                 if(st = 'success', '', 'WAREHOUSE_TIMEOUT'),
                 ['tracks', 'identifies', 'pages'], [1000 + h % 5000, 200 + h % 300, 500 + h % 900],
                 [0, if(st = 'partial', 10 + h % 40, 0), if(st = 'failed', 500, 0)], ['', if(st = 'partial', 'COLUMN_TYPE_MISMATCH', ''), if(st = 'failed', 'WAREHOUSE_TIMEOUT', '')],
                 fromUnixTimestamp64Milli(start_ms + 120000, 'UTC')
          FROM numbers({n:UInt64})
          SETTINGS max_execution_time = 0`,
    params: { workspace: workspaceId, storage, hours: syncHours, n: storage.length * syncHours.length },
  });
  return storage.length * syncHours.length;
}

/** Waits (bounded) until background merges of the gateway's tables settle; returns part counts. */
export async function settleMerges(
  db: Db,
  maxMs: number,
): Promise<{ waitedMs: number; merging: number; parts: Record<string, { parts: number; rows: number; bytes: number }> }> {
  const started = Date.now();
  let merging = 0;
  for (;;) {
    const [row] = await db.query<{ n: number }>({
      family: 'bench',
      sql: `SELECT count() AS n FROM system.merges WHERE database = {db:String}`,
      params: { db: db.database },
    });
    merging = Number(row?.n ?? 0);
    if (merging === 0 || Date.now() - started > maxMs) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const rows = await db.query<{ table: string; parts: number; rows: number; bytes: number }>({
    family: 'bench',
    sql: `SELECT table, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts
          WHERE database = {db:String} AND active
          GROUP BY table ORDER BY table`,
    params: { db: db.database },
  });
  const parts: Record<string, { parts: number; rows: number; bytes: number }> = {};
  for (const r of rows) parts[r.table] = { parts: Number(r.parts), rows: Number(r.rows), bytes: Number(r.bytes) };
  return { waitedMs: Date.now() - started, merging, parts };
}
