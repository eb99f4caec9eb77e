import type { Rng } from '../../src/simulate/random';
import { makeReport, makeSync, type Fact, type SyncFact } from './traffic';

/**
 * The batches the producers post: 1–500 delivery reports of every kind (traffic.ts), sometimes
 * a warehouse sync, as NDJSON; each report with a messageId unique to the run, so verification
 * can count every report, and each with its ledger fact.
 */

export interface Batch {
  n: number;
  key: string;
  body: Buffer;
  reports: number;
  events: number;
  facts: Fact[];
  syncs: SyncFact[];
  /** Samples the gateway said it kept (its acknowledgement's `samples`); -1 until acknowledged. */
  samples: number;
  attempts: number;
  /** Client clock when an attempt that had been sent in full failed (the gateway died under it, or refused it with a 5xx). */
  interruptedAt: number[];
}

export function makeBatch(rng: Rng, n: number, runId: string, spreadMs: number): Batch {
  const size = rng.int(1, 500);
  const lines: string[] = [];
  const facts: Fact[] = [];
  let events = 0;
  const now = Date.now();
  for (let i = 0; i < size; i++) {
    // At least a minute old, so validation never sees a timestamp ahead of the gateway's clock.
    const { record, fact } = makeReport(rng, `b${n}-${i}`, now - 60_000 - Math.floor(rng.next() * spreadMs));
    events += fact.count;
    facts.push(fact);
    lines.push(JSON.stringify(record));
  }
  const syncs: SyncFact[] = [];
  // Every tenth batch carries a sync (the first one too, so even a short run reports one).
  if (n % 10 === 0) {
    const { record, fact } = makeSync(rng, `s${n}`, now - 120_000);
    syncs.push(fact);
    lines.push(JSON.stringify(record));
  }
  return { n, key: `${runId}-${n}`, body: Buffer.from(lines.join('\n')), reports: size, events, facts, syncs, samples: -1, attempts: 0, interruptedAt: [] };
}
