import type { ClickHouseSettings } from '@clickhouse/client';
import type { Db } from '../clickhouse/client';
import { TIERS, type BadHour, type TierTable } from './reconcile';

/** The repair half of reconciliation (see reconcile.ts): the aggregate rows of bad hours rebuilt from the raw table. */

export interface RepairReport {
  /** (workspace, hour) pairs rebuilt, per tier. */
  rebuilt: Partial<Record<TierTable, number>>;
  /** Aggregate rows written back, per tier. */
  rowsWritten: Partial<Record<TierTable, number>>;
  ms: number;
}

/**
 * Settings that turn block deduplication off for one INSERT … SELECT on this engine.
 * `insert_deduplicate = 0` alone is not enough on recent engines: measured on 26.7, an
 * INSERT … VALUES with insert_deduplicate = 0 is still deduplicated, because
 * `deduplicate_insert` and `deduplicate_insert_select` (default: deduplicate when the SELECT
 * result is deemed stable) override it. Older servers do not know those two names and
 * would refuse them, so they are set only where they exist.
 */
async function noDeduplicationSettings(db: Db): Promise<ClickHouseSettings> {
  const rows = await db.query<{ name: string }>({
    family: 'reconcile-repair',
    sql: "SELECT name FROM system.settings WHERE name IN ('deduplicate_insert', 'deduplicate_insert_select')",
  });
  const known = new Set(rows.map((r) => r.name));
  const settings: Record<string, unknown> = { insert_deduplicate: 0, async_insert: 0 };
  if (known.has('deduplicate_insert')) settings.deduplicate_insert = 'disable';
  if (known.has('deduplicate_insert_select')) settings.deduplicate_insert_select = 'disable';
  return settings as ClickHouseSettings;
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
 *      <time in the bad hours> GROUP BY …`, the view's own SELECT (TIERS), with block
 *      deduplication off (noDeduplicationSettings): the tiers keep a block-hash
 *      deduplication window, and a rebuild of an hour that was rebuilt before would
 *      otherwise produce an identical block and be silently dropped as a "duplicate".
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
  const report: RepairReport = { rebuilt: {}, rowsWritten: {}, ms: 0 };
  const noDedup = await noDeduplicationSettings(db);
  for (const tier of TIERS) {
    const byWorkspace = new Map<string, number[]>();
    for (const b of badHours) {
      if (!b.tiers.includes(tier.table)) continue;
      const hours = byWorkspace.get(b.workspaceId) ?? [];
      hours.push(b.hour);
      byWorkspace.set(b.workspaceId, hours);
    }
    const { table, column, bucket, dims } = tier;
    const target = `${db.database}.${table}`;
    for (const [workspaceId, hours] of byWorkspace) {
      const hourSeconds = [...new Set(hours)].sort((a, b) => a - b).map((h) => Math.floor(h / 1000));
      const params = {
        ws: workspaceId,
        hours: hourSeconds,
        lo: hourSeconds[0],
        hi: hourSeconds[hourSeconds.length - 1] + 3600,
      };
      const rawFilter = `workspace_id = {ws:String}
                AND time >= toDateTime({lo:UInt32}, 'UTC') AND time < toDateTime({hi:UInt32}, 'UTC')
                AND has({hours:Array(UInt32)}, toUnixTimestamp(toStartOfHour(time)))`;
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
        sql: `INSERT INTO ${target} (${column}, ${dims}, events, reports)
              SELECT ${bucket} AS ${column}, ${dims}, sum(count) AS events, count() AS reports
              FROM ${db.database}.delivery_events
              WHERE ${rawFilter}
              GROUP BY ${column}, ${dims}`,
        params,
        settings: noDedup,
      });
      const written = await db.query<{ n: number }>({
        family: 'reconcile-repair',
        sql: `SELECT count() AS n FROM (SELECT 1 FROM ${db.database}.delivery_events WHERE ${rawFilter} GROUP BY ${bucket}, ${dims})`,
        params,
      });
      report.rebuilt[table] = (report.rebuilt[table] ?? 0) + hourSeconds.length;
      report.rowsWritten[table] = (report.rowsWritten[table] ?? 0) + Number(written[0]?.n ?? 0);
    }
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}
