import { AppError, ErrorCode } from './errors';
import { canonicalTimeZone } from './time-zone';

export enum TimeRangePreset {
  LAST_10_MINUTES = 'LAST_10_MINUTES',
  LAST_HOUR = 'LAST_HOUR',
  LAST_24_HOURS = 'LAST_24_HOURS',
  LAST_7_DAYS = 'LAST_7_DAYS',
  LAST_2_WEEKS = 'LAST_2_WEEKS',
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const PRESET_DURATION_MS: Record<TimeRangePreset, number> = {
  LAST_10_MINUTES: 10 * MINUTE,
  LAST_HOUR: HOUR,
  LAST_24_HOURS: DAY,
  LAST_7_DAYS: 7 * DAY,
  LAST_2_WEEKS: 14 * DAY,
};

/** How far back a range may reach: the longest preset. */
export const MAX_LOOKBACK_MS = 14 * DAY;
/** Dashboards end ranges this long before now so late reports do not make the last minutes jump. */
export const LOOKBACK_MS = 5 * MINUTE;

export interface TimeRangeRequest {
  preset?: TimeRangePreset | null;
  from?: Date | null;
  to?: Date | null;
  timeZone?: string | null;
  /** Default true: end at now − 5 minutes. */
  lookback?: boolean | null;
}

/** A resolved range: minute-aligned instants (ms), half-open [from, to), and the period before it. */
export interface ResolvedRange {
  from: number;
  to: number;
  previousFrom: number;
  previousTo: number;
  timeZone: string;
  /**
   * True when the 5-minute lookback set the end: a preset with the lookback on, or a custom
   * `to` later than now − 5 minutes that was moved back to it. Reports newer than `to` are
   * not counted yet.
   */
  lookback: boolean;
}

function invalid(message: string, details?: Record<string, unknown>): AppError {
  return new AppError(ErrorCode.TIME_RANGE_INVALID, message, details);
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

/**
 * Turns what the caller asked for into instants. Ranges have minute resolution (the
 * finest aggregate), so both ends are floored to the minute. Pure: `now` is given.
 */
export function resolveTimeRange(req: TimeRangeRequest, now: number, defaultLookback = true): ResolvedRange {
  const asked = req.timeZone ?? 'UTC';
  // Canonical from here on: ClickHouse knows `Europe/Berlin`, not `europe/berlin`.
  const timeZone = canonicalTimeZone(asked);
  if (timeZone === null) throw invalid(`Unknown time zone "${asked.slice(0, 64)}"; use an IANA name such as Europe/Berlin`, { field: 'timeZone' });
  const lookback = req.lookback ?? defaultLookback;
  // Without the lookback the range reaches the end of the current minute, so the
  // freshest reports count at once (live views); with it, ranges end on a minute
  // boundary five minutes back.
  const latest = lookback ? floorMinute(now - LOOKBACK_MS) : floorMinute(now) + MINUTE;
  const hasCustom = req.from != null || req.to != null;
  let from: number;
  let to: number;
  let heldBack = lookback;
  if (req.preset != null) {
    if (hasCustom) throw invalid('Give either a preset or from/to, not both');
    to = latest;
    from = to - PRESET_DURATION_MS[req.preset];
  } else {
    if (req.from == null || req.to == null) throw invalid('Give a preset, or both from and to');
    const f = req.from.getTime();
    const t = req.to.getTime();
    if (Number.isNaN(f) || Number.isNaN(t)) throw invalid('from and to must be valid date-times');
    if (f >= t) throw invalid('from must be before to', { field: 'from' });
    if (t > now + 2 * MINUTE) throw invalid('to is in the future', { field: 'to' });
    if (f < now - MAX_LOOKBACK_MS - MINUTE) throw invalid('from is older than 14 days; ranges must lie inside the last 14 days', { field: 'from' });
    from = floorMinute(Math.max(f, now - MAX_LOOKBACK_MS));
    to = Math.min(floorMinute(t), latest);
    heldBack = lookback && floorMinute(t) > latest;
    if (to <= from) {
      throw invalid(
        lookback ? 'The range ends within the 5-minute lookback window; move it earlier or pass lookback: false' : 'The range is shorter than one minute',
        { field: 'to' },
      );
    }
  }
  const length = to - from;
  return { from, to, previousFrom: from - length, previousTo: from, timeZone, lookback: heldBack };
}
