import type { Rng } from '../../src/simulate/random';

/**
 * The batches the producers post: 1–500 delivery reports (sometimes a warehouse sync) as NDJSON,
 * each report with a messageId unique to the run, so verification can count every report.
 */

export interface Batch {
  n: number;
  key: string;
  body: Buffer;
  reports: number;
  events: number;
  syncIds: string[];
  attempts: number;
  /** Client clock when an attempt that had been sent in full failed (the gateway died under it). */
  interruptedAt: number[];
}

const SOURCES = ['src_web', 'src_ios', 'src_android', 'src_server'];
const DESTINATIONS: { id: string; kind: 'classic' | 'actions' }[] = [
  { id: 'dst_amplitude', kind: 'classic' },
  { id: 'dst_braze', kind: 'actions' },
  { id: 'dst_webhook', kind: 'classic' },
];
const REASONS: Record<string, string[]> = {
  failed_ingest: ['schema_violation', 'payload_too_large'],
  filtered_source: ['blocked_event', 'sampling'],
  filtered_destination: ['destination_filter', 'consent'],
  failed_delivery: ['429', '500', 'timeout'],
};
const STEPS = ['received', 'received', 'received', 'failed_ingest', 'filtered_source', 'filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered', 'delivered', 'delivered'];
const EVENTS = ['Order Completed', 'Product Viewed', 'Signed Up', 'Checkout Started', 'Page Viewed'];

export function makeBatch(rng: Rng, n: number, runId: string, spreadMs: number): Batch {
  const size = rng.int(1, 500);
  const lines: string[] = [];
  let events = 0;
  const now = Date.now();
  for (let i = 0; i < size; i++) {
    const step = rng.pick(STEPS);
    const count = rng.int(1, 20);
    events += count;
    const r: Record<string, unknown> = {
      // At least a minute old, so validation never sees a timestamp ahead of the gateway's clock.
      timestamp: new Date(now - 60_000 - Math.floor(rng.next() * spreadMs)).toISOString(),
      sourceId: rng.pick(SOURCES),
      step,
      eventType: 'track',
      eventName: rng.pick(EVENTS),
      appVersion: `2.${rng.int(0, 3)}.0`,
      enriched: rng.chance(0.5),
      count,
      messageId: `b${n}-${i}`,
    };
    if (!['received', 'failed_ingest', 'filtered_source'].includes(step)) {
      const d = rng.pick(DESTINATIONS);
      r.destinationId = d.id;
      r.destinationKind = d.kind;
      if (d.kind === 'actions' && rng.chance(0.5)) r.mappingId = `map_${rng.int(1, 3)}`;
    }
    if (REASONS[step]) {
      r.reason = rng.pick(REASONS[step]);
      if (rng.chance(0.05)) r.sample = { payload: { event: r.eventName, i }, error: `simulated ${r.reason}` };
    }
    lines.push(JSON.stringify(r));
  }
  const syncIds: string[] = [];
  if (rng.chance(0.05)) {
    const id = `s${n}`;
    syncIds.push(id);
    const finished = now - 120_000;
    lines.push(
      JSON.stringify({
        type: 'sync',
        destinationId: 'dst_warehouse',
        syncId: id,
        startedAt: new Date(finished - 60_000).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        status: 'success',
        collections: [{ name: 'tracks', rowsSynced: rng.int(0, 1000), rowsFailed: 0 }],
      }),
    );
  }
  return { n, key: `${runId}-${n}`, body: Buffer.from(lines.join('\n')), reports: size, events, syncIds, attempts: 0, interruptedAt: [] };
}
