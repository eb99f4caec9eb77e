import { MAX_ATTEMPT, MAX_LATENCY_MS } from '../domain/latency-buckets';
import { hash32, Rng } from './random';
import type { RawDelivery } from './generator.types';

const MINUTE = 60_000;
/** How far apart the simulated destinations retry: a resolution n × this after the event is attempt n + 1 (at least 2). */
const RETRY_EVERY = 2 * MINUTE;

/**
 * Gives one minute's delivered and failed_delivery rows an attempt and a latency (storage
 * destinations load by syncs and get neither). The attempt follows from the row itself: at the
 * time of its group, the first; a retry resolution, a later one. Latencies come from a generator
 * of their own (seeded by seed and minute), so every other field of the output is what it was
 * before attempts existed: each destination has its own median, a log-normal spread and a slow
 * tail; failures take longer, and timeouts far longer.
 */
export function addOutcomes(rows: RawDelivery[], seed: number, minute: number): RawDelivery[] {
  const rng = new Rng(hash32(seed, minute, 'outcomes'));
  for (const r of rows) {
    if ((r.step !== 'delivered' && r.step !== 'failed_delivery') || r.destinationKind === 'storage' || r.destinationKind === '') continue;
    r.attempt = r.time <= r.origin ? 1 : Math.min(MAX_ATTEMPT, 2 + Math.floor((r.time - r.origin) / RETRY_EVERY));
    r.latencyMs = latencyOf(rng, r);
  }
  return rows;
}

function latencyOf(rng: Rng, r: RawDelivery): number {
  if (r.step === 'failed_delivery' && /timed? ?out|ETIMEDOUT/i.test(r.reason)) return rng.int(10_000, 30_000);
  const median = 60 + (hash32(r.destinationId) % 340); // 60-399 ms, fixed per destination
  const spread = rng.chance(0.03) ? 2.2 : 0.5; // one report in 30 on the slow tail
  const v = median * Math.exp(spread * rng.gaussian()) * (r.step === 'failed_delivery' ? 1.8 : 1);
  return Math.min(MAX_LATENCY_MS, Math.max(0, Math.round(v)));
}
