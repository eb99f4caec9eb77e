/**
 * Which aggregate answers which part of a range. Whole hours come from the hour
 * table; the ragged minutes at either end from the minute table. Ranges are
 * minute-aligned (see time-range.ts), so the union is exact.
 */
export interface Span {
  from: number;
  to: number;
}

export interface TierPlan {
  /** At most one span of whole hours. */
  hours: Span | null;
  /** At most two spans: the ragged head and tail (or the whole range when it holds no whole hour). */
  minutes: Span[];
}

const HOUR = 3_600_000;

export function planTiers(from: number, to: number): TierPlan {
  if (to <= from) return { hours: null, minutes: [] };
  const firstHour = Math.ceil(from / HOUR) * HOUR;
  const lastHour = Math.floor(to / HOUR) * HOUR;
  if (lastHour <= firstHour) return { hours: null, minutes: [{ from, to }] };
  const minutes: Span[] = [];
  if (from < firstHour) minutes.push({ from, to: firstHour });
  if (lastHour < to) minutes.push({ from: lastHour, to });
  return { hours: { from: firstHour, to: lastHour }, minutes };
}

/** A plan with only minute spans (for sub-hour buckets, or zones with half-hour offsets). */
export function minutesOnly(from: number, to: number): TierPlan {
  return to <= from ? { hours: null, minutes: [] } : { hours: null, minutes: [{ from, to }] };
}

const DAY = 24 * HOUR;

/** Which aggregate answers which part of a range when a day tier is read as well. */
export interface DayTierPlan {
  /** At most one span of whole UTC days. */
  days: Span | null;
  /** At most two spans of whole hours: before the first day and after the last (or one without days). */
  hours: Span[];
  /** At most two spans of ragged minutes, at either end. */
  minutes: Span[];
}

/**
 * planTiers with whole UTC days in the middle: days from the day table, whole hours at either
 * end from the hour table, ragged minutes from the minute table. Days are UTC days wholly
 * inside [from, to): a range is a pair of instants whatever its time zone, so totals over it
 * are exact in any zone (only bucketed series depend on the zone, and they never use days).
 * Without a whole day inside, it is planTiers. Pure; tested.
 */
export function planDayTiers(from: number, to: number): DayTierPlan {
  const firstDay = Math.ceil(from / DAY) * DAY;
  const lastDay = Math.floor(to / DAY) * DAY;
  if (to <= from || lastDay <= firstDay) {
    const p = planTiers(from, to);
    return { days: null, hours: p.hours ? [p.hours] : [], minutes: p.minutes };
  }
  const head = planTiers(from, firstDay);
  const tail = planTiers(lastDay, to);
  return {
    days: { from: firstDay, to: lastDay },
    hours: [head.hours, tail.hours].filter((s): s is Span => s !== null),
    minutes: [...head.minutes, ...tail.minutes],
  };
}
