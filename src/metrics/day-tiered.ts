import { planDayTiers, type DayTierPlan, type Span } from '../domain/tier-plan';
import type { ResolvedRange } from '../domain/time-range';
import { aggregateFamily, FILTER_SQL, MINUTE_SPANS, spanList, type AggDimension, type EventFilterValue, type PeriodSource } from './tiered';
import type { WorkspaceDb } from './workspace-db';

/**
 * The tiers with a day tier in the middle, for reads that total a range and its previous
 * period (the pipeline view): whole UTC days (`d0f`…), whole hours at either end (`h0f`…, two
 * per period) and ragged minutes (`m0f`…), as planDayTiers splits each period. Rows carry `t`,
 * the bucket start, as in tieredSource.
 *
 * Time zones: day rows are UTC days and are read only for UTC days wholly inside a period's
 * instants, so the answer is exact whatever the range's zone (a Berlin midnight-to-midnight
 * range reads 23:00–24:00 UTC from hours, then UTC days, then hours up to 23:00). Series
 * bucketed by a zone's days never read this source.
 *
 * Only the steps family has a day table (`steps_day`, migrations 0045–0047); the events and
 * connections families read the day spans from their hour table, which is as exact.
 */
export const DAY_SPANS = 2;
export const EDGE_HOUR_SPANS = 4;

export function dayTieredSource(wdb: WorkspaceDb, dims: readonly AggDimension[], where: string, filter: EventFilterValue | null | undefined): string {
  const family = aggregateFamily(dims, filter);
  const filterSql = family === 'events' ? FILTER_SQL : '';
  const cols = dims.join(', ');
  const branch = (table: 'steps_day' | `${typeof family}_hour` | `${typeof family}_minute`, column: string, spans: string) =>
    `SELECT ${column} AS t, ${cols}, events FROM ${wdb.table(table)}
    WHERE workspace_id = {workspace:String} AND (${spans}) ${where} ${filterSql}`;
  const hours = spanList('hour', 'h', EDGE_HOUR_SPANS);
  const parts =
    family === 'steps'
      ? [branch('steps_day', 'day', spanList('day', 'd', DAY_SPANS)), branch('steps_hour', 'hour', hours)]
      : [branch(`${family}_hour`, 'hour', `${hours} OR ${spanList('hour', 'd', DAY_SPANS)}`)];
  parts.push(branch(`${family}_minute`, 'minute', spanList('minute', 'm', MINUTE_SPANS)));
  return `(
    ${parts.join('\n    UNION ALL\n    ')}
  )`;
}

/** Parameters for dayTieredSource over the given plans (spans merged in order). */
export function dayPlanParams(plans: DayTierPlan[]): Record<string, unknown> {
  const days = plans.flatMap((p) => (p.days ? [p.days] : []));
  const hours = plans.flatMap((p) => p.hours);
  const minutes = plans.flatMap((p) => p.minutes);
  if (days.length > DAY_SPANS || hours.length > EDGE_HOUR_SPANS || minutes.length > MINUTE_SPANS) throw new Error('day tier plan has more spans than the SQL has slots');
  const params: Record<string, unknown> = {};
  const put = (prefix: string, spans: Span[], n: number) => {
    for (let i = 0; i < n; i++) {
      params[`${prefix}${i}f`] = spans[i] ? spans[i].from / 1000 : 0;
      params[`${prefix}${i}t`] = spans[i] ? spans[i].to / 1000 : 0;
    }
  };
  put('d', days, DAY_SPANS);
  put('h', hours, EDGE_HOUR_SPANS);
  put('m', minutes, MINUTE_SPANS);
  return params;
}

/** The range and its previous period, each planned on its own (a day row never straddles `cur_from`). */
export function dayPeriodParams(range: ResolvedRange): Record<string, unknown> {
  return { ...dayPlanParams([planDayTiers(range.previousFrom, range.previousTo), planDayTiers(range.from, range.to)]), cur_from: range.from / 1000 };
}

/** The pipeline's row source: days, hours and minutes. */
export const DAY_TIERED: PeriodSource = { family: '', from: dayTieredSource, params: dayPeriodParams };
