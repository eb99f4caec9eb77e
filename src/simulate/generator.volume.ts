/** How many events a source sends at a given time: a base rate shaped by the daily and weekly rhythm. */
import type { SimSource } from './model';
import { DAY, HOUR } from './generator.time';

/** Daily rhythm (UTC): about 0.2 at 03:00, 1.7 at 15:00; weekends at 65 %. */
export function rhythm(time: number, strength: number): number {
  const hour = (time % DAY) / HOUR;
  const daily = 0.95 + 0.75 * strength * Math.cos((2 * Math.PI * (hour - 15)) / 24);
  const weekday = new Date(time).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 1 - 0.35 * strength : 1;
  return daily * weekly;
}

/** Expected events per minute of a source at a time (no noise). */
export function expectedRate(source: SimSource, time: number, scale = 1): number {
  return source.ratePerMinute * rhythm(time, source.rhythm) * scale;
}
