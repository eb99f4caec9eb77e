/**
 * The latency histogram of the latency tier (migrations 0037-0040), read back. Pure; tested.
 *
 * A report's `latencyMs` falls in one bucket: 1 = 0 ms, b >= 2 = [GROWTH^(b-2), GROWTH^(b-1)) ms. The engine computes the bucket with
 * `2 + floor(log(v) / log(1.05))`; `bucketOf` is the same formula, and a test checks the two agree
 * at every bucket edge up to MAX_LATENCY_MS. A quantile is read as the bucket holding the
 * rank-ceil(q × n) event, reported as the middle of the integer latencies that bucket can hold:
 * at most half a bucket (2.5 % of the bucket's lower edge) from any of them, so the answer is
 * within LATENCY_RELATIVE_ERROR of the exact nearest-rank quantile, whatever the distribution.
 */
export const GROWTH = 1.05;
/** Latencies above this are refused at ingest: a delivery attempt longer than a day is a report error. */
export const MAX_LATENCY_MS = 86_400_000;
/** Attempts are 1 (the first) up to this. */
export const MAX_ATTEMPT = 100;
/** The stated bound: |estimate − exact| < this × exact (half the bucket growth). */
export const LATENCY_RELATIVE_ERROR = (GROWTH - 1) / 2;
/** The quantiles the API answers. */
export const LATENCY_QUANTILES = [0.5, 0.95, 0.99] as const;

const LOG_GROWTH = Math.log(GROWTH);

/** The bucket a latency in whole ms falls in (as the materialized views compute it). */
export function bucketOf(latencyMs: number): number {
  if (latencyMs === 0) return 1;
  return 2 + Math.floor(Math.log(latencyMs) / LOG_GROWTH);
}

const bounds = new Map<number, { lo: number; hi: number }>();

/** The smallest and largest whole-ms latency in bucket b >= 1 (found with bucketOf itself, so the two never disagree). */
export function bucketBounds(b: number): { lo: number; hi: number } {
  if (b === 1) return { lo: 0, hi: 0 };
  let cached = bounds.get(b);
  if (cached) return cached;
  const firstOf = (bucket: number) => {
    let v = Math.max(1, Math.floor(GROWTH ** (bucket - 2)) - 2);
    while (bucketOf(v) < bucket) v++;
    return v;
  };
  cached = { lo: firstOf(b), hi: firstOf(b + 1) - 1 };
  bounds.set(b, cached);
  return cached;
}

/** The value reported for a quantile that falls in bucket b: the middle of its whole-ms latencies. */
export function bucketValue(b: number): number {
  const { lo, hi } = bucketBounds(b);
  return (lo + hi) / 2;
}

/**
 * Nearest-rank quantiles of a histogram (bucket → events; buckets below 1 are ignored): for each q, the
 * value of the bucket holding the event of rank ceil(q × n), n the events with a latency. Null
 * when there are none.
 */
export function quantilesOf(
  histogram: ReadonlyMap<number, number> | readonly (readonly [number, number])[],
  qs: readonly number[] = LATENCY_QUANTILES,
): (number | null)[] {
  const entries = [...histogram].filter(([b, n]) => b > 0 && n > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return qs.map(() => null);
  return qs.map((q) => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (const [b, n] of entries) {
      seen += n;
      if (seen >= rank) return bucketValue(b);
    }
    return bucketValue(entries[entries.length - 1][0]);
  });
}

/** The exact nearest-rank quantile of weighted values (the reference the tests compare with). */
export function exactQuantile(values: readonly (readonly [number, number])[], q: number): number | null {
  const sorted = values.filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, w]) => s + w, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [v, w] of sorted) {
    seen += w;
    if (seen >= rank) return v;
  }
  return sorted[sorted.length - 1][0];
}
