/**
 * Numbers and times as the page shows them: the browser's locale for separators, the
 * browser's (or the chosen) time zone for times, and a true minus sign.
 */
const MINUS = '\u2212';
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimals = (n: number) => new Intl.NumberFormat(undefined, { minimumFractionDigits: n, maximumFractionDigits: n });

export function formatCount(n: number): string {
  return integer.format(n).replace('-', MINUS);
}

/** `+1,234`, `−56`, `0`. */
export function formatSignedCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n === 0) return '0';
  return (n > 0 ? '+' : MINUS) + integer.format(Math.abs(n));
}

/**
 * One decimal under 10 %, none from 10 % to 99.5 %, and above that as many decimals as it
 * takes to keep a real difference from 100 % visible (99.97 % is not 100 %).
 */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined) return '–';
  if (share === 0) return '0 %';
  if (share < 0.1) return '< 0.1 %';
  if (share < 10) return `${decimals(1).format(share)} %`;
  if (share < 99.5) return `${decimals(0).format(share)} %`;
  if (share >= 100) return '100 %';
  for (let digits = 1; digits < 6; digits++) {
    const text = decimals(digits).format(share);
    if (Number(share.toFixed(digits)) < 100) return `${text} %`;
  }
  return '> 99.99999 %';
}

/** Percentage points with one decimal and a sign: `+0.6 pt`, `−0.1 pt`. */
export function formatPoints(points: number | null | undefined): string {
  if (points === null || points === undefined) return '–';
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return '0.0 pt';
  return `${rounded > 0 ? '+' : MINUS}${decimals(1).format(Math.abs(rounded))} pt`;
}

/** Relative change: `+51 %`, `−3.2 %` (one decimal under 10 %). */
export function formatRelative(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return 'new';
  const abs = Math.abs(percent);
  const text = abs < 10 ? decimals(1).format(abs) : integer.format(abs);
  if (Number(text.replace(/[^0-9.]/g, '')) === 0) return '0 %';
  return `${percent > 0 ? '+' : MINUS}${text} %`;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function formatTime(iso: string, timeZone: string, withDate = true): string {
  const options: Intl.DateTimeFormatOptions = withDate ? { dateStyle: 'medium', timeStyle: 'short', timeZone } : { timeStyle: 'short', timeZone };
  return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
}

export function formatTimeWithSeconds(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium', timeZone }).format(new Date(iso));
}

/** Both ends of a range and the zone they are shown in. */
export function formatRange(from: string, to: string, timeZone: string): string {
  const sameDay = new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' });
  const end = sameDay.format(new Date(from)) === sameDay.format(new Date(to)) ? formatTime(to, timeZone, false) : formatTime(to, timeZone);
  return `${formatTime(from, timeZone)} – ${end} (${timeZone})`;
}

/** Which way a change goes, in words and an arrow, so colour is never the only signal. */
export function direction(value: number | null | undefined): { arrow: string; word: string; sign: 'up' | 'down' | 'flat' } {
  if (!value || Math.abs(value) < 0.05) return { arrow: '→', word: 'unchanged', sign: 'flat' };
  return value > 0 ? { arrow: '▲', word: 'up', sign: 'up' } : { arrow: '▼', word: 'down', sign: 'down' };
}

/** "1 event", "2 events", "1 sync": the noun agrees with the number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** "1 event", "1,204 events": a count with its noun. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${plural(n, one, many)}`;
}
