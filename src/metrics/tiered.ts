import type { ResolvedRange } from '../domain/time-range';
import { planTiers, type Span, type TierPlan } from '../domain/tier-plan';
import type { WorkspaceDb } from './workspace-db';

/**
 * SQL text for reading the current and previous period of a range from the two
 * aggregate tiers. The text is constant for a given column list; every instant is
 * a bound parameter (`h0f`… for hour spans, `m0f`… for minute spans; unused spans
 * are empty [0, 0)). Rows carry `t`, the bucket start, so callers split the
 * periods with `t >= {cur_from}`.
 */
export const HOUR_SPANS = 2;
export const MINUTE_SPANS = 4;

/** Dimension columns the aggregate tables carry (a whitelist: callers pick from it). */
export const AGG_DIMENSIONS = [
  'step',
  'destination_id',
  'source_id',
  'mapping_id',
  'reason',
  'event_type',
  'event_name',
  'app_version',
  'enriched',
  'operation',
  'audience_id',
  'space_id',
] as const;
export type AggDimension = (typeof AGG_DIMENSIONS)[number];
/** The dimensions of the narrow steps_* tables (no event dimensions). */
export const STEP_DIMENSIONS: readonly AggDimension[] = ['step', 'destination_id', 'source_id', 'mapping_id', 'reason'];
/** The dimensions of the connections_* tables (Reverse ETL and audience rows only, migration 0027). */
export const CONNECTION_DIMENSIONS: readonly AggDimension[] = [...STEP_DIMENSIONS, 'operation', 'audience_id', 'space_id'];

export type AggregateFamily = 'steps' | 'events' | 'connections';

/**
 * Which aggregate pair answers a read: the narrow steps_* tables when the read needs no
 * event dimension (neither grouped by nor filtered on); the connections_* tables when it
 * needs an operation, audience or space (they hold only Reverse ETL and audience rows); else
 * the full events_* tables. Pure; tested.
 */
export function aggregateFamily(dims: readonly AggDimension[], filter: EventFilterValue | null | undefined): AggregateFamily {
  const filtered = filter != null && (filter.eventTypes != null || filter.eventNames != null || filter.appVersions != null || filter.enriched != null);
  if (!filtered && dims.every((d) => STEP_DIMENSIONS.includes(d))) return 'steps';
  if (!filtered && dims.every((d) => CONNECTION_DIMENSIONS.includes(d))) return 'connections';
  return 'events';
}

export const FILTER_SQL = `
  AND ({f_any_type:Bool} OR event_type IN {f_types:Array(String)})
  AND ({f_any_name:Bool} OR event_name IN {f_names:Array(String)})
  AND ({f_any_version:Bool} OR app_version IN {f_versions:Array(String)})
  AND ({f_enriched:Int8} < 0 OR enriched = {f_enriched:Int8})`;

export interface EventFilterValue {
  eventTypes?: readonly string[] | null;
  eventNames?: readonly string[] | null;
  appVersions?: readonly string[] | null;
  enriched?: boolean | null;
}

export function filterParams(filter: EventFilterValue | null | undefined): Record<string, unknown> {
  const f = filter ?? {};
  return {
    f_any_type: f.eventTypes == null,
    f_types: f.eventTypes ?? [],
    f_any_name: f.eventNames == null,
    f_names: f.eventNames ?? [],
    f_any_version: f.appVersions == null,
    f_versions: f.appVersions ?? [],
    f_enriched: f.enriched == null ? -1 : f.enriched ? 1 : 0,
  };
}

export function spanList(name: 'hour' | 'minute', prefix: string, n: number): string {
  return Array.from(
    { length: n },
    (_, i) => `(${name} >= toDateTime({${prefix}${i}f:UInt32}, 'UTC') AND ${name} < toDateTime({${prefix}${i}t:UInt32}, 'UTC'))`,
  ).join(' OR ');
}

/**
 * `FROM (…)` over the hour and minute tier of the right family, with `t`, the given
 * dimensions and `events`. `where` is additional constant SQL (with its own bound
 * parameters). Filter parameters are always bound; the steps family simply has no
 * filter clause, since it is chosen only when there is no filter.
 */
export function tieredSource(wdb: WorkspaceDb, dims: readonly AggDimension[], where: string, filter: EventFilterValue | null | undefined): string {
  const family = aggregateFamily(dims, filter);
  const filterSql = family === 'events' ? FILTER_SQL : '';
  const cols = dims.join(', ');
  return `(
    SELECT hour AS t, ${cols}, events FROM ${wdb.table(`${family}_hour`)}
    WHERE workspace_id = {workspace:String} AND (${spanList('hour', 'h', HOUR_SPANS)}) ${where} ${filterSql}
    UNION ALL
    SELECT minute AS t, ${cols}, events FROM ${wdb.table(`${family}_minute`)}
    WHERE workspace_id = {workspace:String} AND (${spanList('minute', 'm', MINUTE_SPANS)}) ${where} ${filterSql}
  )`;
}

/**
 * Where a read over a range and its previous period takes its rows from: a `FROM (…)` with
 * `t` (bucket start or instant), the given dimensions and `events`, and the parameters that
 * bound it (`cur_from` included). The gateway reads the aggregate tiers (TIERED); the
 * benchmark's baseline passes the raw table to the same query builders.
 */
export interface PeriodSource {
  /** Prefix of the query family ('' for the tiers). */
  readonly family: string;
  from(wdb: WorkspaceDb, dims: readonly AggDimension[], where: string, filter: EventFilterValue | null | undefined): string;
  params(range: ResolvedRange): Record<string, unknown>;
}

export const TIERED: PeriodSource = { family: '', from: tieredSource, params: periodParams };

/** Parameters for tieredSource covering the range and its previous period. */
export function periodParams(range: ResolvedRange): Record<string, unknown> {
  return { ...planParams([planTiers(range.previousFrom, range.previousTo), planTiers(range.from, range.to)]), cur_from: range.from / 1000 };
}

/** Parameters for tieredSource over the given plans (spans merged in order). */
export function planParams(plans: TierPlan[]): Record<string, unknown> {
  const hours = plans.flatMap((p) => (p.hours ? [p.hours] : []));
  const minutes = plans.flatMap((p) => p.minutes);
  if (hours.length > HOUR_SPANS || minutes.length > MINUTE_SPANS) throw new Error('tier plan has more spans than the SQL has slots');
  const params: Record<string, unknown> = {};
  const put = (prefix: string, spans: Span[], n: number) => {
    for (let i = 0; i < n; i++) {
      params[`${prefix}${i}f`] = spans[i] ? spans[i].from / 1000 : 0;
      params[`${prefix}${i}t`] = spans[i] ? spans[i].to / 1000 : 0;
    }
  };
  put('h', hours, HOUR_SPANS);
  put('m', minutes, MINUTE_SPANS);
  return params;
}
