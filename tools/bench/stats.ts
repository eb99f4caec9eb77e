/** Small statistics helpers for benchmarks. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** Percentiles of samples in ms, rounded to 0.1 ms. */
export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: round(percentile(s, 50), 2),
    p95: round(percentile(s, 95), 2),
    p99: round(percentile(s, 99), 2),
    mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), 2),
  };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** a / b rounded, for "how many times" figures. */
export const ratio = (a: number, b: number, digits = 2) => round(a / b, digits);
