import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/clickhouse/client';
import { PACKAGE_ROOT } from '../../src/package-root';

/**
 * Every aggregate tier against an independent recount from the raw table. One entry per
 * materialized view's target table in migrations/ (0003 … 0044), written here from what each
 * tier means (docs/api.md, docs/design.md), not copied from the product's reconcile: time
 * buckets by integer division of the report's epoch milliseconds, the full key of each tier
 * (not only hour, step and destination), and every measure (events, reports, first attempts,
 * retries, pending, first and last seen, a run's start and end). The tier side is summed per
 * key because SummingMergeTree and AggregatingMergeTree parts may not be merged yet.
 * `recountTiers` fails loudly when migrations/ gains a view this list does not know.
 */

interface Measure {
  name: string;
  /** The tier's stored value, aggregated over unmerged parts. */
  tier: string;
  /** What the raw reports imply. */
  raw: string;
}

export interface TierRecount {
  table: string;
  /** Key columns: tier column name → raw expression. */
  keys: Record<string, { tier: string; raw: string }>;
  /** Raw rows that feed the tier. */
  where: string;
  measures: Measure[];
  /** Raw rows come from this SELECT instead of the raw table (catalog: one row per entity). */
  from?: string;
}

const minute = { tier: 'toUnixTimestamp(minute)', raw: 'toUInt32(intDiv(toUnixTimestamp64Milli(time), 60000) * 60)' };
const hour = { tier: 'toUnixTimestamp(hour)', raw: 'toUInt32(intDiv(toUnixTimestamp64Milli(time), 3600000) * 3600)' };
const col = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { tier: n, raw: n }]));
const EVENT_KEYS = col('step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'event_type', 'event_name', 'app_version', 'enriched');
const STEP_KEYS = col('step', 'destination_id', 'source_id', 'mapping_id', 'reason');
const CONNECTION_KEYS = col('step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'operation', 'audience_id', 'space_id');
const COUNTS: Measure[] = [
  { name: 'events', tier: 'sum(events)', raw: 'sum(toUInt64(count))' },
  { name: 'reports', tier: 'sum(reports)', raw: 'count()' },
];
const ATTEMPTS: Measure[] = [
  { name: 'events', tier: 'sum(events)', raw: 'sum(toUInt64(count))' },
  { name: 'first_attempt', tier: 'sum(first_attempt)', raw: 'sum(if(attempt = 1, toUInt64(count), 0))' },
  { name: 'retried', tier: 'sum(retried)', raw: 'sum(if(attempt >= 2, toUInt64(count), 0))' },
];
const OUTCOMES = "step IN ('delivered', 'failed_delivery')";
// Latency histogram bucket as docs/api.md states it: 1 for 0 ms, else 2 + ⌊ln(ms) / ln 1.05⌋.
const LATENCY_BUCKET = {
  tier: 'latency_bucket',
  raw: 'toUInt16(if(assumeNotNull(latency_ms) = 0, 1, 2 + floor(ln(toFloat64(assumeNotNull(latency_ms))) / ln(1.05))))',
};
const CONNECTION_KINDS = "destination_kind IN ('retl', 'audience')";

export const TIER_RECOUNTS: TierRecount[] = [
  { table: 'events_minute', keys: { minute, ...EVENT_KEYS }, where: '1', measures: COUNTS },
  { table: 'events_hour', keys: { hour, ...EVENT_KEYS }, where: '1', measures: COUNTS },
  { table: 'steps_minute', keys: { minute, ...STEP_KEYS }, where: '1', measures: COUNTS },
  { table: 'steps_hour', keys: { hour, ...STEP_KEYS }, where: '1', measures: COUNTS },
  { table: 'connections_minute', keys: { minute, ...CONNECTION_KEYS }, where: CONNECTION_KINDS, measures: COUNTS },
  { table: 'connections_hour', keys: { hour, ...CONNECTION_KEYS }, where: CONNECTION_KINDS, measures: COUNTS },
  {
    table: 'latency_minute',
    keys: { minute, ...col('destination_id', 'step', 'source_id', 'mapping_id'), latency_bucket: LATENCY_BUCKET },
    where: `${OUTCOMES} AND latency_ms IS NOT NULL`,
    measures: COUNTS,
  },
  {
    table: 'latency_hour',
    keys: { hour, ...col('destination_id', 'step', 'source_id', 'mapping_id'), latency_bucket: LATENCY_BUCKET },
    where: `${OUTCOMES} AND latency_ms IS NOT NULL`,
    measures: COUNTS,
  },
  { table: 'attempts_minute', keys: { minute, ...EVENT_KEYS }, where: OUTCOMES, measures: ATTEMPTS },
  { table: 'attempts_hour', keys: { hour, ...EVENT_KEYS }, where: OUTCOMES, measures: ATTEMPTS },
  {
    table: 'retry_pending',
    keys: col('destination_id', 'mapping_id'),
    where: "step IN ('retry_enqueued', 'retry_resolved')",
    measures: [{ name: 'pending', tier: 'sum(pending)', raw: "sum(if(step = 'retry_enqueued', toInt64(count), -toInt64(count)))" }],
  },
  {
    table: 'retl_sync_runs',
    keys: { hour, ...col('destination_id', 'sync_id', 'step', 'operation', 'mapping_id', 'reason') },
    where: "destination_kind = 'retl'",
    measures: [
      ...COUNTS,
      { name: 'started_ms', tier: 'min(toUnixTimestamp64Milli(started))', raw: 'min(toUnixTimestamp64Milli(time))' },
      { name: 'finished_ms', tier: 'max(toUnixTimestamp64Milli(finished))', raw: 'max(toUnixTimestamp64Milli(time))' },
    ],
  },
  {
    // The catalog: every source, destination (with its kind), mapping (under its destination) and
    // source→destination connection a report names, first and last seen.
    table: 'catalog_entities',
    keys: col('entity', 'id', 'parent_id'),
    where: "id != ''",
    from: `(SELECT workspace_id, 'source' AS entity, source_id AS id, '' AS parent_id, '' AS k, time FROM {raw}
            UNION ALL SELECT workspace_id, 'destination', destination_id, '', destination_kind, time FROM {raw}
            UNION ALL SELECT workspace_id, 'mapping', mapping_id, destination_id, '', time FROM {raw}
            UNION ALL SELECT workspace_id, 'connection', if(destination_id = '', '', source_id), destination_id, '', time FROM {raw})`,
    measures: [
      { name: 'first_seen_ms', tier: 'min(toUnixTimestamp64Milli(first_seen))', raw: 'min(toUnixTimestamp64Milli(time))' },
      { name: 'last_seen_ms', tier: 'max(toUnixTimestamp64Milli(last_seen))', raw: 'max(toUnixTimestamp64Milli(time))' },
      { name: 'kind', tier: 'max(kind)', raw: 'max(k)' },
    ],
  },
];

export interface TierDifference {
  /** Keys where the tier and the recount disagree on any measure (or only one side has the key). */
  keys: number;
  /** Keys compared (the union of both sides). */
  compared: number;
  /** Sum over differing keys of |tier − raw| of the first measure (events, pending, or a first-seen time in ms). */
  delta: number;
  /** A few differing keys, for the findings. */
  examples: string[];
}

/** The comparison of one tier: a FULL JOIN of the tier (per key) with the recount (per key). */
export function recountSql(t: TierRecount, database: string): string {
  const raw = `${database}.delivery_events`;
  const keyNames = Object.keys(t.keys);
  const tierSel = [...keyNames.map((k) => `${t.keys[k].tier} AS ${k}`), ...t.measures.map((m) => `${m.tier} AS t_${m.name}`)].join(', ');
  const rawSel = [...keyNames.map((k) => `${t.keys[k].raw} AS ${k}`), ...t.measures.map((m) => `${m.raw} AS r_${m.name}`)].join(', ');
  const source = t.from ? t.from.replaceAll('{raw}', raw) : raw;
  const differs = t.measures.map((m) => `t_${m.name} != r_${m.name}`).join(' OR ');
  const first = t.measures[0].name;
  return `SELECT count() AS compared, countIf(${differs}) AS keys,
                 sumIf(abs(toInt64(t_${first}) - toInt64(r_${first})), ${differs}) AS delta,
                 arraySlice(groupArrayIf(toString(tuple(${keyNames.join(', ')}, ${t.measures.map((m) => `t_${m.name}, r_${m.name}`).join(', ')})), ${differs}), 1, 3) AS examples
          FROM (SELECT ${tierSel} FROM ${database}.${t.table} WHERE workspace_id = {ws:String} GROUP BY ${keyNames.join(', ')}) AS tier
          FULL OUTER JOIN (SELECT ${rawSel} FROM ${source} WHERE workspace_id = {ws:String} AND (${t.where}) GROUP BY ${keyNames.join(', ')}) AS recount
          USING (${keyNames.join(', ')})
          SETTINGS join_use_nulls = 0`;
}

/** The target table of every materialized view the migrations create (`CREATE MATERIALIZED VIEW … TO {{db}}.<table>`). */
export function viewTargets(migrationsDir = path.join(PACKAGE_ROOT, 'migrations')): string[] {
  const targets: string[] = [];
  for (const file of fs
    .readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const m = /CREATE MATERIALIZED VIEW[^\n]*?\sTO\s+\{\{db\}\}\.(\w+)/i.exec(fs.readFileSync(path.join(migrationsDir, file), 'utf8'));
    if (m) targets.push(m[1]);
  }
  return targets;
}

/** Every tier compared; throws when a migration creates a view whose table this list does not recount. */
export async function recountTiers(db: Db, workspaceId: string): Promise<Record<string, TierDifference>> {
  const known = new Set(TIER_RECOUNTS.map((t) => t.table));
  const unknown = viewTargets().filter((t) => !known.has(t));
  if (unknown.length > 0) throw new Error(`migrations/ has materialized views into tables the harness does not recount: ${unknown.join(', ')}`);
  const out: Record<string, TierDifference> = {};
  for (const t of TIER_RECOUNTS) {
    const [row] = await db
      .query<{ compared: number; keys: number; delta: number; examples: string[] }>({
        family: 'durability',
        sql: recountSql(t, db.database),
        params: { ws: workspaceId },
      })
      .catch((err: Error) => {
        throw new Error(`recount of ${t.table} failed: ${String((err.cause as Error | undefined)?.message ?? err.message).slice(0, 600)}`);
      });
    out[t.table] = { compared: Number(row.compared), keys: Number(row.keys), delta: Number(row.delta), examples: row.examples };
  }
  return out;
}
