import { quantilesOf } from '../domain/latency-buckets';
import { hasWholeHourOffsets } from '../domain/time-zone';
import { minutesOnly, planTiers } from '../domain/tier-plan';
import type { ResolvedRange } from '../domain/time-range';
import { buckets, type Granularity } from './timeseries.query';
import { HOUR_SPANS, MINUTE_SPANS, periodParams, planParams, spanList } from './tiered';
import type { WorkspaceDb } from './workspace-db';

/**
 * Reads of the outcomes tier (migrations 0036-0039): delivered and failed_delivery events by
 * attempt, and their latency histogram. Knows nothing of GraphQL.
 */
export type OutcomeStep = 'delivered' | 'failed_delivery';

/** `FROM (…)` over outcomes_hour and outcomes_minute with `t`, the given columns and `where` (constant SQL). */
function outcomesSource(wdb: WorkspaceDb, cols: string, where: string): string {
  return `(
    SELECT hour AS t, ${cols} FROM ${wdb.table('outcomes_hour')}
    WHERE workspace_id = {workspace:String} AND (${spanList('hour', 'h', HOUR_SPANS)}) ${where}
    UNION ALL
    SELECT minute AS t, ${cols} FROM ${wdb.table('outcomes_minute')}
    WHERE workspace_id = {workspace:String} AND (${spanList('minute', 'm', MINUTE_SPANS)}) ${where}
  )`;
}

const SCOPE_SQL = `
  AND destination_id IN {dests:Array(String)} AND ({any_mapping:Bool} OR mapping_id = {mapping:String})
  AND (NOT {by_source:Bool} OR source_id IN {scope_sources:Array(String)})`;

/** One destination (narrowed to one of its sources when `sourceId` is set; scopes read together are all narrowed or none is). */
export interface OutcomeScope {
  destinationId: string;
  sourceId?: string | null;
}

export interface AttemptCount {
  /** Events reported with attempt 1. */
  firstAttempt: number;
  /** Events reported with attempt 2 or later. */
  retried: number;
}
export type AttemptCounts = Record<OutcomeStep, { now: AttemptCount; before: AttemptCount }>;

const zero = (): AttemptCount => ({ firstAttempt: 0, retried: 0 });

/**
 * Events delivered (and failed) on the first attempt and after retries, in the range and the
 * period before, for many destinations in one statement. Events without an attempt are in
 * neither: the caller knows them as its step count less these two.
 */
export async function attemptCounts(wdb: WorkspaceDb, range: ResolvedRange, mappingId: string | null, scopes: readonly OutcomeScope[]): Promise<AttemptCounts[]> {
  const narrowed = scopes.filter((s) => s.sourceId != null);
  if (narrowed.length !== 0 && narrowed.length !== scopes.length) throw new Error('attempt scopes read together are all narrowed to a source or none is');
  const rows = await wdb.query<{ key: string; narrow: string; step: OutcomeStep; first_now: number; first_before: number; retried_now: number; retried_before: number }>(
    'attempts',
    `SELECT destination_id AS key, if({by_source:Bool}, source_id, '') AS narrow, toString(step) AS step,
            toInt64(sumIf(first_attempt, t >= toDateTime({cur_from:UInt32}, 'UTC'))) AS first_now,
            toInt64(sumIf(first_attempt, t < toDateTime({cur_from:UInt32}, 'UTC'))) AS first_before,
            toInt64(sumIf(retried, t >= toDateTime({cur_from:UInt32}, 'UTC'))) AS retried_now,
            toInt64(sumIf(retried, t < toDateTime({cur_from:UInt32}, 'UTC'))) AS retried_before
     FROM ${outcomesSource(wdb, 'destination_id, source_id, step, first_attempt, retried', SCOPE_SQL)}
     GROUP BY key, narrow, step`,
    { ...periodParams(range), ...scopeParams(scopes, mappingId) },
  );
  const byKey = new Map<string, AttemptCounts>();
  for (const r of rows) {
    const id = `${r.key}\u0000${r.narrow}`;
    const counts = byKey.get(id) ?? { delivered: { now: zero(), before: zero() }, failed_delivery: { now: zero(), before: zero() } };
    counts[r.step] = {
      now: { firstAttempt: Number(r.first_now), retried: Number(r.retried_now) },
      before: { firstAttempt: Number(r.first_before), retried: Number(r.retried_before) },
    };
    byKey.set(id, counts);
  }
  return scopes.map((s) => byKey.get(`${s.destinationId}\u0000${s.sourceId ?? ''}`) ?? { delivered: { now: zero(), before: zero() }, failed_delivery: { now: zero(), before: zero() } });
}

function scopeParams(scopes: readonly OutcomeScope[], mappingId: string | null): Record<string, unknown> {
  return {
    dests: [...new Set(scopes.map((s) => s.destinationId))],
    any_mapping: mappingId === null,
    mapping: mappingId ?? '',
    by_source: scopes.some((s) => s.sourceId != null),
    scope_sources: [...new Set(scopes.flatMap((s) => (s.sourceId != null ? [s.sourceId] : [])))],
  };
}

/** p50, p95 and p99 (ms; null without a latency) and the events they were read from. */
export interface LatencyQuantiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface LatencyValue extends LatencyQuantiles {
  points: (LatencyQuantiles & { at: Date; partial: boolean })[];
}

function quantilesFrom(histogram: Map<number, number>): LatencyQuantiles {
  const [p50, p95, p99] = quantilesOf(histogram);
  let count = 0;
  for (const n of histogram.values()) count += n;
  return { count, p50, p95, p99 };
}

/**
 * Latency quantiles of one step over the range and per bucket of `granularity`, for many
 * destinations in one statement (reports without a latency are left out). Buckets as in
 * timeseries: the hour tier serves HOUR/DAY when the zone's offsets are whole hours.
 */
export async function latencyMany(wdb: WorkspaceDb, destinationIds: readonly string[], step: OutcomeStep, range: ResolvedRange, granularity: Granularity, mappingId: string | null): Promise<LatencyValue[]> {
  const useHours = granularity !== 'MINUTE' && hasWholeHourOffsets(range.from, range.to, range.timeZone);
  const plan = useHours ? planTiers(range.from, range.to) : minutesOnly(range.from, range.to);
  const rows = await wdb.query<{ key: string; at: number; b: number; n: number }>(
    'latency',
    `SELECT destination_id AS key,
            multiIf({gran:String} = 'MINUTE', toUnixTimestamp(t),
                    {gran:String} = 'HOUR', toUnixTimestamp(toStartOfHour(t, {tz:String})),
                    toUnixTimestamp(toStartOfDay(t, {tz:String}))) AS at,
            latency_bucket AS b, toInt64(sum(events)) AS n
     FROM ${outcomesSource(wdb, 'destination_id, source_id, step, latency_bucket, events', `${SCOPE_SQL} AND step = {step:String} AND latency_bucket > 0`)}
     GROUP BY key, at, b`,
    { ...planParams([plan]), ...scopeParams(destinationIds.map((destinationId) => ({ destinationId })), mappingId), step, gran: granularity, tz: range.timeZone },
  );
  const spans = buckets(range, granularity);
  return destinationIds.map((id) => {
    const total = new Map<number, number>();
    const byAt = new Map<number, Map<number, number>>();
    for (const r of rows) {
      if (r.key !== id) continue;
      const b = Number(r.b);
      const n = Number(r.n);
      total.set(b, (total.get(b) ?? 0) + n);
      const at = Number(r.at) * 1000;
      const h = byAt.get(at) ?? new Map<number, number>();
      h.set(b, (h.get(b) ?? 0) + n);
      byAt.set(at, h);
    }
    const points = spans.map(({ start, end }) => ({ at: new Date(start), partial: start < range.from || end > range.to, ...quantilesFrom(byAt.get(start) ?? new Map()) }));
    return { ...quantilesFrom(total), points };
  });
}
