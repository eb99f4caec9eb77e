import { AppError, ErrorCode } from '../../domain/errors';
import { isoInstant } from '../../domain/iso-instant';
import { MAX_LOOKBACK_MS, resolveTimeRange, type ResolvedRange } from '../../domain/time-range';
import { GRANULARITIES, type Dimension, type Granularity } from '../../metrics/timeseries.query';
import type { EventFilterValue } from '../../metrics/tiered';
import { COMPAT_DIMENSIONS, type CompatDimension, type CompatEndpoint } from './endpoints';
import { flattenQuery } from './query-string';

/** One request of the compat API, checked: every value in our terms. */
export interface CompatRequest {
  sourceId: string;
  /** Destination-side endpoints only. */
  destinationId: string | null;
  /** Actions mapping (the reference's subscriptionId). */
  mappingId: string | null;
  range: ResolvedRange;
  granularity: Granularity;
  /** The reference's names, in the order given, without repeats. */
  groupBy: CompatDimension[];
  dimensions: Dimension[];
  filter: EventFilterValue | null;
  reasons: string[] | null;
  count: number;
  offset: number;
}

/** Several problems with one request, each naming its parameter (the reference lists them all). */
export class InputProblems extends AppError {
  constructor(readonly problems: { message: string; field: string }[]) {
    super(ErrorCode.BAD_USER_INPUT, problems[0].message, { field: problems[0].field });
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The reference's limits per granularity: widest range, oldest start. Ours stop at the 14 days kept. */
const LIMITS: Record<Granularity, { width: number; oldest: number; words: string }> = {
  MINUTE: { width: 4 * HOUR, oldest: 48 * HOUR, words: 'minute allows ranges up to 4 hours starting in the last 48 hours' },
  HOUR: { width: 14 * DAY, oldest: MAX_LOOKBACK_MS, words: 'hour allows ranges up to 14 days' },
  DAY: { width: 30 * DAY, oldest: MAX_LOOKBACK_MS, words: 'day allows ranges up to 30 days' },
};
export const DEFAULT_COUNT = 200;
export const MAX_COUNT = 1000;
const MAX_FILTER_VALUES = 100;

/** Reads and checks the query string of one endpoint; all problems at once, as 422. */
export function parseCompatParams(query: URLSearchParams, endpoint: CompatEndpoint, now: number): CompatRequest {
  const flat = flattenQuery(query);
  const problems: { message: string; field: string }[] = [];
  const fail = (field: string, message: string) => void problems.push({ field, message });
  const known = [
    'sourceId',
    'startTime',
    'endTime',
    'granularity',
    'groupBy',
    'pagination.count',
    'pagination.cursor',
    ...endpoint.dimensions.map((d) => `filter.${d}`),
  ];
  if (endpoint.destinationSide) known.push('destinationConfigId', 'subscriptionId');
  for (const key of flat.keys())
    if (!known.includes(key)) fail(key.slice(0, 64), `"${key.slice(0, 64)}" is not a parameter of this endpoint; it takes ${known.join(', ')}`);
  const one = (field: string, required: boolean): string | null => {
    const v = flat.get(field);
    if (v === undefined || v[0] === '') return required ? (fail(field, `"${field}" is required`), null) : null;
    if (v.length > 1) return (fail(field, `"${field}" is given more than once`), null);
    return v[0].length > 256 ? (fail(field, `"${field}" is longer than 256 characters`), null) : v[0];
  };
  const sourceId = one('sourceId', true);
  const destinationId = endpoint.destinationSide ? one('destinationConfigId', true) : null;
  const mappingId = endpoint.destinationSide ? one('subscriptionId', false) : null;
  const granularity = granularityOf(one('granularity', true), fail);
  const range = rangeOf(one('startTime', true), one('endTime', true), granularity, now, fail);
  const groupBy = groupByOf(flat.get('groupBy') ?? [], endpoint, fail);
  const { filter, reasons } = filterOf(flat, endpoint, fail);
  const count = countOf(one('pagination.count', false), fail);
  const offset = offsetOf(one('pagination.cursor', false), fail);
  if (problems.length > 0) throw new InputProblems(problems);
  return {
    sourceId: sourceId!,
    destinationId,
    mappingId,
    range: range!,
    granularity: granularity!,
    groupBy,
    dimensions: groupBy.map((d) => COMPAT_DIMENSIONS[d]),
    filter,
    reasons,
    count,
    offset,
  };
}

type Fail = (field: string, message: string) => void;

function granularityOf(value: string | null, fail: Fail): Granularity | null {
  if (value === null) return null;
  const g = value.toUpperCase() as Granularity;
  if (GRANULARITIES.includes(g)) return g;
  fail('granularity', 'granularity is minute, hour or day');
  return null;
}

/** [startTime, endTime) without the dashboards' 5-minute lookback (as the reference's API), inside its granularity's limits. */
function rangeOf(start: string | null, end: string | null, granularity: Granularity | null, now: number, fail: Fail): ResolvedRange | null {
  if (start === null || end === null) return null;
  let range: ResolvedRange;
  try {
    range = resolveTimeRange({ from: isoInstant(start, 'startTime'), to: isoInstant(end, 'endTime'), lookback: false }, now, false);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const field = String(err.details?.field ?? 'startTime');
    fail(field === 'from' ? 'startTime' : field === 'to' ? 'endTime' : field, err.message.replace(/\bfrom\b/, 'startTime').replace(/\bto\b/, 'endTime'));
    return null;
  }
  if (granularity === null) return range;
  const limit = LIMITS[granularity];
  if (range.to - range.from > limit.width) fail('granularity', `The range is too wide for this granularity: ${limit.words}`);
  else if (range.from < now - limit.oldest - 60_000) fail('startTime', `startTime is too old for this granularity: ${limit.words}`);
  return range;
}

function groupByOf(values: string[], endpoint: CompatEndpoint, fail: Fail): CompatDimension[] {
  const out: CompatDimension[] = [];
  for (const name of values.flatMap((v) => v.split(',')).map((v) => v.trim())) {
    if (!(endpoint.dimensions as readonly string[]).includes(name))
      fail('groupBy', `groupBy takes ${endpoint.dimensions.join(', ')} here, not "${name.slice(0, 64)}"`);
    else if (!out.includes(name as CompatDimension)) out.push(name as CompatDimension);
  }
  return out;
}

function filterOf(flat: Map<string, string[]>, endpoint: CompatEndpoint, fail: Fail): { filter: EventFilterValue | null; reasons: string[] | null } {
  const list = (d: CompatDimension): string[] | null => {
    const v = flat.get(`filter.${d}`);
    if (v === undefined || !endpoint.dimensions.includes(d)) return null;
    if (v.length > MAX_FILTER_VALUES) fail(`filter.${d}`, `filter.${d} takes at most ${MAX_FILTER_VALUES} values`);
    return v;
  };
  const [eventNames, eventTypes, appVersions, reasons] = [list('eventName'), list('eventType'), list('appVersion'), list('discardReason')];
  const filter = eventNames || eventTypes || appVersions ? { eventNames, eventTypes, appVersions, enriched: null } : null;
  return { filter, reasons };
}

function countOf(value: string | null, fail: Fail): number {
  if (value === null) return DEFAULT_COUNT;
  const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (n >= 1 && n <= MAX_COUNT) return n;
  fail('pagination.count', `pagination.count is a whole number from 1 to ${MAX_COUNT}`);
  return DEFAULT_COUNT;
}

/** Cursors are the offset into the ordered dataset, base64 (as the reference writes its own: "MA==" is the first page). */
export function cursorOf(offset: number): string {
  return Buffer.from(String(offset)).toString('base64');
}

function offsetOf(value: string | null, fail: Fail): number {
  if (value === null) return 0;
  const text = Buffer.from(value, 'base64').toString('utf8');
  if (/^\d{1,9}$/.test(text) && cursorOf(Number(text)) === value) return Number(text);
  fail('pagination.cursor', 'pagination.cursor is not a cursor this API returned');
  return 0;
}
