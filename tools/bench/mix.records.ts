/**
 * The mix's background ingest: contract records for the dataset's own workspace, sources
 * and non-storage destinations (each destination reported from a source it is connected
 * to), stamped within the last minute, so the readers' 24-hour answers include what the
 * producers post and no record names an id the catalog has not seen.
 */
import { DISCARD_REASONS } from '../../src/domain/discard-reasons';
import { APP_VERSIONS, EVENT_NAMES, datasetDestinations } from './dataset';

const DESTINATIONS = datasetDestinations().filter((d) => d.kind !== 'storage');
const STEPS = ['received', 'filtered_destination', 'failed_delivery', 'delivered', 'delivered', 'delivered'] as const;
const reasonsOf = (step: string) => DISCARD_REASONS.filter((r) => r.step === step).map((r) => r.code);
const REASONS: Record<string, string[]> = { filtered_destination: reasonsOf('filtered_destination'), failed_delivery: reasonsOf('failed_delivery') };

/** `n` NDJSON lines, deterministic for a seed. */
export function mixRecords(n: number, seed: number, now: number): string[] {
  let x = seed >>> 0 || 1;
  const rnd = () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const d = pick(DESTINATIONS);
    const step = pick(STEPS);
    const base = {
      timestamp: new Date(now - Math.floor(rnd() * 60_000)).toISOString(),
      sourceId: pick(d.sources),
      step,
      eventType: 'track',
      eventName: EVENT_NAMES[Math.floor(EVENT_NAMES.length * rnd() ** 2)],
      appVersion: pick(APP_VERSIONS),
      enriched: rnd() < 0.7,
      count: 1,
      messageId: `mix-${seed}-${i}`,
    };
    const reasons = REASONS[step];
    const rec =
      step === 'received'
        ? base
        : {
            ...base,
            destinationId: d.id,
            destinationKind: d.kind,
            ...(d.mappings.length > 0 ? { mappingId: pick(d.mappings) } : {}),
            ...(reasons && reasons.length > 0 ? { reason: pick(reasons) } : {}),
          };
    lines[i] = JSON.stringify(rec);
  }
  return lines;
}
