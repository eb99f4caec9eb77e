import { AppError, ErrorCode } from './errors';

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

  /** Gives back what `take` took (e.g. the attempt turned out not to count). */
  refund(key: string, cost = 1): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.burst, b.tokens + cost);
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

  constructor(
    readonly perKey: number,
    /** Tasks that may wait per key; one more is refused with RATE_LIMITED. */
    readonly maxWaiting = 200,
    /** How long a task may wait for a slot before it is refused with QUERY_TIMEOUT. */
    readonly maxWaitMs = 30_000,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if ((this.active.get(key) ?? 0) >= this.perKey) {
      await this.wait(key);
    } else {
      this.active.set(key, (this.active.get(key) ?? 0) + 1);
    }
    try {
      return await task();
    } finally {
      const q = this.waiting.get(key);
      const next = q?.shift();
      if (q && q.length === 0) this.waiting.delete(key);
      if (next)
        next(); // hand the slot over
      else {
        const n = (this.active.get(key) ?? 1) - 1;
        if (n === 0) this.active.delete(key);
        else this.active.set(key, n);
      }
    }
  }

  /** Queues for the key's next free slot, within the queue bound and the wait deadline. */
  private wait(key: string): Promise<void> {
    const q = this.waiting.get(key) ?? [];
    if (q.length >= this.maxWaiting) {
      return Promise.reject(
        new AppError(ErrorCode.RATE_LIMITED, `More than ${this.maxWaiting} queries of this workspace are waiting; retry in a moment`, {
          retryAfterSeconds: 1,
          limit: 'queuedQueriesPerWorkspace',
          value: this.maxWaiting,
        }),
      );
    }
    this.waiting.set(key, q);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = q.indexOf(handOver);
        if (at >= 0) q.splice(at, 1);
        if (q.length === 0 && this.waiting.get(key) === q) this.waiting.delete(key);
        reject(
          new AppError(ErrorCode.QUERY_TIMEOUT, `A query of this workspace waited ${this.maxWaitMs / 1000} s for a free slot; retry, or ask for less at once`, {
            limit: 'queryWaitMs',
            value: this.maxWaitMs,
          }),
        );
      }, this.maxWaitMs);
      const handOver = () => {
        clearTimeout(timer);
        resolve();
      };
      q.push(handOver);
    });
  }
}
