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
