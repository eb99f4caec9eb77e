import type { Db } from '../../src/clickhouse/client';
import type { Batch } from './batch';
import { WORKSPACE } from './gateway';
import { recountTiers } from './recount';
import type { DurabilityResult } from './result';

/**
 * The checks after the run, on the data directory the last gateway left behind (after the
 * product's start-up repair): what the producers were told is stored against what the raw
 * table, every aggregate tier, the samples and the warehouse syncs hold.
 */

/** What the checks read and where they write. */
interface Checks {
  db: Db;
  acked: Batch[];
  unacked: Batch[];
  result: DurabilityResult;
  finding: (s: string) => void;
}

export async function verify(db: Db, acked: Batch[], unacked: Batch[], result: DurabilityResult, finding: (s: string) => void): Promise<void> {
  const c: Checks = { db, acked, unacked, result, finding };
  await exactlyOnce(c);
  await perBatch(c);
  await tiersEqualRecount(c);
  await samples(c);
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

/** Every tier against the harness's own recount from raw (recount.ts). */
async function tiersEqualRecount({ db, result, finding }: Checks): Promise<void> {
  result.tiers = await recountTiers(db, WORKSPACE);
  result.differences = 0;
  for (const [table, d] of Object.entries(result.tiers)) {
    result.differences += d.keys;
    if (d.keys > 0)
      finding(
        `${table}: ${d.keys} of ${d.compared} keys differ from the recount from raw (|Δ| ${d.delta}); e.g. (key…, tier, raw per measure) ${d.examples.join(' ')}`,
      );
  }
}

/** Samples: as many rows as the acknowledgements said were kept, no message twice. */
async function samples({ db, result, finding }: Checks): Promise<void> {
  const [row] = await db.query<{ rows: number; ids: number }>({
    family: 'durability',
    sql: `SELECT count() AS rows, uniqExact(message_id) AS ids FROM ${table(db, 'discard_samples')} WHERE workspace_id = {ws:String}`,
    params: WS,
  });
  result.samplesStored = Number(row.rows);
  if (Number(row.rows) !== result.samplesAcknowledged)
    finding(`discard_samples holds ${row.rows} samples, the acknowledgements said ${result.samplesAcknowledged} were kept`);
  if (Number(row.ids) !== Number(row.rows)) finding(`discard_samples: ${Number(row.rows) - Number(row.ids)} samples stored twice`);
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
    for (const { syncId: id } of batch.syncs) {
      const c = stored.get(id) ?? 0;
      if (c === 0) {
        result.syncsLost++;
        finding(`sync ${id} (batch ${batch.n}) acknowledged but not stored`);
      } else if (c > 1) result.syncDuplicates += c - 1;
    }
  }
}
