import type { ResolvedRange } from '../domain/time-range';
import { planTiers, type Span, type TierPlan } from '../domain/tier-plan';

/**
 * SQL text for reading the current and previous period of a range from the two
 * aggregate tiers. The text is constant for a given column list; every instant is
 * a bound parameter (`h0f`… for hour spans, `m0f`… for minute spans; unused spans
 * are empty [0, 0)). Rows carry `t`, the bucket start, so callers split the
 * periods with `t >= {cur_from}`.
 */
export const HOUR_SPANS = 2;
export const MINUTE_SPANS = 4;

/** Dimension columns both aggregate tables share (a whitelist: callers pick from it). */
export const AGG_DIMENSIONS = ['step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'event_type', 'event_name', 'app_version', 'enriched'] as const;
export type AggDimension = (typeof AGG_DIMENSIONS)[number];

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

function spanList(name: 'hour' | 'minute', prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `(${name} >= toDateTime({${prefix}${i}f:UInt32}, 'UTC') AND ${name} < toDateTime({${prefix}${i}t:UInt32}, 'UTC'))`).join(' OR ');
}

/**
 * `FROM (…)` over both tiers with `t`, the given dimensions and `events`.
 * `where` is additional constant SQL (with its own bound parameters).
 */
export function tieredSource(table: (t: 'events_hour' | 'events_minute') => string, dims: readonly AggDimension[], where: string): string {
  const cols = dims.join(', ');
  return `(
    SELECT hour AS t, ${cols}, events FROM ${table('events_hour')}
    WHERE workspace_id = {workspace:String} AND (${spanList('hour', 'h', HOUR_SPANS)}) ${where} ${FILTER_SQL}
    UNION ALL
    SELECT minute AS t, ${cols}, events FROM ${table('events_minute')}
    WHERE workspace_id = {workspace:String} AND (${spanList('minute', 'm', MINUTE_SPANS)}) ${where} ${FILTER_SQL}
  )`;
}

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
