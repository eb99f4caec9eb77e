import type { Db } from '../clickhouse/client';
import { noDeduplicationSettings, type ReconcileScope } from './reconcile';

/**
 * Reconciliation of the day tier (`steps_day`, migration 0045) with `steps_hour`.
 *
 * `steps_day` is fed from the raw table by its own view, like the hour tiers, but a day row
 * cannot be compared with the raw table hour by hour, and the raw table may no longer hold
 * the whole of a day 14 days back. So the day tier is checked against `steps_hour`, which
 * reconcile checks (and repairs) against the raw table: once the hours are right, a day is
 * right when it equals the sum of its 24 hours, per workspace, step and destination. Its
 * repair rebuilds the rows of the differing days from `steps_hour` (delete, then insert, as
 * repairAggregates does for hours), so run it after the hours are repaired.
 */

const DAY_MS = 86_400_000;

export interface DayDifference {
  workspaceId: string;
  /** Start of the UTC day, ms. */
  day: number;
  step: string;
  destinationId: string;
  hours: { events: number; reports: number };
  days: { events: number; reports: number };
}

/** The UTC days that overlap the window, as [from, to) in seconds. */
function dayWindow(scope: ReconcileScope): Record<string, unknown> {
  return {
    from_s: Math.floor(scope.from / DAY_MS) * (DAY_MS / 1000),
    to_s: Math.ceil(scope.to / DAY_MS) * (DAY_MS / 1000),
    all_ws: scope.workspaceId == null,
    ws: scope.workspaceId ?? '',
  };
}

/** Days (of any workspace, or one) whose steps_day rows differ from the sum of their steps_hour rows. */
export async function compareDaysWithHours(db: Db, scope: ReconcileScope): Promise<DayDifference[]> {
  const branch = (src: number, table: string, bucket: string, column: string) => `
      SELECT ${src} AS src, toString(workspace_id) AS workspace_id, toUnixTimestamp(${bucket}) AS day_s, toString(step) AS step,
             toString(destination_id) AS destination_id, toUInt64(sum(events)) AS e, toUInt64(sum(reports)) AS r
      FROM ${db.database}.${table}
      WHERE ${column} >= toDateTime({from_s:UInt32}, 'UTC') AND ${column} < toDateTime({to_s:UInt32}, 'UTC')
        AND ({all_ws:Bool} OR workspace_id = {ws:String})
      GROUP BY workspace_id, day_s, step, destination_id`;
  const rows = await db.query<Record<string, string | number>>({
    family: 'reconcile',
    sql: `SELECT workspace_id, day_s, step, destination_id,
                 sumIf(e, src = 0) AS hour_events, sumIf(r, src = 0) AS hour_reports, sumIf(e, src = 1) AS day_events, sumIf(r, src = 1) AS day_reports
          FROM (${branch(0, 'steps_hour', "toStartOfDay(hour, 'UTC')", 'hour')} UNION ALL ${branch(1, 'steps_day', 'day', 'day')})
          GROUP BY workspace_id, day_s, step, destination_id
          HAVING hour_events != day_events OR hour_reports != day_reports
          ORDER BY workspace_id, day_s, step, destination_id`,
    params: dayWindow(scope),
    settings: { max_execution_time: 0 },
  });
  return rows.map((r) => ({
    workspaceId: String(r.workspace_id),
    day: Number(r.day_s) * 1000,
    step: String(r.step),
    destinationId: String(r.destination_id),
    hours: { events: Number(r.hour_events), reports: Number(r.hour_reports) },
    days: { events: Number(r.day_events), reports: Number(r.day_reports) },
  }));
}

const DIMS = 'workspace_id, step, destination_id, source_id, mapping_id, reason';

/** Rebuilds the steps_day rows of the differing days from steps_hour; returns the (workspace, day) pairs rebuilt. */
export async function repairDaysFromHours(db: Db, differences: readonly DayDifference[]): Promise<number> {
  const byWorkspace = new Map<string, Set<number>>();
  for (const d of differences) byWorkspace.set(d.workspaceId, (byWorkspace.get(d.workspaceId) ?? new Set()).add(d.day / 1000));
  const noDedup = await noDeduplicationSettings(db);
  let rebuilt = 0;
  for (const [workspaceId, set] of byWorkspace) {
    const days = [...set].sort((a, b) => a - b);
    const params = { ws: workspaceId, days, lo: days[0], hi: days[days.length - 1] + DAY_MS / 1000 };
    await db.command({
      family: 'reconcile-repair',
      sql: `ALTER TABLE ${db.database}.steps_day DELETE WHERE workspace_id = {ws:String} AND has({days:Array(UInt32)}, toUnixTimestamp(day))`,
      params,
      settings: { mutations_sync: '2' },
    });
    await db.command({
      family: 'reconcile-repair',
      sql: `INSERT INTO ${db.database}.steps_day (day, ${DIMS}, events, reports)
            SELECT toStartOfDay(hour, 'UTC') AS day, ${DIMS}, sum(events) AS events, sum(reports) AS reports
            FROM ${db.database}.steps_hour
            WHERE workspace_id = {ws:String} AND hour >= toDateTime({lo:UInt32}, 'UTC') AND hour < toDateTime({hi:UInt32}, 'UTC')
              AND has({days:Array(UInt32)}, toUnixTimestamp(toStartOfDay(hour, 'UTC')))
            GROUP BY day, ${DIMS}`,
      params,
      settings: noDedup,
    });
    rebuilt += days.length;
  }
  return rebuilt;
}
