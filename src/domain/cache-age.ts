import { LOOKBACK_MS, type ResolvedRange, type TimeRangeRequest } from './time-range';

/**
 * How long an answer about a time range may be kept by the caller's own (private) cache.
 * The numbers only move in three ways, so there are three ages:
 * - a range that reaches into the last five minutes (the lookback turned off) counts reports
 *   still arriving: not kept at all;
 * - a range the clock sets (a preset, or a `to` the lookback moved back) names another window
 *   a minute later: kept briefly, so a repeated request within the same minute is free;
 * - fixed instants that ended before the lookback: its reports are in, so its answer stays.
 */
export const CACHE_SECONDS = { live: 0, rolling: 30, settled: 3600 } as const;

const MINUTE = 60_000;

/** The cache age of an answer over `range`, resolved from `asked` at `now`. Pure. */
export function rangeCacheSeconds(asked: TimeRangeRequest, range: ResolvedRange, now: number): number {
  const settledUntil = Math.floor((now - LOOKBACK_MS) / MINUTE) * MINUTE;
  if (range.to > settledUntil) return CACHE_SECONDS.live;
  if (asked.preset != null || range.lookback) return CACHE_SECONDS.rolling;
  return CACHE_SECONDS.settled;
}
