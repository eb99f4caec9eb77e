import { CONNECTION_ENTRY_STEPS, type ReportStep } from '../domain/steps';
import { ALL_TIME, periodCoverage } from './shared-reads';
import type { Slice } from './slice';
import type { ResolvedRange } from '../domain/time-range';
import { filterParams, TIERED, type PeriodSource } from './tiered';
import type { WorkspaceDb } from './workspace-db';
import { compoundKey } from '../domain/compound-key';

/** Count of one step now and in the previous period. */
export interface StepCount {
  now: number;
  before: number;
}
export type StepCounts = Partial<Record<ReportStep, StepCount>>;

/** The report steps the pipeline view counts from the aggregates. */
export const COUNTED_STEPS: readonly ReportStep[] = [
  'received',
  'failed_ingest',
  'filtered_source',
  ...CONNECTION_ENTRY_STEPS,
  'filtered_destination',
  'failed_delivery',
  'delivered',
];

export interface DestinationScope {
  destinationId: string;
  /** The sources connected to it: their source-side steps count for it. */
  sourceIds: readonly string[];
  /**
   * Its destination-side rows of this source only (as `StepScope.sourceId`; the per-source
   * view). Scopes read together are all narrowed or none is. A narrowed scope with
   * destinationId '' reads its sources' source-side steps only.
   */
  sourceId?: string | null;
}

interface Row {
  key: string;
  source_side: number;
  /** The source of a destination-side row when scopes are narrowed to one source; else ''. */
  narrow: string;
  step: ReportStep;
  now: number;
  before: number;
  /** 1 on a destination's retry-gauge row (its `now` is the gauge; `step` is empty), 0 on step counts. */
  gauge: number;
}

/**
 * Step counts for many destinations in one query: destination-side steps by
 * destination (narrowed to one mapping when given), source-side steps by source,
 * then summed over each destination's connected sources. `source`: where the rows come
 * from (the aggregate tiers unless told otherwise).
 */
export async function pipelineCounts(
  wdb: WorkspaceDb,
  slice: Slice,
  destinations: readonly DestinationScope[],
  source: PeriodSource = TIERED,
): Promise<StepCounts[]> {
  return (await readPipeline(wdb, slice, destinations, source, false)).map((r) => r.counts);
}

/** A destination's step counts and its retry-pending gauge, read together. */
export interface PipelineRead {
  counts: StepCounts;
  pending: number;
}

/**
 * pipelineCounts and the retry-pending gauge of the same destinations (and mapping) in one
 * statement: what a pipeline view needs, in one round trip instead of two.
 */
export async function pipelineWithGauge(wdb: WorkspaceDb, slice: Slice, destinations: readonly DestinationScope[]): Promise<PipelineRead[]> {
  return readPipeline(wdb, slice, destinations, TIERED, true);
}

/** The gauge as rows of the same shape as the counts, marked `gauge`: now = pending. */
const GAUGE_SQL = `
     UNION ALL
     SELECT destination_id AS key, 0 AS source_side, '' AS narrow, '' AS step, toInt64(sum(pending)) AS now, toInt64(0) AS before, toUInt8(1) AS gauge
     FROM {{retry_table}}
     WHERE workspace_id = {workspace:String} AND destination_id IN {dests:Array(String)}
       AND ({any_mapping:Bool} OR mapping_id = {mapping:String})
     GROUP BY destination_id`;

async function readPipeline(
  wdb: WorkspaceDb,
  { range, filter, mappingId }: Slice,
  destinations: readonly DestinationScope[],
  source: PeriodSource,
  gauge: boolean,
): Promise<PipelineRead[]> {
  const sources = [...new Set(destinations.flatMap((d) => d.sourceIds))];
  const narrowed = destinations.filter((d) => d.sourceId != null);
  if (narrowed.length !== 0 && narrowed.length !== destinations.length)
    throw new Error('pipeline scopes read together are all narrowed to a source or none is');
  const rows = await wdb.query<Row>(
    `${source.family}pipeline`,
    `SELECT if(destination_id = '', source_id, destination_id) AS key, toUInt8(destination_id = '') AS source_side,
            if({by_source:Bool}, source_id, '') AS narrow, toString(step) AS step,
            toInt64(sumIf(events, t >= toDateTime({cur_from:UInt32}, 'UTC'))) AS now,
            toInt64(sumIf(events, t < toDateTime({cur_from:UInt32}, 'UTC'))) AS before, toUInt8(0) AS gauge
     FROM ${source.from(
       wdb,
       ['step', 'destination_id', 'source_id', 'mapping_id'],
       `
       AND step IN {steps:Array(String)}
       AND ((destination_id IN {dests:Array(String)} AND ({any_mapping:Bool} OR mapping_id = {mapping:String} OR step IN {unnarrowed:Array(String)})
             AND (NOT {by_source:Bool} OR source_id IN {scope_sources:Array(String)}))
            OR (destination_id = '' AND source_id IN {sources:Array(String)}))`,
       filter,
     )}
     GROUP BY key, source_side, narrow, step${gauge ? GAUGE_SQL.replace('{{retry_table}}', wdb.table('retry_pending')) : ''}`,
    {
      ...source.params(range),
      ...filterParams(filter),
      steps: COUNTED_STEPS,
      // A sync run's extraction happens before any mapping: a selected mapping never narrows it.
      unnarrowed: CONNECTION_ENTRY_STEPS,
      dests: destinations.map((d) => d.destinationId).filter((id) => id !== ''),
      sources,
      by_source: narrowed.length > 0,
      scope_sources: [...new Set(narrowed.map((d) => d.sourceId!))],
      any_mapping: mappingId === null,
      mapping: mappingId ?? '',
    },
    undefined,
    // The gauge sums every entry and exit ever reported.
    gauge ? ALL_TIME : periodCoverage(range),
  );
  return sumPerDestination(rows, destinations);
}

/** Destination-side rows as they are (of the scope's source when narrowed), source-side rows summed over each destination's sources. */
function sumPerDestination(rows: readonly Row[], destinations: readonly DestinationScope[]): PipelineRead[] {
  const bySource = new Map<string, StepCounts>();
  const byDestination = new Map<string, StepCounts>();
  const pending = new Map<string, number>();
  for (const r of rows) {
    if (Number(r.gauge)) {
      pending.set(r.key, Number(r.now));
      continue;
    }
    const [target, key] = Number(r.source_side) ? [bySource, r.key] : [byDestination, compoundKey(r.key, r.narrow)];
    const counts = target.get(key) ?? {};
    counts[r.step] = { now: Number(r.now), before: Number(r.before) };
    target.set(key, counts);
  }
  return destinations.map((d) => {
    const counts: StepCounts = { ...(byDestination.get(compoundKey(d.destinationId, d.sourceId ?? '')) ?? {}) };
    for (const sourceId of d.sourceIds) {
      for (const [step, c] of Object.entries(bySource.get(sourceId) ?? {}) as [ReportStep, StepCount][]) {
        const acc = counts[step] ?? { now: 0, before: 0 };
        counts[step] = { now: acc.now + c.now, before: acc.before + c.before };
      }
    }
    return { counts, pending: pending.get(d.destinationId) ?? 0 };
  });
}

export interface RetryKey {
  destinationId: string;
  mappingId: string | null;
}

/** The live retry-pending gauge for each key (a destination, or one of its mappings). */
export async function retryPending(wdb: WorkspaceDb, keys: readonly RetryKey[]): Promise<number[]> {
  const rows = await wdb.query<{ destination_id: string; mapping_id: string; pending: number }>(
    'retry_pending',
    `SELECT destination_id, mapping_id, sum(pending) AS pending FROM ${wdb.table('retry_pending')}
     WHERE workspace_id = {workspace:String} AND destination_id IN {dests:Array(String)}
     GROUP BY destination_id, mapping_id`,
    { dests: [...new Set(keys.map((k) => k.destinationId))] },
    undefined,
    ALL_TIME,
  );
  return keys.map((k) =>
    rows
      .filter((r) => r.destination_id === k.destinationId && (k.mappingId === null || r.mapping_id === k.mappingId))
      .reduce((sum, r) => sum + Number(r.pending), 0),
  );
}

export interface SyncCounts {
  failed: StepCount;
  succeeded: StepCount;
  /** Rows the syncs loaded (every collection's rows synced, whatever the sync's status): what reached the warehouse. */
  rowsSynced: StepCount;
}

/**
 * Warehouse syncs started in the range and the period before: "failed to sync" are
 * syncs that did not fully succeed (status failed or partial, or any collection with
 * failed rows); "successfully synced" are successful and partial syncs; rows synced are
 * summed over every sync started in the period.
 */
export async function syncCounts(wdb: WorkspaceDb, range: ResolvedRange, destinationIds: readonly string[]): Promise<SyncCounts[]> {
  const rows = await wdb.query<{
    destination_id: string;
    failed_now: number;
    failed_before: number;
    ok_now: number;
    ok_before: number;
    rows_now: number;
    rows_before: number;
  }>(
    'sync_counts',
    `SELECT destination_id,
            countIf(cur AND failed) AS failed_now, countIf(NOT cur AND failed) AS failed_before,
            countIf(cur AND ok) AS ok_now, countIf(NOT cur AND ok) AS ok_before,
            toInt64(sumIf(rows, cur)) AS rows_now, toInt64(sumIf(rows, NOT cur)) AS rows_before
     FROM (
       SELECT destination_id, started_at >= fromUnixTimestamp64Milli({from:Int64}) AS cur,
              status != 'success' OR arrayExists(x -> x > 0, collections.rows_failed) AS failed,
              status IN ('success', 'partial') AS ok, arraySum(collections.rows_synced) AS rows
       FROM ${wdb.table('warehouse_syncs')} FINAL
       WHERE workspace_id = {workspace:String} AND destination_id IN {dests:Array(String)}
         AND started_at >= fromUnixTimestamp64Milli({prev_from:Int64}) AND started_at < fromUnixTimestamp64Milli({to:Int64})
     )
     GROUP BY destination_id`,
    { dests: destinationIds, from: range.from, prev_from: range.previousFrom, to: range.to },
    undefined,
    periodCoverage(range),
  );
  const byId = new Map(rows.map((r) => [r.destination_id, r]));
  return destinationIds.map((id) => {
    const r = byId.get(id);
    return {
      failed: { now: Number(r?.failed_now ?? 0), before: Number(r?.failed_before ?? 0) },
      succeeded: { now: Number(r?.ok_now ?? 0), before: Number(r?.ok_before ?? 0) },
      rowsSynced: { now: Number(r?.rows_now ?? 0), before: Number(r?.rows_before ?? 0) },
    };
  });
}
