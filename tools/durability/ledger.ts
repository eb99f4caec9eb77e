import type { Batch } from './batch';
import type { Destination, Fact, SyncFact } from './traffic';

/**
 * The harness's own ledger: what the producers were told is stored (every acknowledged
 * report and sync), summed the way docs/api.md says the API counts it. Nothing here reads
 * the product's code: a box's step, the connected sources, the retry gauge and the
 * undelivered messages are restated from the documented semantics, so an answer that
 * disagrees is a finding about the product, not a shared mistake.
 */

/** Pipeline box → the report step it counts, per kind (docs/api.md "What the numbers mean"). */
const BOXES: Record<Destination['kind'], Record<string, string | null>> = {
  classic: {
    SUCCESSFULLY_RECEIVED: 'received',
    FAILED_ON_INGEST: 'failed_ingest',
    FILTERED_AT_SOURCE: 'filtered_source',
    FILTERED_AT_DESTINATION: 'filtered_destination',
    RETRY_PENDING: null,
    FAILED_DELIVERY: 'failed_delivery',
    SUCCESSFUL_DELIVERY: 'delivered',
  },
  actions: {
    SUCCESSFULLY_RECEIVED: 'received',
    FAILED_ON_INGEST: 'failed_ingest',
    FILTERED_AT_SOURCE: 'filtered_source',
    FILTERED_AT_DESTINATION: 'filtered_destination',
    RETRY_PENDING: null,
    FAILED_DELIVERY: 'failed_delivery',
    SUCCESSFUL_DELIVERY: 'delivered',
  },
  storage: {
    SUCCESSFULLY_RECEIVED: 'received',
    FAILED_ON_INGEST: 'failed_ingest',
    FILTERED_AT_SOURCE: 'filtered_source',
    FILTERED_AT_DESTINATION: 'filtered_destination',
    EVENTS_TO_WAREHOUSE_ROWS: 'delivered',
    FAILED_TO_SYNC: null,
    SUCCESSFULLY_SYNCED: null,
  },
  retl: {
    RECORDS_EXTRACTED: 'extracted',
    FAILED_TO_EXTRACT: 'failed_extract',
    FILTERED_AT_MAPPING: 'filtered_destination',
    RETRY_PENDING: null,
    FAILED_DELIVERY: 'failed_delivery',
    SUCCESSFUL_DELIVERY: 'delivered',
  },
  audience: {
    MEMBERSHIP_CHANGES_COMPUTED: 'computed',
    FILTERED_AT_DESTINATION: 'filtered_destination',
    RETRY_PENDING: null,
    FAILED_DELIVERY: 'failed_delivery',
    SUCCESSFUL_DELIVERY: 'delivered',
  },
};
const SOURCE_SIDE = new Set(['received', 'failed_ingest', 'filtered_source']);
/** Reverse ETL extraction happens before any mapping: a selected mapping never narrows it. */
const BEFORE_MAPPING = new Set(['extracted', 'failed_extract']);

export interface Narrowing {
  mapping?: string;
  eventNames?: string[];
}

export class Ledger {
  readonly facts: Fact[] = [];
  readonly syncs: SyncFact[] = [];

  constructor(acked: readonly Pick<Batch, 'facts' | 'syncs'>[]) {
    for (const b of acked) {
      for (const f of b.facts) this.facts.push(f);
      for (const s of b.syncs) this.syncs.push(s);
    }
  }

  /** Every destination that reported, with its kind. */
  destinations(): Map<string, Destination['kind']> {
    const out = new Map<string, Destination['kind']>();
    for (const f of this.facts) if (f.kind !== '') out.set(f.dest, f.kind);
    for (const s of this.syncs) if (!out.has(s.dest)) out.set(s.dest, 'storage');
    return out;
  }

  /** Sources connected to a destination: those its destination-side reports name. */
  connectedSources(dest: string): Set<string> {
    return new Set(this.facts.filter((f) => f.dest === dest).map((f) => f.source));
  }

  /** Each box's expected count for a destination (the retry box is the gauge; sync boxes count syncs). */
  pipeline(dest: string, kind: Destination['kind'], n: Narrowing = {}): Record<string, number> {
    const sources = this.connectedSources(dest);
    const sums = new Map<string, number>();
    for (const f of this.facts) {
      if (n.eventNames && !n.eventNames.includes(f.eventName)) continue;
      const mine =
        f.dest === dest
          ? !n.mapping || f.mapping === n.mapping || BEFORE_MAPPING.has(f.step)
          : f.dest === '' && SOURCE_SIDE.has(f.step) && sources.has(f.source);
      if (mine) sums.set(f.step, (sums.get(f.step) ?? 0) + f.count);
    }
    const out: Record<string, number> = {};
    for (const [box, step] of Object.entries(BOXES[kind])) out[box] = step === null ? 0 : (sums.get(step) ?? 0);
    if ('RETRY_PENDING' in out) out.RETRY_PENDING = this.retryPending(dest, n.mapping);
    if (kind === 'storage') {
      const mineSyncs = this.syncs.filter((s) => s.dest === dest);
      out.FAILED_TO_SYNC = mineSyncs.filter((s) => s.status !== 'success' || s.rowsFailed > 0).length;
      out.SUCCESSFULLY_SYNCED = mineSyncs.filter((s) => s.status !== 'failed').length;
    }
    return out;
  }

  /** Events of a delivery step on the first attempt, after retries, and without an attempt. */
  attempts(dest: string, step: 'delivered' | 'failed_delivery', n: Narrowing = {}): { first: number; after: number; unknown: number } {
    const out = { first: 0, after: 0, unknown: 0 };
    for (const f of this.facts) {
      if (f.dest !== dest || f.step !== step || (n.mapping && f.mapping !== n.mapping) || (n.eventNames && !n.eventNames.includes(f.eventName))) continue;
      if (f.attempt === 1) out.first += f.count;
      else if (f.attempt > 1) out.after += f.count;
      else out.unknown += f.count;
    }
    return out;
  }

  /** Enqueued − resolved, over the whole run (a gauge, not a windowed count). */
  retryPending(dest: string, mapping?: string): number {
    let n = 0;
    for (const f of this.facts) {
      if (f.dest !== dest || (mapping && f.mapping !== mapping)) continue;
      if (f.step === 'retry_enqueued') n += f.count;
      else if (f.step === 'retry_resolved') n -= f.count;
    }
    return n;
  }

  /** Events of an outcome whose report carried latencyMs. */
  latencyCount(dest: string, step: 'delivered' | 'failed_delivery'): number {
    return this.facts.filter((f) => f.dest === dest && f.step === step && f.hasLatency).reduce((s, f) => s + f.count, 0);
  }

  /** Message ids a destination finally failed to deliver (each report has its own id, so each failed_delivery is its message's last report). */
  undelivered(dest: string): Set<string> {
    return new Set(this.facts.filter((f) => f.dest === dest && f.step === 'failed_delivery').map((f) => f.messageId));
  }

  /** Events of one step per value of a dimension (operation or event name). */
  breakdown(dest: string, step: string, by: 'operation' | 'eventName'): Map<string, number> {
    const out = new Map<string, number>();
    for (const f of this.facts) if (f.dest === dest && f.step === step) out.set(f[by], (out.get(f[by]) ?? 0) + f.count);
    return out;
  }

  /** The range that holds every report (ms): its first minute to the minute after the newest. */
  range(): { from: number; to: number } {
    let min = Infinity;
    let max = 0;
    for (const f of this.facts) {
      min = Math.min(min, f.ts);
      max = Math.max(max, f.ts);
    }
    for (const s of this.syncs) min = Math.min(min, s.startedAt);
    return { from: Math.floor(min / 60_000) * 60_000, to: Math.floor(max / 60_000) * 60_000 + 60_000 };
  }
}
