/**
 * Part of section 1 (payoff): which tier layout pays, measured on the bench's dataset.
 *
 * - The ragged-minute edges of a two-week range (both periods), read with the event
 *   dimensions from `events_minute` and from the raw table (`delivery_events`), answers
 *   compared, and the same scope from `steps_minute` without event dimensions (what the
 *   narrow tier costs for the same minutes).
 * - Ingest CPU per report of each materialized view on `delivery_events`: the same rows
 *   (a slice of the dataset, in time order) inserted in 10,000-row blocks into a scratch
 *   copy of the raw table with no view, then with each view alone, then with all of them.
 */
import crypto from 'node:crypto';
import type { Db } from '../../src/clickhouse/client';
import { planTiers, type Span } from '../../src/domain/tier-plan';
import type { ResolvedRange } from '../../src/domain/time-range';
import type { DestinationScope } from '../../src/metrics/pipeline.query';
import { sameAnswer } from './context';
import { round, summarize, type Summary } from './stats';

export interface TimedRead {
  name: string;
  summary: Summary;
  /** Rows the index analysis selects (EXPLAIN ESTIMATE), all tables. */
  rows: number;
}

export interface TierComparison {
  edges: { minutes: number; eventsMinute: TimedRead; raw: TimedRead; stepsMinute: TimedRead; equal: boolean };
  viewCost: ViewCost;
}

export interface ViewCost {
  reports: number;
  blockSize: number;
  /** CPU µs per report (process CPU: the embedded engine runs in this process; wall time on a server). */
  rawOnly: number;
  allViews: number;
  /** Per view: CPU µs per report with that view alone, less rawOnly. */
  perView: Record<string, number>;
  measure: 'cpu' | 'wall';
}

/** Runs `fn` `iterations` times alternating with `other`; returns both summaries. */
async function alternate(iterations: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Summary, Summary]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < iterations; i++) {
    for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const t = performance.now();
      await (side === 0 ? a() : b());
      (side === 0 ? ta : tb).push(performance.now() - t);
    }
  }
  return [summarize(ta), summarize(tb)];
}

async function estimatedRows(db: Db, sql: string, params: Record<string, unknown>): Promise<number> {
  const rows = await db.query<{ rows: number }>({ family: 'bench', sql: `EXPLAIN ESTIMATE ${sql}`, params });
  return rows.reduce((s, r) => s + Number(r.rows), 0);
}

/** The ragged minutes of both periods of the range, as the hour-tier plan leaves them. */
function edgeSpans(range: ResolvedRange): Span[] {
  return [...planTiers(range.previousFrom, range.previousTo).minutes, ...planTiers(range.from, range.to).minutes];
}

function edgeSql(db: Db, table: string, column: string, dims: string, spans: Span[]): string {
  const bound = (i: number, end: 'f' | 't') =>
    table === 'delivery_events' ? `fromUnixTimestamp64Milli({e${i}${end}:Int64}, 'UTC')` : `toDateTime(intDiv({e${i}${end}:Int64}, 1000), 'UTC')`;
  const where = spans.map((_, i) => `(${column} >= ${bound(i, 'f')} AND ${column} < ${bound(i, 't')})`).join(' OR ') || '0';
  const events = table === 'delivery_events' ? 'count' : 'events';
  return `SELECT step, ${dims}, toInt64(sum(${events})) AS n FROM ${db.database}.${table}
          WHERE workspace_id = {workspace:String} AND (${where})
            AND (destination_id = {dest:String} OR (destination_id = '' AND source_id IN {sources:Array(String)}))
          GROUP BY step, ${dims} ORDER BY step, ${dims}`;
}

export async function edgeReads(
  db: Db,
  workspaceId: string,
  range: ResolvedRange,
  scope: DestinationScope,
  iterations: number,
): Promise<TierComparison['edges']> {
  const spans = edgeSpans(range);
  const params: Record<string, unknown> = { workspace: workspaceId, dest: scope.destinationId, sources: scope.sourceIds };
  spans.forEach((s, i) => Object.assign(params, { [`e${i}f`]: s.from, [`e${i}t`]: s.to }));
  const eventDims = 'event_type, event_name, app_version';
  const sqls = {
    events: edgeSql(db, 'events_minute', 'minute', eventDims, spans),
    raw: edgeSql(db, 'delivery_events', 'time', eventDims, spans),
    steps: edgeSql(db, 'steps_minute', 'minute', 'reason', spans),
  };
  const run = (sql: string) => () => db.query<Record<string, unknown>>({ family: 'bench', sql, params });
  const equal = sameAnswer(await run(sqls.events)(), await run(sqls.raw)());
  const [e, r] = await alternate(iterations, run(sqls.events), run(sqls.raw));
  const [s] = await alternate(iterations, run(sqls.steps), async () => undefined);
  return {
    minutes: spans.reduce((m, x) => m + (x.to - x.from) / 60_000, 0),
    eventsMinute: { name: 'events_minute', summary: e, rows: await estimatedRows(db, sqls.events, params) },
    raw: { name: 'delivery_events', summary: r, rows: await estimatedRows(db, sqls.raw, params) },
    stepsMinute: { name: 'steps_minute (no event dimensions)', summary: s, rows: await estimatedRows(db, sqls.steps, params) },
    equal,
  };
}

const COLUMNS =
  'time, workspace_id, source_id, destination_id, destination_kind, mapping_id, step, reason, event_type, event_name, app_version, enriched, count, message_id';

/** CPU (or wall) µs per report of inserting the staged rows into the scratch raw table with the given views attached. */
async function insertCost(
  db: Db,
  scratch: string,
  views: { name: string; target: string; create: string }[],
  reports: number,
  blockSize: number,
): Promise<number> {
  await db.command({ family: 'bench', sql: `CREATE TABLE ${scratch}.delivery_events AS ${db.database}.delivery_events` });
  for (const v of views) {
    await db.command({ family: 'bench', sql: `CREATE TABLE ${scratch}.${v.target} AS ${db.database}.${v.target}` });
    await db.command({ family: 'bench', sql: v.create });
  }
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await db.command({
    family: 'bench',
    sql: `INSERT INTO ${scratch}.delivery_events (${COLUMNS}) SELECT ${COLUMNS} FROM ${scratch}.staging
          SETTINGS max_insert_block_size = ${blockSize}, min_insert_block_size_rows = ${blockSize}, min_insert_block_size_bytes = 0,
                   max_block_size = ${blockSize}, async_insert = 0, insert_deduplicate = 1, deduplicate_blocks_in_dependent_materialized_views = 1,
                   insert_deduplication_token = '${crypto.randomUUID()}', max_execution_time = 0, max_threads = 1`,
  });
  const used = process.cpuUsage(cpu);
  const us = db.backend === 'embedded' ? used.user + used.system : (performance.now() - wall) * 1000;
  for (const v of views) {
    await db.command({ family: 'bench', sql: `DROP TABLE ${scratch}.${v.name}` });
    await db.command({ family: 'bench', sql: `DROP TABLE ${scratch}.${v.target}` });
  }
  await db.command({ family: 'bench', sql: `DROP TABLE ${scratch}.delivery_events` });
  return round(us / reports, 1);
}

export async function viewCosts(db: Db, reports: number, blockSize = 10_000): Promise<ViewCost> {
  const scratch = `${db.database}_views`;
  const mvs = await db.query<{ name: string; create: string }>({
    family: 'bench',
    sql: `SELECT name, create_table_query AS create FROM system.tables WHERE database = {db:String} AND engine = 'MaterializedView' ORDER BY name`,
    params: { db: db.database },
  });
  const views = mvs
    .filter((m) => m.create.includes(`FROM ${db.database}.delivery_events`))
    .map((m) => ({ name: m.name, target: /TO \S+?\.(\w+)/.exec(m.create)![1], create: m.create.replaceAll(`${db.database}.`, `${scratch}.`) }));
  await db.command({ family: 'bench', sql: `CREATE DATABASE IF NOT EXISTS ${scratch}` });
  try {
    // A slice of the dataset in time order, as ingest sees it: the newest `reports` rows.
    await db.command({
      family: 'bench',
      sql: `CREATE TABLE ${scratch}.staging ENGINE = Memory AS SELECT * FROM (SELECT ${COLUMNS} FROM ${db.database}.delivery_events WHERE time >= (SELECT max(time) FROM ${db.database}.delivery_events) - INTERVAL 2 DAY ORDER BY time DESC LIMIT ${reports}) ORDER BY time`,
    });
    const [{ n }] = await db.query<{ n: number }>({ family: 'bench', sql: `SELECT count() AS n FROM ${scratch}.staging` });
    const staged = Number(n);
    const rawOnly = await insertCost(db, scratch, [], staged, blockSize);
    const perView: Record<string, number> = {};
    for (const v of views) perView[v.target] = round((await insertCost(db, scratch, [v], staged, blockSize)) - rawOnly, 1);
    const allViews = await insertCost(db, scratch, views, staged, blockSize);
    return { reports: staged, blockSize, rawOnly, allViews, perView, measure: db.backend === 'embedded' ? 'cpu' : 'wall' };
  } finally {
    await db.command({ family: 'bench', sql: `DROP DATABASE IF EXISTS ${scratch}` });
  }
}
