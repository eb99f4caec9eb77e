/**
 * Decides which discard reports keep a sample: at most `perMinute` per
 * (workspace, destination, step, reason) per minute, first come first kept.
 * State is per gateway process and only for the current and previous minute, so
 * memory is bounded by the number of distinct keys seen in two minutes.
 * With N replicas the bound is N × perMinute; the query side caps what it shows.
 */
export class DiscardSampler {
  private minute = -1;
  private current = new Map<string, number>();

  constructor(private readonly perMinute: number) {}

  /** Call once per candidate; true means "store this sample". */
  take(key: string, time: number, now = Date.now()): boolean {
    if (this.perMinute <= 0) return false;
    const nowMinute = Math.floor(now / 60_000);
    if (nowMinute !== this.minute) {
      this.minute = nowMinute;
      this.current = new Map();
    }
    // Key by the event's minute too, so a backlog from another minute gets its own budget.
    const k = `${key}\u0000${Math.floor(time / 60_000)}`;
    const n = this.current.get(k) ?? 0;
    if (n >= this.perMinute) return false;
    this.current.set(k, n + 1);
    return true;
  }
}
