import type { Db } from '../clickhouse/client';
import { AppError, ErrorCode } from '../domain/errors';
import { compoundKey } from '../domain/compound-key';

/**
 * Reconciliation of the raw table with its aggregate tiers.
 *
 * `delivery_events` is the source of truth; `events_minute`, `events_hour` (and the narrow
 * `steps_minute`, `steps_hour`) are fed from it by materialized views, one insert at a time.
 * They can drift apart only through a fault: an insert whose raw part was committed but
 * whose view part was not, or the reverse (a crash between the two), a retry counted twice
 * by one tier, or a hand-made change. `compareRawAndAggregates` finds such drift per
 * workspace, hour, step and destination; `repairAggregates` rebuilds the aggregate rows of
 * the affected hours from the raw table.
 */

const HOUR_MS = 3_600_000;
/** The raw table keeps 15 days (TTL); ranges may reach 14 days back so every raw row still exists. */
export const RECONCILE_MAX_AGE_MS = 14 * 86_400_000;
/** How far past now a range may end (producers' clocks may run ahead; nothing later can exist). */
export const RECONCILE_MAX_AHEAD_MS = HOUR_MS;

/**
 * The aggregate tiers fed from delivery_events by materialized views, with what their views
 * compute: keep `bucket` and `dims` identical to the views' SELECTs (migrations 0003, 0005,
 * 0021, 0024). Reconcile uses the tiers whose tables exist in the database.
 */
export const TIERS = [
  {
    table: 'events_minute',
    column: 'minute',
    bucket: 'toStartOfMinute(time)',
    dims: 'workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched',
  },
  {
    table: 'events_hour',
    column: 'hour',
    bucket: 'toStartOfHour(time)',
    dims: 'workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched',
  },
  { table: 'steps_minute', column: 'minute', bucket: 'toStartOfMinute(time)', dims: 'workspace_id, step, destination_id, source_id, mapping_id, reason' },
  { table: 'steps_hour', column: 'hour', bucket: 'toStartOfHour(time)', dims: 'workspace_id, step, destination_id, source_id, mapping_id, reason' },
] as const;
export type TierTable = (typeof TIERS)[number]['table'];

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

/** One workspace, hour, step and destination where some tier disagrees with the raw table. */
export interface ReconcileDifference {
  workspaceId: string;
  /** Start of the hour, ms (UTC). */
  hour: number;
  step: string;
  /** Empty on source-side steps. */
  destinationId: string;
  raw: Counts;
  /** Every compared tier's sums (agreeing ones too). */
  tiers: Partial<Record<TierTable, Counts>>;
}

/** An hour of one workspace to rebuild, and the tiers that disagree in it. */
export interface BadHour {
  workspaceId: string;
  hour: number;
  tiers: TierTable[];
}

export interface ReconcileResult {
  /** The compared window, hour-aligned [from, to). */
  from: number;
  to: number;
  /** The tiers compared (those whose tables exist). */
  tiers: TierTable[];
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
    throw new AppError(
      ErrorCode.TIME_RANGE_INVALID,
      `from is older than 14 days (${new Date(now - RECONCILE_MAX_AGE_MS).toISOString()}): the raw table keeps 15 days, so older hours cannot be reconciled`,
    );
  }
  if (to > now + RECONCILE_MAX_AHEAD_MS) throw new AppError(ErrorCode.TIME_RANGE_INVALID, 'to is more than an hour ahead of now');
  return { from: Math.floor(from / HOUR_MS) * HOUR_MS, to: Math.ceil(to / HOUR_MS) * HOUR_MS };
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

/** The aggregate tiers whose tables exist in the Db's database, in TIERS order. */
export async function availableTiers(db: Db): Promise<TierTable[]> {
  const rows = await db.query<{ name: string }>({
    family: 'reconcile',
    sql: 'SELECT name FROM system.tables WHERE database = {db:String}',
    params: { db: db.database },
  });
  const names = new Set(rows.map((r) => r.name));
  if (!names.has('delivery_events')) return [];
  return TIERS.filter((t) => names.has(t.table)).map((t) => t.table);
}

/**
 * Compares, per workspace, hour, step and destination, sum(count) and count() of the raw
 * table with sum(events) and sum(reports) of each aggregate tier. Exact: every value is an
 * integer sum (SummingMergeTree rows not yet merged add up the same), no FINAL needed.
 */
export async function compareRawAndAggregates(db: Db, scope: ReconcileScope, tiers?: readonly TierTable[]): Promise<ReconcileResult> {
  const compared = tiers ?? (await availableTiers(db));
  const t = (name: string) => `${db.database}.${name}`;
  const params = windowParams(scope);
  const branches = compared.map((table, i) => {
    const tier = TIERS.find((x) => x.table === table)!;
    return `
      SELECT ${i + 1} AS src, toString(workspace_id) AS workspace_id, toUnixTimestamp(toStartOfHour(${tier.column})) AS hour_s,
             toString(step) AS step, toString(destination_id) AS destination_id,
             toUInt64(sum(events)) AS e, toUInt64(sum(reports)) AS r
      FROM ${t(table)}
      WHERE ${tier.column} >= toDateTime({from_s:UInt32}, 'UTC') AND ${tier.column} < toDateTime({to_s:UInt32}, 'UTC') AND ${WS}
      GROUP BY workspace_id, hour_s, step, destination_id`;
  });
  const sums = compared.map((table, i) => `sumIf(e, src = ${i + 1}) AS ${table}_events, sumIf(r, src = ${i + 1}) AS ${table}_reports`);
  const having = compared.map((table) => `${table}_events != raw_events OR ${table}_reports != raw_reports`);
  const sql = `
    SELECT workspace_id, hour_s AS hour, step, destination_id,
      sumIf(e, src = 0) AS raw_events, sumIf(r, src = 0) AS raw_reports${sums.length ? `,\n      ${sums.join(',\n      ')}` : ''}
    FROM (
      SELECT 0 AS src, toString(workspace_id) AS workspace_id, toUnixTimestamp(toStartOfHour(time)) AS hour_s,
             toString(step) AS step, toString(destination_id) AS destination_id,
             toUInt64(sum(count)) AS e, toUInt64(count()) AS r
      FROM ${t('delivery_events')}
      WHERE time >= toDateTime({from_s:UInt32}, 'UTC') AND time < toDateTime({to_s:UInt32}, 'UTC') AND ${WS}
      GROUP BY workspace_id, hour_s, step, destination_id
      ${branches.map((b) => `UNION ALL${b}`).join('\n')}
    )
    GROUP BY workspace_id, hour_s, step, destination_id
    HAVING ${having.length ? having.join(' OR ') : '0'}
    ORDER BY workspace_id, hour_s, step, destination_id`;
  const [rows, totals] = await Promise.all([
    db.query<Record<string, string | number>>({ family: 'reconcile', sql, params, settings: { max_execution_time: 0 } }),
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
    workspaceId: String(r.workspace_id),
    hour: Number(r.hour) * 1000,
    step: String(r.step),
    destinationId: String(r.destination_id),
    raw: { events: Number(r.raw_events), reports: Number(r.raw_reports) },
    tiers: Object.fromEntries(compared.map((table) => [table, { events: Number(r[`${table}_events`]), reports: Number(r[`${table}_reports`]) }])),
  }));
  const total = totals[0] ?? { hours: 0, workspaces: 0, events: 0, reports: 0 };
  return {
    from: scope.from,
    to: scope.to,
    tiers: [...compared],
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
    const key = compoundKey(d.workspaceId, d.hour);
    let bad = byKey.get(key);
    if (!bad) {
      bad = { workspaceId: d.workspaceId, hour: d.hour, tiers: [] };
      byKey.set(key, bad);
    }
    for (const [table, c] of Object.entries(d.tiers) as [TierTable, Counts][]) {
      if ((c.events !== d.raw.events || c.reports !== d.raw.reports) && !bad.tiers.includes(table)) bad.tiers.push(table);
    }
  }
  for (const bad of byKey.values()) bad.tiers.sort((a, b) => TIERS.findIndex((t) => t.table === a) - TIERS.findIndex((t) => t.table === b));
  return [...byKey.values()].sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : a.workspaceId > b.workspaceId ? 1 : a.hour - b.hour));
}

/** Rows where every tier agrees with the others and all exceed raw: the raw table is the likelier one to be short. */
export function rawLikelyShort(differences: readonly ReconcileDifference[]): number {
  return differences.filter((d) => {
    const counts = Object.values(d.tiers) as Counts[];
    if (counts.length === 0) return false;
    const first = counts[0];
    return counts.every((c) => c.events === first.events && c.reports === first.reports) && (first.events > d.raw.events || first.reports > d.raw.reports);
  }).length;
}
