import type { Db } from '../../src/clickhouse/client';
import { compareRawAndAggregates, reconcileWindow } from '../../src/metrics/reconcile';
import type { Batch } from './batch';
import { orphanDedupRecords } from './dedup-log';
import { WORKSPACE } from './gateway';
import type { DurabilityResult } from './result';

/**
 * The checks after the run, on the data directory the last gateway left behind: what the
 * producers were told is stored against what the raw table, the aggregate tiers, the retry
 * gauge and the warehouse syncs hold; plus the engine's own state behind any difference.
 */

const HOUR_MS = 3_600_000;

const DEDUP_TABLES = ['delivery_events', 'events_minute', 'events_hour', 'steps_minute', 'steps_hour', 'retry_pending', 'warehouse_syncs'] as const;

/** What the checks read and where they write. */
interface Checks {
  db: Db;
  acked: Batch[];
  unacked: Batch[];
  spreadMs: number;
  result: DurabilityResult;
  finding: (s: string) => void;
}

export async function verify(db: Db, acked: Batch[], unacked: Batch[], spreadMs: number, result: DurabilityResult, finding: (s: string) => void): Promise<void> {
  const c: Checks = { db, acked, unacked, spreadMs, result, finding };
  await exactlyOnce(c);
  await perBatch(c);
  await rawEqualsTiers(c);
  await retryGauge(c);
  await engineState(c);
  await syncs(c);
}

const WS = { ws: WORKSPACE };
const table = (db: Db, name: string) => `${db.database}.${name}`;

/** Exactly once per report: no message id twice. */
async function exactlyOnce({ db, result, finding }: Checks): Promise<void> {
  const dupRows = await db.query<{ message_id: string; c: number }>({
    family: 'durability',
    sql: `SELECT message_id, count() AS c FROM ${table(db, 'delivery_events')} WHERE workspace_id = {ws:String} GROUP BY message_id HAVING c != 1 ORDER BY c DESC, message_id LIMIT 10000`,
    params: WS,
  });
  result.duplicates = dupRows.reduce((s, r) => s + Number(r.c) - 1, 0);
  for (const r of dupRows.slice(0, 5)) finding(`message ${r.message_id} stored ${r.c} times`);
}

/** Per batch: rows, distinct ids, sum of counts, and when the rows were stored. */
async function perBatch({ db, acked, unacked, result, finding }: Checks): Promise<void> {
  const rows = await db.query<{ b: number; rows: number; ids: number; events: number; first_ms: number; last_ms: number }>({
    family: 'durability',
    sql: `SELECT toUInt32(substring(splitByChar('-', message_id)[1], 2)) AS b, count() AS rows, uniqExact(message_id) AS ids,
                 toUInt64(sum(count)) AS events, toUInt64(toUnixTimestamp64Milli(min(ingested_at))) AS first_ms, toUInt64(toUnixTimestamp64Milli(max(ingested_at))) AS last_ms
          FROM ${table(db, 'delivery_events')} WHERE workspace_id = {ws:String} GROUP BY b`,
    params: WS,
  });
  const stored = new Map(rows.map((r) => [Number(r.b), r]));
  for (const batch of acked) {
    const s = stored.get(batch.n);
    const ids = s ? Number(s.ids) : 0;
    if (ids < batch.reports) {
      result.lost += batch.reports - ids;
      finding(`batch ${batch.n} (key ${batch.key}, ${batch.attempts} attempts): ${batch.reports - ids} of ${batch.reports} acknowledged reports missing`);
    }
    if (s && ids === batch.reports && Number(s.rows) === batch.reports && Number(s.events) !== batch.events) {
      result.batchEventMismatches++;
      finding(`batch ${batch.n}: stored ${s.events} events, acknowledged ${batch.events}`);
    }
    if (batch.interruptedAt.length > 0) {
      result.batchesInterruptedAfterSend++;
      const firstKill = batch.interruptedAt[0];
      if (s) {
        if (Number(s.last_ms) < firstKill) result.interrupted.storedBeforeKill++;
        else if (Number(s.first_ms) < firstKill) result.interrupted.partlyBeforeKill++;
        else result.interrupted.storedByRetry++;
      }
    }
    stored.delete(batch.n);
  }
  for (const batch of unacked) {
    const s = stored.get(batch.n);
    if (s) result.unacknowledgedStored += Number(s.rows);
    stored.delete(batch.n);
  }
  for (const [b, s] of stored) {
    result.unacknowledgedStored += Number(s.rows);
    finding(`raw rows of batch ${b} that the producer never posted (${s.rows} rows)`);
  }
}

/** Raw equals both aggregate tiers: reconcile's comparison over everything posted. */
async function rawEqualsTiers({ db, spreadMs, result, finding }: Checks): Promise<void> {
  const now = Date.now();
  const window = reconcileWindow(now - spreadMs - 2 * HOUR_MS, now + 30 * 60_000, now);
  const rec = await compareRawAndAggregates(db, { ...window, workspaceId: WORKSPACE });
  result.differences = rec.differences.length;
  for (const d of rec.differences.slice(0, 10)) {
    const tiers = Object.entries(d.tiers).map(([t, c]) => `${t} ${c.events}/${c.reports}`).join(', ');
    finding(`aggregate drift ${new Date(d.hour).toISOString()} ${d.step} ${d.destinationId || '-'}: raw ${d.raw.events}/${d.raw.reports}, ${tiers} (events/reports)`);
  }
  if (result.lost === 0 && result.duplicates === 0 && result.unacknowledgedStored === 0 && rec.events !== result.events) {
    finding(`raw holds ${rec.events} events in the compared window, ${result.events} were acknowledged`);
  }
}

/** The retry gauge is fed by its own view: it must equal enqueued − resolved in raw. */
async function retryGauge({ db, result, finding }: Checks): Promise<void> {
  const gauge = await db.query<{ raw: number; gauge: number }>({
    family: 'durability',
    sql: `SELECT
            (SELECT sumIf(toInt64(count), step = 'retry_enqueued') - sumIf(toInt64(count), step = 'retry_resolved') FROM ${table(db, 'delivery_events')} WHERE workspace_id = {ws:String}) AS raw,
            (SELECT sum(pending) FROM ${table(db, 'retry_pending')} WHERE workspace_id = {ws:String}) AS gauge`,
    params: WS,
  });
  result.retryGaugeDifference = Number(gauge[0]?.gauge ?? 0) - Number(gauge[0]?.raw ?? 0);
  if (result.retryGaugeDifference !== 0) finding(`retry_pending gauge ${gauge[0]?.gauge}, raw enqueued − resolved ${gauge[0]?.raw}`);
}

/** How the engine's deduplication logs compare with the parts that exist (diagnosis). */
async function engineState({ db, result, finding }: Checks): Promise<void> {
  for (const name of DEDUP_TABLES) {
    const d = await orphanDedupRecords(db, name);
    result.orphanDedupRecords[name] = d.orphans.length;
    for (const o of d.orphans.slice(0, 5)) {
      finding(`${name}: the deduplication log remembers block ${o.blockId} as part ${o.part}, but no part of the table holds that block (a retry of it is acknowledged without storing anything)`);
    }
  }

  const detached = await db.query<{ table: string; reason: string; n: number; names: string[] }>({
    family: 'durability',
    sql: `SELECT table, reason, count() AS n, groupArray(5)(name) AS names FROM system.detached_parts WHERE database = {db:String} GROUP BY table, reason ORDER BY table, reason`,
    params: { db: db.database },
  });
  for (const d of detached) {
    result.detachedParts[`${d.table}/${d.reason || 'unknown'}`] = Number(d.n);
    finding(`${d.table}: ${d.n} part(s) detached on load (${d.reason || 'no reason given'}): ${d.names.join(', ')}`);
  }
}

/** Syncs: every acknowledged sync id once (rows before any ReplacingMergeTree merge). */
async function syncs({ db, acked, result, finding }: Checks): Promise<void> {
  const syncRows = await db.query<{ sync_id: string; c: number }>({
    family: 'durability',
    sql: `SELECT sync_id, count() AS c FROM ${table(db, 'warehouse_syncs')} WHERE workspace_id = {ws:String} GROUP BY sync_id`,
    params: WS,
  });
  const stored = new Map(syncRows.map((r) => [r.sync_id, Number(r.c)]));
  for (const batch of acked) {
    for (const id of batch.syncIds) {
      const c = stored.get(id) ?? 0;
      if (c === 0) {
        result.syncsLost++;
        finding(`sync ${id} (batch ${batch.n}) acknowledged but not stored`);
      } else if (c > 1) result.syncDuplicates += c - 1;
    }
  }
}
