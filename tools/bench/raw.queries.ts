/**
 * The gateway's pipeline, breakdown and discard answers recomputed from the raw
 * table (delivery_events) instead of the minute/hour aggregates: the baseline the
 * aggregates must beat. Same scoping SQL, same filters, same parameters, same
 * ordering; only the source and the time predicate differ (raw rows carry the
 * instant itself, so the half-open range [previousFrom, to) is exact without tiers).
 */
import type { ResolvedRange } from '../../src/domain/time-range';
import { COUNTED_STEPS, type DestinationScope, type StepCounts } from '../../src/metrics/pipeline.query';
import type { BreakdownCount, ReasonCount } from '../../src/metrics/breakdown.query';
import { STEP_SCOPE_SQL, stepScopeParams, type StepScope } from '../../src/metrics/step-scope';
import { FILTER_SQL, filterParams, type EventFilterValue } from '../../src/metrics/tiered';
import type { WorkspaceDb } from '../../src/metrics/workspace-db';
import type { ReportStep } from '../../src/domain/steps';

const RANGE_SQL = `time >= fromUnixTimestamp64Milli({prev_from:Int64}, 'UTC') AND time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
const NOW = `time >= fromUnixTimestamp64Milli({cur_from:Int64}, 'UTC')`;

function rangeParams(range: ResolvedRange): Record<string, unknown> {
  return { prev_from: range.previousFrom, to: range.to, cur_from: range.from };
}

/** pipelineCounts from the raw table. */
export async function rawPipelineCounts(
  wdb: WorkspaceDb,
  range: ResolvedRange,
  mappingId: string | null,
  filter: EventFilterValue | null,
  destinations: readonly DestinationScope[],
): Promise<StepCounts[]> {
  const sources = [...new Set(destinations.flatMap((d) => d.sourceIds))];
  const rows = await wdb.query<{ key: string; source_side: number; step: ReportStep; now: number; before: number }>(
    'bench_raw_pipeline',
    `SELECT if(destination_id = '', source_id, destination_id) AS key, destination_id = '' AS source_side, step,
            sumIf(count, ${NOW}) AS now, sumIf(count, NOT ${NOW}) AS before
     FROM ${wdb.table('delivery_events')}
     WHERE workspace_id = {workspace:String} AND ${RANGE_SQL}
       AND step IN {steps:Array(String)}
       AND ((destination_id IN {dests:Array(String)} AND ({any_mapping:Bool} OR mapping_id = {mapping:String}))
            OR (destination_id = '' AND source_id IN {sources:Array(String)}))
       ${FILTER_SQL}
     GROUP BY key, source_side, step`,
    {
      ...rangeParams(range),
      ...filterParams(filter),
      steps: COUNTED_STEPS,
      dests: destinations.map((d) => d.destinationId),
      sources,
      any_mapping: mappingId === null,
      mapping: mappingId ?? '',
    },
  );
  // Same combination as pipelineCounts: destination-side rows by destination,
  // source-side rows summed over each destination's connected sources.
  const bySource = new Map<string, StepCounts>();
  const byDestination = new Map<string, StepCounts>();
  for (const r of rows) {
    const target = r.source_side ? bySource : byDestination;
    const counts = target.get(r.key) ?? {};
    counts[r.step] = { now: Number(r.now), before: Number(r.before) };
    target.set(r.key, counts);
  }
  return destinations.map((d) => {
    const counts: StepCounts = { ...(byDestination.get(d.destinationId) ?? {}) };
    for (const sourceId of d.sourceIds) {
      for (const [step, c] of Object.entries(bySource.get(sourceId) ?? {})) {
        const acc = counts[step as ReportStep] ?? { now: 0, before: 0 };
        counts[step as ReportStep] = { now: acc.now + c.now, before: acc.before + c.before };
      }
    }
    return counts;
  });
}

/** breakdownCounts from the raw table. */
export async function rawBreakdownCounts(
  wdb: WorkspaceDb,
  scope: StepScope,
  range: ResolvedRange,
  filter: EventFilterValue | null,
  reason: string | null,
  first: number,
): Promise<BreakdownCount[]> {
  const rows = await wdb.query<{ event_type: string; event_name: string; app_version: string; now: number; before: number }>(
    'bench_raw_breakdown',
    `SELECT event_type, event_name, app_version, sumIf(count, ${NOW}) AS now, sumIf(count, NOT ${NOW}) AS before
     FROM ${wdb.table('delivery_events')}
     WHERE workspace_id = {workspace:String} AND ${RANGE_SQL} ${STEP_SCOPE_SQL}
       AND ({any_reason:Bool} OR reason = {reason:String}) ${FILTER_SQL}
     GROUP BY event_type, event_name, app_version
     ORDER BY now DESC, before DESC, event_type, event_name, app_version
     LIMIT {first:UInt32}`,
    { ...rangeParams(range), ...filterParams(filter), ...stepScopeParams(scope), any_reason: reason === null, reason: reason ?? '', first },
  );
  return rows.map((r) => ({ eventType: r.event_type, eventName: r.event_name, appVersion: r.app_version, now: Number(r.now), before: Number(r.before) }));
}

/** discardCounts from the raw table. */
export async function rawDiscardCounts(wdb: WorkspaceDb, scope: StepScope, range: ResolvedRange, filter: EventFilterValue | null): Promise<ReasonCount[]> {
  const rows = await wdb.query<{ reason: string; now: number; before: number }>(
    'bench_raw_discards',
    `SELECT reason, sumIf(count, ${NOW}) AS now, sumIf(count, NOT ${NOW}) AS before
     FROM ${wdb.table('delivery_events')}
     WHERE workspace_id = {workspace:String} AND ${RANGE_SQL} ${STEP_SCOPE_SQL} ${FILTER_SQL}
     GROUP BY reason
     ORDER BY now DESC, before DESC, reason`,
    { ...rangeParams(range), ...filterParams(filter), ...stepScopeParams(scope) },
  );
  return rows.map((r) => ({ reason: r.reason, now: Number(r.now), before: Number(r.before) }));
}
