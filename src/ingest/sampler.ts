import { compoundKey } from '../domain/compound-key';
/**
 * Decides which discard reports keep a sample: at most `perMinute` per
 * (workspace, destination, step, reason) per minute, first come first kept.
 * State is per gateway process and only for the current wall-clock minute, and holds at
 * most `maxKeys` keys: destinations, reasons and event minutes are chosen by producers,
 * so once a minute has seen that many distinct keys, new keys get no sample until the
 * next minute (samples are best effort; the counts are never affected).
 * With N replicas the bound is N × perMinute; the query side caps what it shows.
 */
export class DiscardSampler {
  private minute = -1;
  private current = new Map<string, number>();

  constructor(
    private readonly perMinute: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Keys held for the current minute (tests check the bound). */
  get size(): number {
    return this.current.size;
  }

  /** Call once per candidate; true means "store this sample". */
  take(key: string, time: number, now = Date.now()): boolean {
    if (this.perMinute <= 0) return false;
    const nowMinute = Math.floor(now / 60_000);
    if (nowMinute !== this.minute) {
      this.minute = nowMinute;
      this.current = new Map();
    }
    // Key by the event's minute too, so a backlog from another minute gets its own budget.
    const k = compoundKey(key, Math.floor(time / 60_000));
    const n = this.current.get(k) ?? 0;
    if (n >= this.perMinute) return false;
    if (n === 0 && this.current.size >= this.maxKeys) return false;
    this.current.set(k, n + 1);
    return true;
  }
}
