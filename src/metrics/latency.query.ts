import { quantilesOf } from '../domain/latency-buckets';
import { periodCoverage } from './shared-reads';
import { hasWholeHourOffsets } from '../domain/time-zone';
import { minutesOnly, planTiers } from '../domain/tier-plan';
import type { ResolvedRange } from '../domain/time-range';
import { buckets, type Granularity } from './timeseries.query';
import { HOUR_SPANS, MINUTE_SPANS, planParams, spanList } from './tiered';
import type { WorkspaceDb } from './workspace-db';
import type { Slice } from './slice';

/**
 * Reads of the latency tier (migrations 0037-0040): the latency histogram of delivered and
 * failed_delivery events. Knows nothing of GraphQL.
 */
export type OutcomeStep = 'delivered' | 'failed_delivery';

/** `FROM (…)` over latency_hour and latency_minute with `t`, the given columns and `where` (constant SQL). */
function latencySource(wdb: WorkspaceDb, cols: string, where: string): string {
  return `(
    SELECT hour AS t, ${cols} FROM ${wdb.table('latency_hour')}
    WHERE workspace_id = {workspace:String} AND (${spanList('hour', 'h', HOUR_SPANS)}) ${where}
    UNION ALL
    SELECT minute AS t, ${cols} FROM ${wdb.table('latency_minute')}
    WHERE workspace_id = {workspace:String} AND (${spanList('minute', 'm', MINUTE_SPANS)}) ${where}
  )`;
}

const SCOPE_SQL = `
  AND destination_id IN {dests:Array(String)} AND ({any_mapping:Bool} OR mapping_id = {mapping:String})`;

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
export async function latencyMany(
  wdb: WorkspaceDb,
  destinationIds: readonly string[],
  step: OutcomeStep,
  slice: Slice,
  granularity: Granularity,
): Promise<LatencyValue[]> {
  // Latency is not split by event: the slice's filter does not apply (the page says so).
  const { range, mappingId } = slice;
  const useHours = granularity !== 'MINUTE' && hasWholeHourOffsets(range.from, range.to, range.timeZone);
  const plan = useHours ? planTiers(range.from, range.to) : minutesOnly(range.from, range.to);
  const rows = await wdb.query<{ key: string; at: number; b: number; n: number }>(
    'latency',
    `SELECT destination_id AS key,
            multiIf({gran:String} = 'MINUTE', toUnixTimestamp(t),
                    {gran:String} = 'HOUR', toUnixTimestamp(toStartOfHour(t, {tz:String})),
                    toUnixTimestamp(toStartOfDay(t, {tz:String}))) AS at,
            latency_bucket AS b, toInt64(sum(events)) AS n
     FROM ${latencySource(wdb, 'destination_id, step, latency_bucket, events', `${SCOPE_SQL} AND step = {step:String}`)}
     GROUP BY key, at, b`,
    { ...planParams([plan]), dests: destinationIds, any_mapping: mappingId === null, mapping: mappingId ?? '', step, gran: granularity, tz: range.timeZone },
    undefined,
    periodCoverage(range),
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
    return latencyValue(range, spans, total, byAt);
  });
}

function latencyValue(
  range: ResolvedRange,
  spans: { start: number; end: number }[],
  total: Map<number, number>,
  byAt: Map<number, Map<number, number>>,
): LatencyValue {
  const points = spans.map(({ start, end }) => ({
    at: new Date(start),
    partial: start < range.from || end > range.to,
    ...quantilesFrom(byAt.get(start) ?? new Map()),
  }));
  return { ...quantilesFrom(total), points };
}

/** What a destination without latency answers: no events, null quantiles, every bucket of the range present and empty. */
export function emptyLatency(range: ResolvedRange, granularity: Granularity): LatencyValue {
  return latencyValue(range, buckets(range, granularity), new Map(), new Map());
}
