import fc from 'fast-check';
import { bucketBounds, bucketOf, bucketValue, exactQuantile, LATENCY_RELATIVE_ERROR, MAX_LATENCY_MS, quantilesOf } from '../../src/domain/latency-buckets';

describe('latency buckets', () => {
  it('bounds hold exactly the whole-ms latencies bucketOf puts in them, contiguous up to 24 hours', () => {
    let next = 0;
    for (let b = 1; b <= bucketOf(MAX_LATENCY_MS); b++) {
      const { lo, hi } = bucketBounds(b);
      if (lo > hi) continue; // a bucket narrower than 1 ms holds no whole latency
      expect([b, lo]).toEqual([b, next]);
      expect([bucketOf(lo), bucketOf(hi), bucketOf(hi + 1) > b]).toEqual([b, b, true]);
      next = hi + 1;
    }
    expect(next).toBeGreaterThan(MAX_LATENCY_MS);
    expect([bucketOf(0), bucketOf(1), bucketOf(2)]).toEqual([1, 2, 16]);
  });

  it('every bucket value is within the bound of every latency of its bucket', () => {
    for (let b = 1; b <= bucketOf(MAX_LATENCY_MS); b++) {
      const { lo, hi } = bucketBounds(b);
      if (lo > hi) continue;
      for (const v of [lo, hi]) expect(Math.abs(bucketValue(b) - v)).toBeLessThanOrEqual(LATENCY_RELATIVE_ERROR * v);
    }
  });

  it('quantiles of a histogram are within the bound of the exact nearest-rank quantiles (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_LATENCY_MS }), fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (values, q) => {
          const histogram = new Map<number, number>();
          for (const [v, w] of values) histogram.set(bucketOf(v), (histogram.get(bucketOf(v)) ?? 0) + w);
          const [estimate] = quantilesOf(histogram, [q]);
          const exact = exactQuantile(values, q)!;
          return exact === 0 ? estimate === 0 : Math.abs(estimate! - exact) < LATENCY_RELATIVE_ERROR * exact;
        },
      ),
      { seed: 20261201, numRuns: 2000 },
    );
  });

  it('is null without events and ignores buckets below 1', () => {
    expect(quantilesOf(new Map([[0, 10]]))).toEqual([null, null, null]);
    expect(
      quantilesOf([
        [1, 3],
        [0, 100],
      ]),
    ).toEqual([0, 0, 0]);
    expect(exactQuantile([], 0.5)).toBeNull();
  });

  it('reads nearest rank: p50 of 1..4 is 2, p99 of 100 events is the 99th', () => {
    expect(
      exactQuantile(
        [
          [1, 1],
          [2, 1],
          [3, 1],
          [4, 1],
        ],
        0.5,
      ),
    ).toBe(2);
    const hundred = Array.from({ length: 100 }, (_, i) => [i + 1, 1] as const);
    expect(exactQuantile(hundred, 0.99)).toBe(99);
    const h = new Map<number, number>();
    for (const [v] of hundred) h.set(bucketOf(v), (h.get(bucketOf(v)) ?? 0) + 1);
    expect(quantilesOf(h, [0.5])[0]).toBeCloseTo(50, -1);
  });
});
