import { timeZoneCacheSizes } from '../../src/domain/time-zone';
import { AppError, ErrorCode } from '../../src/domain/errors';
import { resolveTimeRange, TimeRangePreset, type TimeRangeRequest } from '../../src/domain/time-range';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** A frozen clock: 2026-11-25 12:07:30.000 UTC (not on a minute boundary). */
const NOW = Date.UTC(2026, 10, 25, 12, 7, 30);
const at = (h: number, m: number, s = 0, ms = 0) => Date.UTC(2026, 10, 25, h, m, s, ms);

function resolveError(req: TimeRangeRequest, now = NOW, defaultLookback = true): AppError {
  let caught: unknown;
  try {
    resolveTimeRange(req, now, defaultLookback);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  const err = caught as AppError;
  expect(err.code).toBe(ErrorCode.TIME_RANGE_INVALID);
  return err;
}

describe('resolveTimeRange: presets', () => {
  const durations: [TimeRangePreset, number][] = [
    [TimeRangePreset.LAST_10_MINUTES, 10 * MIN],
    [TimeRangePreset.LAST_HOUR, HOUR],
    [TimeRangePreset.LAST_24_HOURS, DAY],
    [TimeRangePreset.LAST_7_DAYS, 7 * DAY],
    [TimeRangePreset.LAST_2_WEEKS, 14 * DAY],
  ];

  it.each(durations)('%s with the default 5-minute lookback ends at floor(now − 5 min)', (preset, len) => {
    const r = resolveTimeRange({ preset }, NOW);
    const to = at(12, 2); // 12:07:30 − 5 min = 12:02:30 → 12:02
    expect(r).toEqual({ from: to - len, to, previousFrom: to - 2 * len, previousTo: to - len, timeZone: 'UTC', lookback: true });
  });

  it.each(durations)('%s with lookback: true (explicit) is the same as the default', (preset) => {
    expect(resolveTimeRange({ preset, lookback: true }, NOW)).toEqual(resolveTimeRange({ preset }, NOW));
  });

  it.each(durations)('%s with lookback: false ends at the end of the current minute, floor(now) + 1 min', (preset, len) => {
    const r = resolveTimeRange({ preset, lookback: false }, NOW);
    const to = at(12, 8); // 12:07:30 → the current minute [12:07, 12:08) is included
    expect(r).toEqual({ from: to - len, to, previousFrom: to - 2 * len, previousTo: to - len, timeZone: 'UTC', lookback: false });
  });

  it('uses the caller-supplied default when lookback is not given, and an explicit value over it', () => {
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR }, NOW, false).to).toBe(at(12, 8));
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, lookback: null }, NOW, false).to).toBe(at(12, 8));
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, lookback: true }, NOW, false).to).toBe(at(12, 2));
  });

  it('ends exactly on a minute when now is exactly on a minute', () => {
    const now = at(12, 7);
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_10_MINUTES, lookback: false }, now)).toMatchObject({ from: at(11, 58), to: at(12, 8) });
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_10_MINUTES }, now)).toMatchObject({ from: at(11, 52), to: at(12, 2) });
    // One millisecond before the minute still belongs to the previous minute.
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_10_MINUTES, lookback: false }, now - 1)).toMatchObject({ to: at(12, 7) });
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_10_MINUTES }, now - 1)).toMatchObject({ to: at(12, 1) });
  });

  it('keeps the caller time zone (it does not move the instants)', () => {
    const utc = resolveTimeRange({ preset: TimeRangePreset.LAST_24_HOURS }, NOW);
    for (const timeZone of ['America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'Europe/Berlin']) {
      expect(resolveTimeRange({ preset: TimeRangePreset.LAST_24_HOURS, timeZone }, NOW)).toEqual({ ...utc, timeZone });
    }
  });

  it('every preset result is minute-aligned, half-open and has an adjacent previous period of the same length', () => {
    for (const [preset] of durations) {
      for (const lookback of [true, false]) {
        for (let k = 0; k < 200; k++) {
          const now = NOW + k * 7_919; // walks across several minute boundaries
          const r = resolveTimeRange({ preset, lookback }, now);
          expect(r.from % MIN).toBe(0);
          expect(r.to % MIN).toBe(0);
          expect(r.previousTo).toBe(r.from);
          expect(r.to - r.from).toBe(r.previousTo - r.previousFrom);
          if (lookback) {
            // The last whole minute that ended at least 5 minutes ago.
            expect(r.to).toBeLessThanOrEqual(now - 5 * MIN);
            expect(r.to).toBeGreaterThan(now - 6 * MIN);
          } else {
            // The end of the current minute: now is inside the range's last minute.
            expect(r.to).toBeGreaterThan(now);
            expect(r.to).toBeLessThanOrEqual(now + MIN);
          }
        }
      }
    }
  });
});

describe('resolveTimeRange: custom ranges', () => {
  it('floors both ends to the minute and builds the previous period from the floored length', () => {
    const r = resolveTimeRange({ from: new Date(at(9, 13, 45, 500)), to: new Date(at(11, 2, 59, 999)) }, NOW);
    expect(r).toEqual({ from: at(9, 13), to: at(11, 2), previousFrom: at(7, 24), previousTo: at(9, 13), timeZone: 'UTC', lookback: false });
  });

  it('says the lookback applied only when it moved a custom end back', () => {
    expect(resolveTimeRange({ from: new Date(at(11, 0)), to: new Date(at(12, 7)) }, NOW)).toMatchObject({ to: at(12, 2), lookback: true });
    expect(resolveTimeRange({ from: new Date(at(11, 0)), to: new Date(at(12, 2)) }, NOW)).toMatchObject({ to: at(12, 2), lookback: false });
    expect(resolveTimeRange({ from: new Date(at(11, 0)), to: new Date(at(12, 7)), lookback: false }, NOW)).toMatchObject({ to: at(12, 7), lookback: false });
  });

  it('keeps minute-aligned ends as they are', () => {
    const r = resolveTimeRange({ from: new Date(at(10, 0)), to: new Date(at(11, 0)), timeZone: 'Asia/Kolkata' }, NOW);
    expect(r).toEqual({ from: at(10, 0), to: at(11, 0), previousFrom: at(9, 0), previousTo: at(10, 0), timeZone: 'Asia/Kolkata', lookback: false });
  });

  it('clamps the end to floor(now − 5 min) under lookback, to the end of the current minute without', () => {
    const req = { from: new Date(at(11, 0)), to: new Date(at(12, 9, 10)) };
    expect(resolveTimeRange(req, NOW)).toMatchObject({ from: at(11, 0), to: at(12, 2), previousFrom: at(9, 58) });
    expect(resolveTimeRange({ ...req, lookback: false }, NOW)).toMatchObject({ from: at(11, 0), to: at(12, 8), previousFrom: at(9, 52) });
    // An end inside the current minute floors to its start; it is not pushed to the minute's end.
    expect(resolveTimeRange({ from: new Date(at(11, 0)), to: new Date(at(12, 7, 10)), lookback: false }, NOW)).toMatchObject({ to: at(12, 7) });
  });

  it('accepts an end up to two minutes in the future (clock skew) and clamps it', () => {
    const r = resolveTimeRange({ from: new Date(at(12, 0)), to: new Date(NOW + 2 * MIN), lookback: false }, NOW);
    expect(r).toMatchObject({ from: at(12, 0), to: at(12, 8) });
    expect(resolveTimeRange({ from: new Date(at(12, 0)), to: new Date(NOW + 2 * MIN) }, NOW)).toMatchObject({ from: at(12, 0), to: at(12, 2) });
  });

  it('rejects from ≥ to', () => {
    expect(resolveError({ from: new Date(at(11, 0)), to: new Date(at(11, 0)) }).details).toMatchObject({ field: 'from' });
    expect(resolveError({ from: new Date(at(11, 30)), to: new Date(at(11, 0)) }).details).toMatchObject({ field: 'from' });
  });

  it('rejects an end in the future', () => {
    expect(resolveError({ from: new Date(at(11, 0)), to: new Date(NOW + HOUR) }).details).toMatchObject({ field: 'to' });
    expect(resolveError({ from: new Date(at(11, 0)), to: new Date(NOW + 2 * MIN + 1), lookback: false }).details).toMatchObject({ field: 'to' });
  });

  it('rejects a start older than 14 days', () => {
    expect(resolveError({ from: new Date(NOW - 15 * DAY), to: new Date(NOW - 14 * DAY + HOUR) }).details).toMatchObject({ field: 'from' });
    expect(resolveError({ from: new Date(NOW - 14 * DAY - 2 * MIN), to: new Date(NOW - DAY) }).details).toMatchObject({ field: 'from' });
  });

  it('clamps a start at most a minute beyond 14 days to the 14-day bound (floored)', () => {
    const r = resolveTimeRange({ from: new Date(NOW - 14 * DAY - 30_000), to: new Date(NOW - DAY) }, NOW);
    expect(r.from).toBe(Math.floor((NOW - 14 * DAY) / MIN) * MIN);
    expect(r.to).toBe(at(12, 7) - DAY);
  });

  it('rejects an unknown time zone (presets and custom ranges alike)', () => {
    expect(resolveError({ preset: TimeRangePreset.LAST_HOUR, timeZone: 'Mars/Olympus' }).details).toMatchObject({ field: 'timeZone' });
    expect(resolveError({ from: new Date(at(10, 0)), to: new Date(at(11, 0)), timeZone: 'Not/AZone' }).details).toMatchObject({ field: 'timeZone' });
  });

  it('rejects a preset together with from or to', () => {
    resolveError({ preset: TimeRangePreset.LAST_HOUR, from: new Date(at(10, 0)) });
    resolveError({ preset: TimeRangePreset.LAST_HOUR, to: new Date(at(11, 0)) });
    resolveError({ preset: TimeRangePreset.LAST_HOUR, from: new Date(at(10, 0)), to: new Date(at(11, 0)) });
  });

  it('rejects a custom range missing from or to, and an empty request', () => {
    resolveError({ from: new Date(at(10, 0)) });
    resolveError({ to: new Date(at(11, 0)) });
    resolveError({});
  });

  it('rejects invalid dates', () => {
    resolveError({ from: new Date('not a date'), to: new Date(at(11, 0)) });
    resolveError({ from: new Date(at(10, 0)), to: new Date(Number.NaN) });
  });

  it('rejects a custom range that lies entirely inside the lookback window, unless lookback is off', () => {
    const req = { from: new Date(at(12, 3)), to: new Date(at(12, 6)) };
    const err = resolveError(req);
    expect(err.details).toMatchObject({ field: 'to' });
    expect(err.message).toMatch(/lookback/);
    expect(resolveTimeRange({ ...req, lookback: false }, NOW)).toMatchObject({ from: at(12, 3), to: at(12, 6), previousFrom: at(12, 0) });
    // Starting exactly at the clamped end is empty too.
    expect(resolveError({ from: new Date(at(12, 2)), to: new Date(at(12, 6)) }).details).toMatchObject({ field: 'to' });
    // One minute before it is the shortest valid range.
    expect(resolveTimeRange({ from: new Date(at(12, 1)), to: new Date(at(12, 6)) }, NOW)).toMatchObject({ from: at(12, 1), to: at(12, 2) });
  });

  it('rejects a range that floors to less than one minute', () => {
    expect(resolveError({ from: new Date(at(11, 0, 10)), to: new Date(at(11, 0, 50)) }).details).toMatchObject({ field: 'to' });
  });
});

describe('time-zone names (security review, item 6)', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0);
  it('spells zones as ClickHouse does, whatever case they came in, so only known names reach SQL', () => {
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, timeZone: 'europe/berlin' }, now).timeZone).toBe('Europe/Berlin');
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, timeZone: 'us/eastern' }, now).timeZone).toBe('US/Eastern');
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, timeZone: 'Asia/Kolkata' }, now).timeZone).toBe('Asia/Kolkata');
    expect(resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, timeZone: 'utc' }, now).timeZone).toBe('UTC');
  });

  it('refuses offsets and junk with TIME_RANGE_INVALID', () => {
    for (const timeZone of ['+05:00', 'Z', 'Mars/Base', 'x'.repeat(5000)]) {
      expect(() => resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, timeZone }, now)).toThrow(expect.objectContaining({ code: 'TIME_RANGE_INVALID' }));
    }
  });

  it('keeps its caches bounded under thousands of case variants', () => {
    const base = 'europe/berlin';
    for (let i = 0; i < 5000; i++) {
      const variant = [...base].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join('');
      resolveTimeRange({ preset: TimeRangePreset.LAST_HOUR, timeZone: variant }, now);
    }
    const sizes = timeZoneCacheSizes();
    expect(sizes.inputs).toBeLessThanOrEqual(1000);
    expect(sizes.formatters).toBeLessThanOrEqual(600);
  });
});
