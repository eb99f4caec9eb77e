import { periodCoverage } from './shared-reads';
import type { BreakdownDimension } from './breakdown.query';
import type { OutcomeStep } from './latency.query';
import { KEYED_SCOPE_SQL, keyedScopeParams, type StepScope } from './step-scope';
import { filterParams, FILTER_SQL, HOUR_SPANS, MINUTE_SPANS, periodParams, spanList } from './tiered';
import type { WorkspaceDb } from './workspace-db';
import { compoundKey } from '../domain/compound-key';
import type { Slice } from './slice';

/**
 * Reads of the attempts tier (migrations 0041-0044): delivered and failed_delivery events
 * reported on the first attempt and on a later one, with the event dimensions, so event filters
 * and the breakdown's groupings apply. Events without an attempt are in neither count: callers
 * know them as their step's count less the two. Knows nothing of GraphQL.
 */
export interface AttemptCount {
  /** Events reported with attempt 1. */
  firstAttempt: number;
  /** Events reported with attempt 2 or later. */
  retried: number;
}
export interface AttemptPeriods {
  now: AttemptCount;
  before: AttemptCount;
}
export type AttemptCounts = Record<OutcomeStep, AttemptPeriods>;

/** One destination (narrowed to one of its sources when `sourceId` is set; scopes read together are all narrowed or none is). */
export interface AttemptScope {
  destinationId: string;
  sourceId?: string | null;
}

const EMPTY: AttemptPeriods = { now: { firstAttempt: 0, retried: 0 }, before: { firstAttempt: 0, retried: 0 } };

/** `FROM (…)` over attempts_hour and attempts_minute with `t`, the given columns and `where` (constant SQL), the event filter applied. */
function attemptsSource(wdb: WorkspaceDb, cols: string, where: string): string {
  return `(
    SELECT hour AS t, ${cols} FROM ${wdb.table('attempts_hour')}
    WHERE workspace_id = {workspace:String} AND (${spanList('hour', 'h', HOUR_SPANS)}) ${where} ${FILTER_SQL}
    UNION ALL
    SELECT minute AS t, ${cols} FROM ${wdb.table('attempts_minute')}
    WHERE workspace_id = {workspace:String} AND (${spanList('minute', 'm', MINUTE_SPANS)}) ${where} ${FILTER_SQL}
  )`;
}

const PERIOD_SUMS = `
  toInt64(sumIf(first_attempt, t >= toDateTime({cur_from:UInt32}, 'UTC'))) AS first_now,
  toInt64(sumIf(first_attempt, t < toDateTime({cur_from:UInt32}, 'UTC'))) AS first_before,
  toInt64(sumIf(retried, t >= toDateTime({cur_from:UInt32}, 'UTC'))) AS retried_now,
  toInt64(sumIf(retried, t < toDateTime({cur_from:UInt32}, 'UTC'))) AS retried_before`;

interface PeriodRow {
  first_now: number;
  first_before: number;
  retried_now: number;
  retried_before: number;
}

const periodsOf = (r: PeriodRow): AttemptPeriods => ({
  now: { firstAttempt: Number(r.first_now), retried: Number(r.retried_now) },
  before: { firstAttempt: Number(r.first_before), retried: Number(r.retried_before) },
});

const PIPELINE_SCOPE_SQL = `
  AND destination_id IN {dests:Array(String)} AND ({any_mapping:Bool} OR mapping_id = {mapping:String})
  AND (NOT {by_source:Bool} OR source_id IN {scope_sources:Array(String)})`;

/** The pipeline's attempts: both delivery steps of many destinations (or source-narrowed pairs) in one statement. */
export async function attemptCounts(wdb: WorkspaceDb, slice: Slice, scopes: readonly AttemptScope[]): Promise<AttemptCounts[]> {
  const { range, filter, mappingId } = slice;
  const narrowed = scopes.filter((s) => s.sourceId != null);
  if (narrowed.length !== 0 && narrowed.length !== scopes.length) throw new Error('attempt scopes read together are all narrowed to a source or none is');
  const rows = await wdb.query<PeriodRow & { key: string; narrow: string; step: OutcomeStep }>(
    'attempts',
    `SELECT destination_id AS key, if({by_source:Bool}, source_id, '') AS narrow, toString(step) AS step, ${PERIOD_SUMS}
     FROM ${attemptsSource(wdb, 'destination_id, source_id, step, first_attempt, retried', PIPELINE_SCOPE_SQL)}
     GROUP BY key, narrow, step`,
    {
      ...periodParams(range),
      ...filterParams(filter),
      dests: [...new Set(scopes.map((s) => s.destinationId))],
      any_mapping: mappingId === null,
      mapping: mappingId ?? '',
      by_source: narrowed.length > 0,
      scope_sources: [...new Set(narrowed.map((s) => s.sourceId!))],
    },
    undefined,
    periodCoverage(range),
  );
  const byKey = new Map<string, AttemptCounts>();
  for (const r of rows) {
    const id = compoundKey(r.key, r.narrow);
    byKey.set(id, { ...(byKey.get(id) ?? { delivered: EMPTY, failed_delivery: EMPTY }), [r.step]: periodsOf(r) });
  }
  return scopes.map((s) => byKey.get(compoundKey(s.destinationId, s.sourceId ?? '')) ?? { delivered: EMPTY, failed_delivery: EMPTY });
}

/** A breakdown row's values of the event dimensions ('' when not grouped by one). */
export type EventTuple = readonly [eventType: string, eventName: string, appVersion: string];
export const tupleKey = (t: EventTuple) => JSON.stringify(t);

/**
 * The breakdown's attempts: one delivery step of many destinations (scopes share step, mapping
 * and narrowing), grouped by the breakdown's event dimensions, only the given rows' values, in
 * one statement. Per scope, a map from tupleKey to its counts.
 */
export async function attemptBreakdown(
  wdb: WorkspaceDb,
  scopes: readonly StepScope[],
  slice: Slice,
  reason: string | null,
  groupBy: readonly BreakdownDimension[],
  tuples: readonly EventTuple[],
): Promise<Map<string, AttemptPeriods>[]> {
  const { range, filter, mappingId } = slice;
  const g = new Set(groupBy);
  const rows = await wdb.query<PeriodRow & { key: string; k_type: string; k_name: string; k_version: string }>(
    'breakdown_attempts',
    `SELECT destination_id AS key, if({g_type:Bool}, event_type, '') AS k_type, if({g_name:Bool}, event_name, '') AS k_name,
            if({g_version:Bool}, app_version, '') AS k_version, ${PERIOD_SUMS}
     FROM ${attemptsSource(wdb, 'destination_id, event_type, event_name, app_version, first_attempt, retried', `${KEYED_SCOPE_SQL} AND ({any_reason:Bool} OR reason = {reason:String})`)}
     GROUP BY key, k_type, k_name, k_version
     HAVING has(arrayZip({t_types:Array(String)}, {t_names:Array(String)}, {t_versions:Array(String)}), (k_type, k_name, k_version))`,
    {
      ...periodParams(range),
      ...filterParams(filter),
      ...keyedScopeParams(scopes, mappingId),
      any_reason: reason === null,
      reason: reason ?? '',
      g_type: g.has('EVENT_TYPE'),
      g_name: g.has('EVENT_NAME'),
      g_version: g.has('APP_VERSION'),
      t_types: tuples.map((t) => t[0]),
      t_names: tuples.map((t) => t[1]),
      t_versions: tuples.map((t) => t[2]),
    },
    undefined,
    periodCoverage(range),
  );
  const out = new Map(scopes.map((s) => [s.destinationId, new Map<string, AttemptPeriods>()]));
  for (const r of rows) out.get(r.key)?.set(tupleKey([r.k_type, r.k_name, r.k_version]), periodsOf(r));
  return scopes.map((s) => out.get(s.destinationId)!);
}
