import type { RawDelivery } from './generator.types';

/** Minutes already generated, for callers that generate overlapping windows (live mode). */
export class MinuteCache {
  private readonly minutes = new Map<string, RawDelivery[]>();
  constructor(private readonly maxMinutes = 64) {}

  get(seed: number, minute: number, scale: number, make: () => RawDelivery[]): RawDelivery[] {
    const key = `${seed}:${scale}:${minute}`;
    let rows = this.minutes.get(key);
    if (!rows) {
      rows = make();
      this.minutes.set(key, rows);
      while (this.minutes.size > this.maxMinutes) this.minutes.delete(this.minutes.keys().next().value as string);
    }
    return rows;
  }
}
