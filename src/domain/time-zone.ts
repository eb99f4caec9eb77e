/**
 * Time-zone arithmetic on the IANA database that Intl ships, so buckets computed
 * here agree with ClickHouse's toStartOfDay(t, tz) / toStartOfHour(t, tz).
 */
import ZONE_NAMES from './time-zone-names.json';

/** Zone names as callers wrote them → canonical name (or null: not a zone). Bounded: cleared when full. */
const canonicalByInput = new Map<string, string | null>();
const MAX_CACHED_INPUTS = 1_000;
/** One formatter per known zone: a closed set of a few hundred names, so bounded by construction. */
const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * Every zone name ClickHouse knows (its `system.time_zones`, aliases included, less
 * `Factory`), by lower case: Intl accepts any case, ClickHouse only the exact one.
 * test/integration/time-zones.test.ts checks the list against the engine.
 */
const KNOWN_BY_LOWER = new Map((ZONE_NAMES as string[]).map((name) => [name.toLowerCase(), name]));

function newFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/**
 * The IANA name of a zone as ClickHouse spells it, whatever case the caller wrote it in
 * (`europe/berlin` → `Europe/Berlin`; `Asia/Kolkata` stays `Asia/Kolkata`), or null when it
 * is not a zone both ClickHouse and Intl know. Only these names reach SQL or the formatters.
 */
export function canonicalTimeZone(input: string): string | null {
  const known = canonicalByInput.get(input);
  if (known !== undefined) return known;
  const canonical = input.length <= 64 ? (KNOWN_BY_LOWER.get(input.toLowerCase()) ?? null) : null;
  if (canonicalByInput.size >= MAX_CACHED_INPUTS) canonicalByInput.clear();
  canonicalByInput.set(input, canonical);
  return canonical;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  const canonical = canonicalTimeZone(timeZone);
  if (canonical === null) throw new RangeError(`Invalid time zone: ${timeZone}`);
  let f = formatters.get(canonical);
  if (!f) formatters.set(canonical, (f = newFormatter(canonical)));
  return f;
}

/** Sizes of the zone caches (tests check they stay bounded). */
export function timeZoneCacheSizes(): { inputs: number; formatters: number } {
  return { inputs: canonicalByInput.size, formatters: formatters.size };
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Offset of the zone from UTC at instant `ms`, in ms (east positive). */
export function zoneOffset(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of a wall-clock time in the zone (the earlier one when ambiguous, shifted forward when skipped). */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  let ms = guess - zoneOffset(guess, timeZone);
  const second = guess - zoneOffset(ms, timeZone);
  if (second !== ms) ms = Math.min(ms, second);
  return ms;
}

/** Start of the zoned calendar day containing `ms`. */
export function startOfZonedDay(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return zonedToUtc(p.year, p.month, p.day, 0, 0, timeZone);
}

/** Start of the next zoned calendar day after the day starting at `dayStart`. */
export function nextZonedDay(dayStart: number, timeZone: string): number {
  const p = zonedParts(dayStart + 36 * 3_600_000, timeZone); // well inside the next day, even on 23/25-hour days
  return zonedToUtc(p.year, p.month, p.day, 0, 0, timeZone);
}

/** True when the zone's offset is a whole number of hours at every day boundary in [from, to]. */
export function hasWholeHourOffsets(from: number, to: number, timeZone: string): boolean {
  for (let t = from; t <= to + 86_400_000; t += 86_400_000) {
    if (zoneOffset(Math.min(t, to), timeZone) % 3_600_000 !== 0) return false;
  }
  return true;
}
