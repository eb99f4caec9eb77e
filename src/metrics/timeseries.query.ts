import { minutesOnly, planTiers } from '../domain/tier-plan';
import { hasWholeHourOffsets, nextZonedDay, startOfZonedDay, zoneOffset } from '../domain/time-zone';
import type { ResolvedRange } from '../domain/time-range';
import { KEY_COLUMNS, KEYED_SCOPE_SQL, keyedScopeParams, rowsOfDestination, type StepScope } from './step-scope';
import { filterParams, planParams, tieredSource, type EventFilterValue } from './tiered';
import type { WorkspaceDb } from './workspace-db';

export const GRANULARITIES = ['MINUTE', 'HOUR', 'DAY'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const DIMENSIONS = ['EVENT_TYPE', 'EVENT_NAME', 'APP_VERSION', 'REASON', 'MAPPING', 'OPERATION', 'AUDIENCE'] as const;
/** What a timeseries splits by (the connection dimensions are breakdown-only). */
export const SERIES_DIMENSIONS: readonly Dimension[] = ['EVENT_TYPE', 'EVENT_NAME', 'APP_VERSION', 'REASON'];
export type Dimension = (typeof DIMENSIONS)[number];

/** Widest range per granularity (ms), so a response never holds more than ~336 buckets per series. */
export const MAX_WIDTH: Record<Granularity, number> = { MINUTE: 4 * 3_600_000, HOUR: 14 * 86_400_000, DAY: 14 * 86_400_000 };
export const MAX_SERIES = 50;

export interface SeriesValue {
  eventType: string | null;
  eventName: string | null;
  appVersion: string | null;
  reason: string | null;
  total: number;
  points: PointValue[];
}

export interface PointValue {
  at: Date;
  count: number;
  /** The range covers only part of this bucket (it starts before `from` or ends after `to`). */
  partial: boolean;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Buckets covering [from, to) in the caller's zone, each with its start and end; the first
 * may start before `from` and the last end after `to` (those two are partial).
 */
export function buckets(range: ResolvedRange, granularity: Granularity): { start: number; end: number }[] {
  const tz = range.timeZone;
  const size = granularity === 'MINUTE' ? MINUTE : HOUR;
  const next = granularity === 'DAY' ? (b: number) => nextZonedDay(b, tz) : (b: number) => b + size;
  let b = granularity === 'DAY' ? startOfZonedDay(range.from, tz) : range.from - mod(range.from + (granularity === 'HOUR' ? zoneOffset(range.from, tz) : 0), size);
  const out: { start: number; end: number }[] = [];
  for (; b < range.to; b = next(b)) out.push({ start: b, end: next(b) });
  return out;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

interface SeriesRow {
  key: string;
  source_side: number;
  bucket: number;
  event_type: string;
  event_name: string;
  app_version: string;
  reason: string;
  n: number;
}

/**
 * Counts of one step over time, optionally split by dimensions, zero-filled, largest first
 * (then by the dimension values), at most `maxSeries` of them, for one destination or many
 * (one statement for all of them; scopes share step, mapping and narrowing). The hour tier
 * serves HOUR/DAY buckets when the zone's offsets are whole hours; otherwise (e.g.
 * Asia/Kolkata) buckets start mid-hour and only minutes are exact.
 */
export async function timeseriesMany(
  wdb: WorkspaceDb,
  scopes: readonly StepScope[],
  range: ResolvedRange,
  granularity: Granularity,
  groupBy: readonly Dimension[],
  filter: EventFilterValue | null,
  maxSeries = MAX_SERIES,
): Promise<SeriesValue[][]> {
  const useHours = granularity !== 'MINUTE' && hasWholeHourOffsets(range.from, range.to, range.timeZone);
  const plan = useHours ? planTiers(range.from, range.to) : minutesOnly(range.from, range.to);
  const g = new Set(groupBy);
  const rows = await wdb.query<SeriesRow>(
    'timeseries',
    `SELECT ${KEY_COLUMNS},
            multiIf({gran:String} = 'MINUTE', toUnixTimestamp(t),
                    {gran:String} = 'HOUR', toUnixTimestamp(toStartOfHour(t, {tz:String})),
                    toUnixTimestamp(toStartOfDay(t, {tz:String}))) AS bucket,
            if({g_type:Bool}, event_type, '') AS event_type,
            if({g_name:Bool}, event_name, '') AS event_name,
            if({g_version:Bool}, app_version, '') AS app_version,
            if({g_reason:Bool}, reason, '') AS reason,
            sum(events) AS n
     FROM ${tieredSource(wdb, ['step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'event_type', 'event_name', 'app_version'], KEYED_SCOPE_SQL, filter)}
     GROUP BY key, source_side, bucket, event_type, event_name, app_version, reason`,
    {
      ...planParams([plan]),
      ...filterParams(filter),
      ...keyedScopeParams(scopes),
      gran: granularity,
      tz: range.timeZone,
      g_type: g.has('EVENT_TYPE'),
      g_name: g.has('EVENT_NAME'),
      g_version: g.has('APP_VERSION'),
      g_reason: g.has('REASON'),
    },
  );
  return scopes.map((scope) => toSeries(rowsOfDestination(rows, scope), range, granularity, groupBy, maxSeries));
}

/** One destination's series from its rows: summed per value combination and bucket, zero-filled, largest first. */
function toSeries(rows: readonly SeriesRow[], range: ResolvedRange, granularity: Granularity, groupBy: readonly Dimension[], maxSeries: number): SeriesValue[] {
  const g = new Set(groupBy);
  const series = new Map<string, { key: Omit<SeriesValue, 'total' | 'points'>; total: number; byBucket: Map<number, number> }>();
  for (const r of rows) {
    const id = JSON.stringify([r.event_type, r.event_name, r.app_version, r.reason]);
    let s = series.get(id);
    if (!s) {
      s = {
        key: {
          eventType: g.has('EVENT_TYPE') ? r.event_type : null,
          eventName: g.has('EVENT_NAME') ? r.event_name : null,
          appVersion: g.has('APP_VERSION') ? r.app_version : null,
          reason: g.has('REASON') ? r.reason : null,
        },
        total: 0,
        byBucket: new Map(),
      };
      series.set(id, s);
    }
    const at = Number(r.bucket) * 1000;
    s.byBucket.set(at, (s.byBucket.get(at) ?? 0) + Number(r.n));
    s.total += Number(r.n);
  }
  if (series.size === 0 && groupBy.length === 0) {
    series.set('all', { key: { eventType: null, eventName: null, appVersion: null, reason: null }, total: 0, byBucket: new Map() });
  }
  const spans = buckets(range, granularity);
  return [...series.values()]
    .sort((a, b) => b.total - a.total || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)))
    .slice(0, maxSeries)
    .map((s) => ({
      ...s.key,
      total: s.total,
      points: spans.map(({ start, end }) => ({ at: new Date(start), count: s.byBucket.get(start) ?? 0, partial: start < range.from || end > range.to })),
    }));
}

/** One destination's series (see timeseriesMany). */
export async function timeseries(
  wdb: WorkspaceDb,
  scope: StepScope,
  range: ResolvedRange,
  granularity: Granularity,
  groupBy: readonly Dimension[],
  filter: EventFilterValue | null,
  maxSeries = MAX_SERIES,
): Promise<SeriesValue[]> {
  return (await timeseriesMany(wdb, [scope], range, granularity, groupBy, filter, maxSeries))[0];
}
