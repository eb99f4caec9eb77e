/**
 * Token buckets per key (a workspace): `ratePerSecond` refill, up to `burst` saved.
 * Pure apart from the clock it is given; memory is bounded by evicting idle keys.
 */
export interface RateDecision {
  ok: boolean;
  /** When refused: seconds until the request would be allowed. */
  retryAfterSeconds: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, cost = 1, now = Date.now()): RateDecision {
    if (this.ratePerSecond <= 0) return { ok: true, retryAfterSeconds: 0 };
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evictFull(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    // A single request larger than the burst can never pass: let it through once the bucket is full.
    const needed = Math.min(cost, this.burst);
    if (b.tokens >= needed) {
      b.tokens -= cost;
      return { ok: true, retryAfterSeconds: 0 };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - b.tokens) / this.ratePerSecond)) };
  }

  private evictFull(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}

/**
 * At most `perKey` concurrent tasks per key; the rest wait in FIFO order. One busy
 * workspace can hold at most `perKey` of the engine's query slots, so others never
 * queue behind it.
 */
export class KeyedSemaphore {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(readonly perKey: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if ((this.active.get(key) ?? 0) >= this.perKey) {
      await new Promise<void>((resolve) => {
        const q = this.waiting.get(key) ?? [];
        q.push(resolve);
        this.waiting.set(key, q);
      });
    } else {
      this.active.set(key, (this.active.get(key) ?? 0) + 1);
    }
    try {
      return await task();
    } finally {
      const q = this.waiting.get(key);
      const next = q?.shift();
      if (q && q.length === 0) this.waiting.delete(key);
      if (next) next(); // hand the slot over
      else {
        const n = (this.active.get(key) ?? 1) - 1;
        if (n === 0) this.active.delete(key);
        else this.active.set(key, n);
      }
    }
  }
}
