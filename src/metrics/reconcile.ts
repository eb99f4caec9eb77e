import type { Db } from '../clickhouse/client';
import { AppError, ErrorCode } from '../domain/errors';

/**
 * Reconciliation of the raw table with its two aggregate tiers.
 *
 * `delivery_events` is the source of truth; `events_minute` and `events_hour` are fed from
 * it by materialized views, one insert at a time. They can drift apart only through a
 * fault: an insert whose raw block was committed but whose view insert was not (a crash
 * between the two, with no retry under the same Idempotency-Key), a retry counted twice
 * by one tier, or a hand-made change. `compareRawAndAggregates` finds such drift per
 * workspace, hour, step and destination; `repairAggregates` rebuilds the aggregate rows of
 * the affected hours from the raw table.
 */

const HOUR_MS = 3_600_000;
/** The raw table keeps 15 days (TTL); ranges may reach 14 days back so every raw row still exists. */
export const RECONCILE_MAX_AGE_MS = 14 * 86_400_000;
/** How far past now a range may end (producers' clocks may run ahead; nothing later can exist). */
export const RECONCILE_MAX_AHEAD_MS = HOUR_MS;

export type Tier = 'minute' | 'hour';

export interface ReconcileScope {
  /** Inclusive start, ms; floored to the hour. */
  from: number;
  /** Exclusive end, ms; ceiled to the hour. */
  to: number;
  /** One workspace, or every workspace when null/absent. */
  workspaceId?: string | null;
}

export interface Counts {
  events: number;
  reports: number;
}

/** One workspace, hour, step and destination whose tiers disagree with the raw table. */
export interface ReconcileDifference {
  workspaceId: string;
  /** Start of the hour, ms (UTC). */
  hour: number;
  step: string;
  /** Empty on source-side steps. */
  destinationId: string;
  raw: Counts;
  minute: Counts;
  hourTier: Counts;
}

/** An hour of one workspace to rebuild, and the tiers that disagree in it. */
export interface BadHour {
  workspaceId: string;
  hour: number;
  tiers: Tier[];
}

export interface ReconcileResult {
  /** The compared window, hour-aligned [from, to). */
  from: number;
  to: number;
  /** Hours in the window. */
  hours: number;
  /** Hours (of any workspace) with raw reports. */
  hoursWithData: number;
  workspaces: number;
  /** Sum of `count` in the raw table over the window: the events the aggregates must add up to. */
  events: number;
  /** Raw rows (reports) over the window. */
  reports: number;
  differences: ReconcileDifference[];
  badHours: BadHour[];
}

/**
 * Validates and hour-aligns a reconcile window: from < to, from not older than
 * 14 days (older raw rows may already be gone to the 15-day TTL while their aggregates
 * stay, which would look like drift), to at most an hour ahead of now.
 */
export function reconcileWindow(from: number, to: number, now = Date.now()): { from: number; to: number } {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new AppError(ErrorCode.TIME_RANGE_INVALID, 'from and to must be ISO-8601 instants with a zone');
  if (from >= to) throw new AppError(ErrorCode.TIME_RANGE_INVALID, 'from must be before to');
  if (from < now - RECONCILE_MAX_AGE_MS) {
    throw new AppError(ErrorCode.TIME_RANGE_INVALID, `from is older than 14 days (${new Date(now - RECONCILE_MAX_AGE_MS).toISOString()}): the raw table keeps 15 days, so older hours cannot be reconciled`);
  }
  if (to > now + RECONCILE_MAX_AHEAD_MS) throw new AppError(ErrorCode.TIME_RANGE_INVALID, 'to is more than an hour ahead of now');
  return { from: Math.floor(from / HOUR_MS) * HOUR_MS, to: Math.ceil(to / HOUR_MS) * HOUR_MS };
}

interface DiffRow {
  workspace_id: string;
  hour: number;
  step: string;
  destination_id: string;
  raw_events: number;
  raw_reports: number;
  minute_events: number;
  minute_reports: number;
  hour_events: number;
  hour_reports: number;
}

/** The filter every branch shares: the window and, optionally, one workspace. */
function windowParams(scope: ReconcileScope): Record<string, unknown> {
  return {
    from_s: Math.floor(scope.from / 1000),
    to_s: Math.floor(scope.to / 1000),
    all_ws: scope.workspaceId == null,
    ws: scope.workspaceId ?? '',
  };
}
const WS = '({all_ws:Bool} OR workspace_id = {ws:String})';

/**
 * Compares, per workspace, hour, step and destination, sum(count) and count() of the raw
 * table with sum(events) and sum(reports) of each aggregate tier. Exact: every value is an
 * integer sum (SummingMergeTree rows not yet merged add up the same), no FINAL needed.
 */
export async function compareRawAndAggregates(db: Db, scope: ReconcileScope): Promise<ReconcileResult> {
  const t = (name: string) => `${db.database}.${name}`;
  const params = windowParams(scope);
  const sql = `
    SELECT workspace_id, hour, step, destination_id,
      sumIf(e, src = 0) AS raw_events, sumIf(r, src = 0) AS raw_reports,
      sumIf(e, src = 1) AS minute_events, sumIf(r, src = 1) AS minute_reports,
      sumIf(e, src = 2) AS hour_events, sumIf(r, src = 2) AS hour_reports
    FROM (
      SELECT 0 AS src, toString(workspace_id) AS workspace_id, toUnixTimestamp(toStartOfHour(time)) AS hour,
             toString(step) AS step, toString(destination_id) AS destination_id,
             toUInt64(sum(count)) AS e, toUInt64(count()) AS r
      FROM ${t('delivery_events')}
      WHERE time >= toDateTime({from_s:UInt32}, 'UTC') AND time < toDateTime({to_s:UInt32}, 'UTC') AND ${WS}
      GROUP BY workspace_id, hour, step, destination_id
      UNION ALL
      SELECT 1, toString(workspace_id), toUnixTimestamp(toStartOfHour(minute)) AS hour, toString(step), toString(destination_id),
             toUInt64(sum(events)), toUInt64(sum(reports))
      FROM ${t('events_minute')}
      WHERE minute >= toDateTime({from_s:UInt32}, 'UTC') AND minute < toDateTime({to_s:UInt32}, 'UTC') AND ${WS}
      GROUP BY workspace_id, hour, step, destination_id
      UNION ALL
      SELECT 2, toString(workspace_id), toUnixTimestamp(hour) AS hour_s, toString(step), toString(destination_id),
             toUInt64(sum(events)), toUInt64(sum(reports))
      FROM ${t('events_hour')}
      WHERE hour >= toDateTime({from_s:UInt32}, 'UTC') AND hour < toDateTime({to_s:UInt32}, 'UTC') AND ${WS}
      GROUP BY workspace_id, hour_s, step, destination_id
    )
    GROUP BY workspace_id, hour, step, destination_id
    HAVING raw_events != minute_events OR raw_events != hour_events OR raw_reports != minute_reports OR raw_reports != hour_reports
    ORDER BY workspace_id, hour, step, destination_id`;
  const [rows, totals] = await Promise.all([
    db.query<DiffRow>({ family: 'reconcile', sql, params, settings: { max_execution_time: 0 } }),
    db.query<{ hours: number; workspaces: number; events: number; reports: number }>({
      family: 'reconcile',
      sql: `SELECT uniqExact(toStartOfHour(time)) AS hours, uniqExact(workspace_id) AS workspaces, toUInt64(sum(count)) AS events, count() AS reports
            FROM ${t('delivery_events')}
            WHERE time >= toDateTime({from_s:UInt32}, 'UTC') AND time < toDateTime({to_s:UInt32}, 'UTC') AND ${WS}`,
      params,
      settings: { max_execution_time: 0 },
    }),
  ]);
  const differences: ReconcileDifference[] = rows.map((r) => ({
    workspaceId: r.workspace_id,
    hour: Number(r.hour) * 1000,
    step: r.step,
    destinationId: r.destination_id,
    raw: { events: Number(r.raw_events), reports: Number(r.raw_reports) },
    minute: { events: Number(r.minute_events), reports: Number(r.minute_reports) },
    hourTier: { events: Number(r.hour_events), reports: Number(r.hour_reports) },
  }));
  const total = totals[0] ?? { hours: 0, workspaces: 0, events: 0, reports: 0 };
  return {
    from: scope.from,
    to: scope.to,
    hours: Math.round((scope.to - scope.from) / HOUR_MS),
    hoursWithData: Number(total.hours),
    workspaces: Number(total.workspaces),
    events: Number(total.events),
    reports: Number(total.reports),
    differences,
    badHours: badHoursOf(differences),
  };
}

/** Groups differences into (workspace, hour) pairs with the tiers that disagree. */
export function badHoursOf(differences: readonly ReconcileDifference[]): BadHour[] {
  const byKey = new Map<string, BadHour>();
  for (const d of differences) {
    const key = `${d.workspaceId}\u0000${d.hour}`;
    let bad = byKey.get(key);
    if (!bad) {
      bad = { workspaceId: d.workspaceId, hour: d.hour, tiers: [] };
      byKey.set(key, bad);
    }
    const minuteOff = d.minute.events !== d.raw.events || d.minute.reports !== d.raw.reports;
    const hourOff = d.hourTier.events !== d.raw.events || d.hourTier.reports !== d.raw.reports;
    if (minuteOff && !bad.tiers.includes('minute')) bad.tiers.push('minute');
    if (hourOff && !bad.tiers.includes('hour')) bad.tiers.push('hour');
  }
  return [...byKey.values()].sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : a.workspaceId > b.workspaceId ? 1 : a.hour - b.hour));
}

/**
 * The aggregate rows, as the materialized views (migrations 0003 and 0005) compute them
 * from raw rows: keep these column lists and expressions identical to the views.
 */
const DIMENSIONS = 'workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched';
const TIERS: Record<Tier, { table: string; column: string; bucket: string }> = {
  minute: { table: 'events_minute', column: 'minute', bucket: 'toStartOfMinute(time)' },
  hour: { table: 'events_hour', column: 'hour', bucket: 'toStartOfHour(time)' },
};

export interface RepairReport {
  /** (workspace, hour) pairs rebuilt, per tier. */
  rebuilt: Record<Tier, number>;
  /** Aggregate rows written back, per tier. */
  rowsWritten: Record<Tier, number>;
  ms: number;
}

/**
 * Rebuilds the aggregate rows of the given hours from the raw table, tier by tier.
 *
 * Why delete-and-rebuild and not compensating rows: the aggregates are SummingMergeTree
 * with UInt64 `events`/`reports`. A compensating row (raw − aggregate per full key) must be
 * negative wherever a tier over-counts; as UInt64 it would be stored as 2^64 − d. Sums
 * would still wrap to the right value, but only as long as every reader sums in UInt64:
 * a row-level filter, a cast to Int64/Float64 before summing, or a reader that sees one
 * part alone would read a number near 1.8e19. So repair is exact by construction instead:
 *
 *   1. `ALTER TABLE <tier> DELETE WHERE workspace_id = W AND <bucket in the bad hours>`
 *      with `mutations_sync = 2`: the statement returns only once every part holding
 *      those rows has been rewritten without them (a heavy mutation, not a lightweight
 *      delete, so no masked rows linger for SummingMergeTree merges to trip over);
 *   2. `INSERT INTO <tier> SELECT … FROM delivery_events WHERE workspace_id = W AND
 *      <time in the bad hours> GROUP BY …`, the views' own SELECT, with
 *      `insert_deduplicate = 0`: the tiers keep a block-hash deduplication window, and a
 *      rebuild of an hour that was rebuilt before would otherwise produce an identical
 *      block and be silently dropped as a "duplicate".
 *
 * After the two steps the tier holds, for those hours, exactly the views' output over the
 * raw rows: no double counting whatever the damage was (extra rows, missing rows, rows
 * counted twice). Other hours are not touched.
 *
 * Precondition: no inserts into those hours while repairing. A report for a bad hour
 * arriving between step 1 and the snapshot of step 2 would be counted by its view and again
 * by the rebuild. With the embedded engine this holds by construction (reconcile holds the
 * data directory, so no gateway runs); against a ClickHouse server, pause producers that
 * may send reports for those hours, or run reconcile again afterwards (it re-checks).
 *
 * A batch whose raw rows were committed and whose view insert was lost should be retried
 * by its producer (same Idempotency-Key) before a repair, not after: after the rebuild,
 * the retry would be deduplicated in the raw table but counted again by the tier that
 * missed it (deduplicate_blocks_in_dependent_materialized_views checks each tier's own
 * window).
 */
export async function repairAggregates(db: Db, badHours: readonly BadHour[]): Promise<RepairReport> {
  const started = performance.now();
  const report: RepairReport = { rebuilt: { minute: 0, hour: 0 }, rowsWritten: { minute: 0, hour: 0 }, ms: 0 };
  for (const tier of ['minute', 'hour'] as const) {
    const byWorkspace = new Map<string, number[]>();
    for (const b of badHours) {
      if (!b.tiers.includes(tier)) continue;
      const hours = byWorkspace.get(b.workspaceId) ?? [];
      hours.push(b.hour);
      byWorkspace.set(b.workspaceId, hours);
    }
    const { table, column, bucket } = TIERS[tier];
    const target = `${db.database}.${table}`;
    for (const [workspaceId, hours] of byWorkspace) {
      const hourSeconds = [...new Set(hours)].sort((a, b) => a - b).map((h) => Math.floor(h / 1000));
      const params = {
        ws: workspaceId,
        hours: hourSeconds,
        lo: hourSeconds[0],
        hi: hourSeconds[hourSeconds.length - 1] + 3600,
      };
      await db.command({
        family: 'reconcile-repair',
        sql: `ALTER TABLE ${target} DELETE
              WHERE workspace_id = {ws:String}
                AND ${column} >= toDateTime({lo:UInt32}, 'UTC') AND ${column} < toDateTime({hi:UInt32}, 'UTC')
                AND has({hours:Array(UInt32)}, toUnixTimestamp(toStartOfHour(${column})))`,
        params,
        settings: { mutations_sync: '2' },
      });
      await db.command({
        family: 'reconcile-repair',
        sql: `INSERT INTO ${target} (${column}, ${DIMENSIONS}, events, reports)
              SELECT ${bucket} AS ${column}, ${DIMENSIONS}, sum(count) AS events, count() AS reports
              FROM ${db.database}.delivery_events
              WHERE workspace_id = {ws:String}
                AND time >= toDateTime({lo:UInt32}, 'UTC') AND time < toDateTime({hi:UInt32}, 'UTC')
                AND has({hours:Array(UInt32)}, toUnixTimestamp(toStartOfHour(time)))
              GROUP BY ${column}, ${DIMENSIONS}`,
        params,
        settings: { insert_deduplicate: 0, async_insert: 0 },
      });
      const written = await db.query<{ n: number }>({
        family: 'reconcile-repair',
        sql: `SELECT count() AS n FROM (
                SELECT 1 FROM ${db.database}.delivery_events
                WHERE workspace_id = {ws:String}
                  AND time >= toDateTime({lo:UInt32}, 'UTC') AND time < toDateTime({hi:UInt32}, 'UTC')
                  AND has({hours:Array(UInt32)}, toUnixTimestamp(toStartOfHour(time)))
                GROUP BY ${bucket}, ${DIMENSIONS})`,
        params,
      });
      report.rebuilt[tier] += hourSeconds.length;
      report.rowsWritten[tier] += Number(written[0]?.n ?? 0);
    }
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** The three tables reconcile reads exist (the database was migrated). */
export async function reconcileTablesExist(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>({
    family: 'reconcile',
    sql: `SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name IN ('delivery_events', 'events_minute', 'events_hour')`,
    params: { db: db.database },
  });
  return Number(rows[0]?.n ?? 0) === 3;
}
