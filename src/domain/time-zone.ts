/**
 * Time-zone arithmetic on the IANA database that Intl ships, so buckets computed
 * here agree with ClickHouse's toStartOfDay(t, tz) / toStartOfHour(t, tz).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
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
