import { minutesOnly, planTiers } from '../domain/tier-plan';
import { periodCoverage } from './shared-reads';
import { hasWholeHourOffsets, nextZonedDay, startOfZonedDay, zoneOffset } from '../domain/time-zone';
import type { ResolvedRange } from '../domain/time-range';
import { KEY_COLUMNS, KEYED_SCOPE_SQL, keyedScopeParams, type StepScope } from './step-scope';
import { filterParams, planParams, tieredSource, type EventFilterValue } from './tiered';
import type { WorkspaceDb } from './workspace-db';
import type { Slice } from './slice';

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
  let b =
    granularity === 'DAY' ? startOfZonedDay(range.from, tz) : range.from - mod(range.from + (granularity === 'HOUR' ? zoneOffset(range.from, tz) : 0), size);
  const out: { start: number; end: number }[] = [];
  for (; b < range.to; b = next(b)) out.push({ start: b, end: next(b) });
  return out;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

interface SeriesRow {
  owner: string;
  bucket: number;
  event_type: string;
  event_name: string;
  app_version: string;
  reason: string;
  n: number;
  /** Split reads, on the summary rows (bucket -1): the owner's series and events over all of them. */
  series_count?: number;
  owner_total?: number;
}

/** Which series of each destination a read returns: `count` of them from `offset`, largest first. */
export interface SeriesPage {
  offset: number;
  count: number;
}

export interface SeriesList {
  /** The page's series, zero-filled. */
  series: SeriesValue[];
  /** Series the destination has in the range, on every page. */
  seriesCount: number;
  /** Events of every series (not just the page's). */
  total: number;
}

/**
 * Every row's owner: a destination-side row belongs to its destination; a source-side row
 * to every destination (scope) that source is connected to, so the engine can rank each
 * destination's series itself. Rows are summed per key (destination or source) first and
 * given their owners after: a source shared by 20 destinations costs 20 times its summed
 * rows, not 20 times its reports.
 */
const OWNERS = `arrayJoin(if(source_side, arrayFilter((d, s) -> s = key, {owner_dests:Array(String)}, {owner_sources:Array(String)}), [key])) AS owner`;
const BUCKET = `multiIf({gran:String} = 'MINUTE', toUnixTimestamp(t),
                    {gran:String} = 'HOUR', toUnixTimestamp(toStartOfHour(t, {tz:String})),
                    toUnixTimestamp(toStartOfDay(t, {tz:String}))) AS bucket`;
const SERIES_COLUMNS = 'event_type, event_name, app_version, reason';
const SERIES_VALUES = `if({g_type:Bool}, event_type, '') AS event_type, if({g_name:Bool}, event_name, '') AS event_name,
             if({g_version:Bool}, app_version, '') AS app_version, if({g_reason:Bool}, reason, '') AS reason`;

/** The read's rows summed per key (a destination, or a source for source-side steps), series values and, with `bucketed`, bucket. */
function keyedSumsSql(wdb: WorkspaceDb, filter: EventFilterValue | null, bucketed: boolean, where = ''): string {
  return `SELECT ${KEY_COLUMNS}, ${bucketed ? `${BUCKET},` : ''} ${SERIES_VALUES}, sum(events) AS n
      FROM ${tieredSource(wdb, ['step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'event_type', 'event_name', 'app_version'], KEYED_SCOPE_SQL, filter)}
      ${where}
      GROUP BY key, source_side, ${bucketed ? 'bucket, ' : ''}${SERIES_COLUMNS}`;
}

/** Per owner, bucket and series: the sums an unsplit answer is built from. */
function perBucketSql(wdb: WorkspaceDb, filter: EventFilterValue | null): string {
  return `SELECT ${OWNERS}, toInt64(bucket) AS bucket, ${SERIES_COLUMNS}, n FROM (${keyedSumsSql(wdb, filter, true)})`;
}

/**
 * A split read ranks each owner's series by their totals first (a few thousand rows at
 * most), keeps the page of them (largest total first, then the values byte by byte), and
 * sums buckets for those series only: a source with 3,000 event names over 14 days by
 * hour is a million buckets, which are never grouped, let alone sent. Rows with bucket -1
 * carry each page series' total and its owner's series count and total.
 */
function pagedSql(wdb: WorkspaceDb, filter: EventFilterValue | null): string {
  return `WITH page AS (
      SELECT owner, ${SERIES_COLUMNS}, total, count() OVER (PARTITION BY owner) AS series_count, sum(total) OVER (PARTITION BY owner) AS owner_total
      FROM (SELECT owner, ${SERIES_COLUMNS}, sum(n) AS total FROM (SELECT ${OWNERS}, ${SERIES_COLUMNS}, n FROM (${keyedSumsSql(wdb, filter, false)})) GROUP BY owner, ${SERIES_COLUMNS})
      ORDER BY owner, total DESC, ${SERIES_COLUMNS}
      LIMIT {page_count:UInt32} OFFSET {page_offset:UInt32} BY owner)
    SELECT owner, toInt64(bucket) AS bucket, ${SERIES_COLUMNS}, sum(n) AS n, toUInt64(0) AS series_count, toUInt64(0) AS owner_total
    FROM (SELECT ${OWNERS}, bucket, ${SERIES_COLUMNS}, n FROM (${keyedSumsSql(wdb, filter, true, `WHERE (${SERIES_COLUMNS}) IN (SELECT ${SERIES_COLUMNS} FROM page)`)}))
    WHERE (owner, ${SERIES_COLUMNS}) IN (SELECT owner, ${SERIES_COLUMNS} FROM page)
    GROUP BY owner, bucket, ${SERIES_COLUMNS}
    UNION ALL
    SELECT owner, toInt64(-1) AS bucket, ${SERIES_COLUMNS}, total AS n, toUInt64(series_count) AS series_count, toUInt64(owner_total) AS owner_total FROM page`;
}

/**
 * Counts of one step over time, optionally split by dimensions, zero-filled, largest first
 * (then by the dimension values, byte order), the `page` of them, for one destination or many
 * (one statement for all of them; scopes share step, mapping and narrowing). The hour tier
 * serves HOUR/DAY buckets when the zone's offsets are whole hours; otherwise (e.g.
 * Asia/Kolkata) buckets start mid-hour and only minutes are exact.
 */
export async function timeseriesPages(
  wdb: WorkspaceDb,
  scopes: readonly StepScope[],
  slice: Slice,
  granularity: Granularity,
  groupBy: readonly Dimension[],
  page: SeriesPage = { offset: 0, count: MAX_SERIES },
): Promise<SeriesList[]> {
  const { range, filter, mappingId } = slice;
  const useHours = granularity !== 'MINUTE' && hasWholeHourOffsets(range.from, range.to, range.timeZone);
  const plan = useHours ? planTiers(range.from, range.to) : minutesOnly(range.from, range.to);
  const g = new Set(groupBy);
  const owners = scopes.flatMap((s) => s.sourceIds.map((sourceId) => [s.destinationId, sourceId] as const));
  const rows = await wdb.query<SeriesRow>(
    'timeseries',
    g.size > 0 ? pagedSql(wdb, filter) : perBucketSql(wdb, filter),
    {
      ...planParams([plan]),
      ...filterParams(filter),
      ...keyedScopeParams(scopes, mappingId),
      owner_dests: owners.map(([d]) => d),
      owner_sources: owners.map(([, s]) => s),
      gran: granularity,
      tz: range.timeZone,
      g_type: g.has('EVENT_TYPE'),
      g_name: g.has('EVENT_NAME'),
      g_version: g.has('APP_VERSION'),
      g_reason: g.has('REASON'),
      page_offset: page.offset,
      page_count: page.count,
    },
    undefined,
    periodCoverage(range),
  );
  const byOwner = new Map<string, SeriesRow[]>();
  for (const r of rows) {
    const list = byOwner.get(r.owner);
    if (list) list.push(r);
    else byOwner.set(r.owner, [r]);
  }
  return scopes.map((scope) => {
    const list = toSeries(byOwner.get(scope.destinationId) ?? [], range, granularity, groupBy);
    // An unsplit read has its one series; the engine paged a split one already.
    return g.size > 0 ? list : { ...list, series: list.series.slice(page.offset, page.offset + page.count) };
  });
}

/** One destination's page of series from its rows: summed per value combination and bucket, zero-filled, in rank order. */
function toSeries(rows: readonly SeriesRow[], range: ResolvedRange, granularity: Granularity, groupBy: readonly Dimension[]): SeriesList {
  const g = new Set(groupBy);
  const series = new Map<string, { key: Omit<SeriesValue, 'total' | 'points'>; values: string[]; total: number; byBucket: Map<number, number> }>();
  let seriesCount = 0;
  let ownerTotal: number | null = null;
  for (const r of rows) {
    const values = [r.event_type, r.event_name, r.app_version, r.reason];
    const id = JSON.stringify(values);
    let s = series.get(id);
    if (!s) {
      const key = {
        eventType: g.has('EVENT_TYPE') ? r.event_type : null,
        eventName: g.has('EVENT_NAME') ? r.event_name : null,
        appVersion: g.has('APP_VERSION') ? r.app_version : null,
        reason: g.has('REASON') ? r.reason : null,
      };
      series.set(id, (s = { key, values, total: 0, byBucket: new Map() }));
    }
    if (Number(r.bucket) < 0) {
      // The page's summary row of this series (split reads).
      seriesCount = Number(r.series_count);
      ownerTotal = Number(r.owner_total);
      continue;
    }
    const at = Number(r.bucket) * 1000;
    s.byBucket.set(at, (s.byBucket.get(at) ?? 0) + Number(r.n));
    s.total += Number(r.n);
  }
  if (groupBy.length === 0) {
    if (series.size === 0)
      series.set('all', { key: { eventType: null, eventName: null, appVersion: null, reason: null }, values: [], total: 0, byBucket: new Map() });
    seriesCount = 1;
  }
  const spans = buckets(range, granularity);
  const list = [...series.values()];
  return {
    seriesCount,
    total: ownerTotal ?? list.reduce((n, s) => n + s.total, 0),
    // The engine's order: largest total first, then the values byte by byte.
    series: list
      .sort((a, b) => b.total - a.total || compareValues(a.values, b.values))
      .map((s) => ({
        ...s.key,
        total: s.total,
        points: spans.map(({ start, end }) => ({ at: new Date(start), count: s.byBucket.get(start) ?? 0, partial: start < range.from || end > range.to })),
      })),
  };
}

function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = Buffer.compare(Buffer.from(a[i]), Buffer.from(b[i]));
    if (c !== 0) return c;
  }
  return 0;
}

/** Each destination's largest `MAX_SERIES` series (see timeseriesPages). */
export async function timeseriesMany(
  wdb: WorkspaceDb,
  scopes: readonly StepScope[],
  slice: Slice,
  granularity: Granularity,
  groupBy: readonly Dimension[],
): Promise<SeriesValue[][]> {
  return (await timeseriesPages(wdb, scopes, slice, granularity, groupBy)).map((p) => p.series);
}

/** One destination's page of series (see timeseriesPages). */
export async function timeseries(
  wdb: WorkspaceDb,
  scope: StepScope,
  slice: Slice,
  granularity: Granularity,
  groupBy: readonly Dimension[],
  page: SeriesPage,
): Promise<SeriesList> {
  return (await timeseriesPages(wdb, [scope], slice, granularity, groupBy, page))[0];
}
