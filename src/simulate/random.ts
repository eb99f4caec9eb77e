/**
 * A small seeded PRNG and the draws the simulator needs. Everything random in the
 * simulator goes through here, keyed by (seed, what, when), so any minute can be
 * regenerated on its own and comes out identical every time.
 */

/** 32-bit integer hash of a list of numbers/strings (FNV-1a feed, murmur3 finaliser). */
export function hash32(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    if (typeof part === 'number') {
      // Mix the number as two 32-bit halves so epoch-ms values keep all their bits.
      const lo = part >>> 0;
      const hi = Math.floor(part / 4294967296) >>> 0;
      h = Math.imul(h ^ lo, 0x01000193);
      h = Math.imul(h ^ hi, 0x01000193);
    } else {
      for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
    }
    h = Math.imul(h ^ 0xff, 0x01000193); // separator, so ('ab','c') != ('a','bc')
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32: fast, 128-bit state, good statistical quality for a simulator. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** A generator keyed by a seed and any labels: `Rng.of(seed, 'minute', t)`. */
  static of(...parts: (number | string)[]): Rng {
    return new Rng(hash32(...parts));
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller). */
  gaussian(): number {
    let u = this.next();
    if (u < 1e-12) u = 1e-12;
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Poisson-distributed count: exact (Knuth) for small means, rounded normal above. */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean < 30) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.gaussian()));
  }

  /** How many of `n` items pass with probability `p` (Poisson/normal approximation, clamped to [0, n]). */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n <= 20) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.next() < p) k++;
      return k;
    }
    const mean = n * p;
    const k =
      mean < 30 || n - mean < 30
        ? p <= 0.5
          ? this.poisson(mean)
          : n - this.poisson(n - mean)
        : Math.round(mean + Math.sqrt(mean * (1 - p)) * this.gaussian());
    return Math.min(n, Math.max(0, k));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One item, chosen with probability proportional to its weight. */
  weighted<T>(items: readonly Weighted<T>[]): T {
    let total = 0;
    for (const it of items) total += it.weight;
    let r = this.next() * total;
    for (const it of items) {
      r -= it.weight;
      if (r < 0) return it.value;
    }
    return items[items.length - 1].value;
  }

  /** `n` lowercase hex characters. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.nextU32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

export interface Weighted<T> {
  value: T;
  weight: number;
}

/** Precomputed cumulative table for repeated weighted draws from the same list. */
export class WeightedTable<T> {
  private readonly cumulative: number[];
  private readonly values: T[];
  readonly total: number;

  constructor(items: readonly Weighted<T>[]) {
    this.values = [];
    this.cumulative = [];
    let sum = 0;
    for (const it of items) {
      if (!(it.weight > 0)) continue;
      sum += it.weight;
      this.values.push(it.value);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  get size(): number {
    return this.values.length;
  }

  draw(rng: Rng): T {
    const r = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}
