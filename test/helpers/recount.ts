/**
 * A brute-force recount of delivery reports held in memory, written from the
 * semantics in DESIGN.md ("Semantics the numbers must follow") and nothing else:
 * no SQL, no aggregates, no tier plans, no code from src/. Tests compare the
 * gateway's answers with it.
 */

export type Kind = 'classic' | 'actions' | 'storage' | 'retl' | 'audience';

/** One delivery report as sent to /v1/ingest (time as epoch ms). */
export interface Rec {
  time: number;
  sourceId: string;
  /** '' for source-side steps. */
  destinationId: string;
  destinationKind: Kind | '';
  /** '' when none. */
  mappingId: string;
  step: string;
  /** '' when none. */
  reason: string;
  eventType: string;
  eventName: string;
  appVersion: string;
  enriched: boolean;
  count: number;
  /** Reverse ETL and audience reports only ('' or absent elsewhere). */
  syncId?: string;
  operation?: string;
  audienceId?: string;
  spaceId?: string;
}

export interface Filter {
  eventTypes?: string[] | null;
  eventNames?: string[] | null;
  appVersions?: string[] | null;
  enriched?: boolean | null;
}

/** A resolved range: [from, to) and the previous period [previousFrom, previousTo), epoch ms. */
export interface Range {
  from: number;
  to: number;
  previousFrom: number;
  previousTo: number;
}

export interface ChangeV {
  count: number | null;
  relativePercent: number | null;
  percentagePoints: number | null;
}

export interface StepV {
  kind: string;
  count: number;
  previousCount: number | null;
  share: number | null;
  change: ChangeV;
}

export interface PipelineV {
  steps: StepV[];
  retryPending: number | null;
}

export interface BreakdownV {
  eventType: string;
  eventName: string;
  appVersion: string;
  count: number;
  previousCount: number;
  share: number | null;
  change: ChangeV;
}

export interface DiscardV {
  code: string;
  count: number;
  previousCount: number;
  share: number | null;
  change: ChangeV;
}

export interface NowBefore {
  now: number;
  before: number;
}

const SOURCE_SIDE = new Set(['received', 'failed_ingest', 'filtered_source']);
/** A sync run's extraction and an audience's computation: before any mapping, so a mapping never narrows them. */
const BEFORE_MAPPINGS = new Set(['extracted', 'failed_extract', 'computed']);

/** The boxes each kind shows, with the report step each counts (null: gauge or sync box). */
export const LAYOUT: Record<Kind, [string, string | null][]> = {
  classic: [
    ['SUCCESSFULLY_RECEIVED', 'received'],
    ['FAILED_ON_INGEST', 'failed_ingest'],
    ['FILTERED_AT_SOURCE', 'filtered_source'],
    ['FILTERED_AT_DESTINATION', 'filtered_destination'],
    ['RETRY_PENDING', null],
    ['FAILED_DELIVERY', 'failed_delivery'],
    ['SUCCESSFUL_DELIVERY', 'delivered'],
  ],
  actions: [
    ['SUCCESSFULLY_RECEIVED', 'received'],
    ['FAILED_ON_INGEST', 'failed_ingest'],
    ['FILTERED_AT_SOURCE', 'filtered_source'],
    ['FILTERED_AT_DESTINATION', 'filtered_destination'],
    ['RETRY_PENDING', null],
    ['FAILED_DELIVERY', 'failed_delivery'],
    ['SUCCESSFUL_DELIVERY', 'delivered'],
  ],
  storage: [
    ['SUCCESSFULLY_RECEIVED', 'received'],
    ['FAILED_ON_INGEST', 'failed_ingest'],
    ['FILTERED_AT_SOURCE', 'filtered_source'],
    ['FILTERED_AT_DESTINATION', 'filtered_destination'],
    ['EVENTS_TO_WAREHOUSE_ROWS', 'delivered'],
    ['FAILED_TO_SYNC', null],
    ['SUCCESSFULLY_SYNCED', null],
  ],
  retl: [
    ['RECORDS_EXTRACTED', 'extracted'],
    ['FAILED_TO_EXTRACT', 'failed_extract'],
    ['FILTERED_AT_MAPPING', 'filtered_destination'],
    ['RETRY_PENDING', null],
    ['FAILED_DELIVERY', 'failed_delivery'],
    ['SUCCESSFUL_DELIVERY', 'delivered'],
  ],
  audience: [
    ['MEMBERSHIP_CHANGES_COMPUTED', 'computed'],
    ['FILTERED_AT_DESTINATION', 'filtered_destination'],
    ['RETRY_PENDING', null],
    ['FAILED_DELIVERY', 'failed_delivery'],
    ['SUCCESSFUL_DELIVERY', 'delivered'],
  ],
};

/** What every share of a kind's pipeline is a percent of: the report step of its first box. */
export function baseStepOf(kind: Kind): string {
  return LAYOUT[kind][0][1]!;
}

/** A pipeline as the API answers it, for the differential tests to compare with a recount. */
export interface ApiStep {
  kind: string;
  count: number;
  previousCount: number | null;
  share: number | null;
  change: ChangeV;
}
export interface ApiPipeline {
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  retryPending: number | null;
  steps: ApiStep[];
}

/** The report step a box counts for a kind; undefined when the kind has no such box or it counts no reports. */
export function reportStepOf(kind: Kind, box: string): string | undefined {
  const entry = LAYOUT[kind].find(([k]) => k === box);
  return entry?.[1] ?? undefined;
}

export const DISCARD_BOXES = [
  'FAILED_ON_INGEST',
  'FILTERED_AT_SOURCE',
  'FAILED_TO_EXTRACT',
  'FILTERED_AT_DESTINATION',
  'FILTERED_AT_MAPPING',
  'FAILED_DELIVERY',
];

export function share(count: number, received: number): number | null {
  return received > 0 ? (count / received) * 100 : null;
}

export function change(now: number, before: number, receivedNow: number, receivedBefore: number): ChangeV {
  const sNow = share(now, receivedNow);
  const sBefore = share(before, receivedBefore);
  return {
    count: now - before,
    relativePercent: before > 0 ? ((now - before) / before) * 100 : null,
    percentagePoints: sNow !== null && sBefore !== null ? sNow - sBefore : null,
  };
}

/** Byte-wise UTF-8 order, the way ClickHouse compares strings. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function matchesFilter(r: Pick<Rec, 'eventType' | 'eventName' | 'appVersion' | 'enriched'>, f: Filter | null | undefined): boolean {
  if (!f) return true;
  if (f.eventTypes != null && !f.eventTypes.includes(r.eventType)) return false;
  if (f.eventNames != null && !f.eventNames.includes(r.eventName)) return false;
  if (f.appVersions != null && !f.appVersions.includes(r.appVersion)) return false;
  if (f.enriched != null && f.enriched !== r.enriched) return false;
  return true;
}

/**
 * The reasons the catalogue lists under two codes (docs/discard-reasons.md, "Aliases"): ingest
 * stores the first code for both. Retry steps use the failed-delivery ones.
 */
const REASON_ALIASES: Record<string, Record<string, string>> = {
  failed_ingest: { SOURCE_DISABLED: 'source_disabled' },
  failed_delivery: { BAD_REQUEST: '400', etimedout: 'ETIMEDOUT' },
};

/** The reason code as stored for a report of `step` sent with `reason`. */
export function storedReason(step: string, reason: string): string {
  const aliases = REASON_ALIASES[step === 'retry_enqueued' || step === 'retry_resolved' ? 'failed_delivery' : step] ?? {};
  return aliases[reason] ?? reason;
}

export class Recount {
  /** destination → sources seen with it in any destination-side report, ever. */
  readonly connected = new Map<string, Set<string>>();
  readonly kinds = new Map<string, Kind>();
  /** The reports as stored: reasons under their canonical code. */
  readonly records: readonly Rec[];

  constructor(sent: readonly Rec[]) {
    this.records = sent.map((r) => ({ ...r, reason: storedReason(r.step, r.reason) }));
    for (const r of this.records) {
      if (r.destinationId === '') continue;
      let set = this.connected.get(r.destinationId);
      if (!set) this.connected.set(r.destinationId, (set = new Set()));
      set.add(r.sourceId);
      if (r.destinationKind !== '') this.kinds.set(r.destinationId, r.destinationKind);
    }
  }

  kindOf(destinationId: string): Kind {
    const k = this.kinds.get(destinationId);
    if (!k) throw new Error(`recount: unknown destination ${destinationId}`);
    return k;
  }

  /** Whether report `r` counts for `step` of this destination (scope only; no time, no filter). */
  inScope(r: Rec, destinationId: string, step: string, mappingId: string | null): boolean {
    if (r.step !== step) return false;
    if (SOURCE_SIDE.has(step)) return r.destinationId === '' && (this.connected.get(destinationId)?.has(r.sourceId) ?? false);
    return r.destinationId === destinationId && (mappingId === null || BEFORE_MAPPINGS.has(step) || r.mappingId === mappingId);
  }

  /** The records of one step of one destination, in either period, matching the filter (and reason). */
  protected scoped(destinationId: string, step: string, range: Range, mappingId: string | null, filter: Filter | null, reason: string | null = null) {
    const out: { rec: Rec; current: boolean }[] = [];
    for (const r of this.records) {
      if (!this.inScope(r, destinationId, step, mappingId)) continue;
      if (!matchesFilter(r, filter)) continue;
      if (reason !== null && r.reason !== storedReason(step, reason)) continue;
      if (r.time >= range.from && r.time < range.to) out.push({ rec: r, current: true });
      else if (r.time >= range.previousFrom && r.time < range.previousTo) out.push({ rec: r, current: false });
    }
    return out;
  }

  stepCount(destinationId: string, step: string, range: Range, mappingId: string | null, filter: Filter | null): NowBefore {
    let now = 0;
    let before = 0;
    for (const { rec, current } of this.scoped(destinationId, step, range, mappingId, filter)) {
      if (current) now += rec.count;
      else before += rec.count;
    }
    return { now, before };
  }

  /** All-time enqueued − resolved for the destination (one mapping when given); not range-bound, not filtered. */
  retryPending(destinationId: string, mappingId: string | null): number {
    let pending = 0;
    for (const r of this.records) {
      if (r.destinationId !== destinationId) continue;
      if (mappingId !== null && r.mappingId !== mappingId) continue;
      if (r.step === 'retry_enqueued') pending += r.count;
      else if (r.step === 'retry_resolved') pending -= r.count;
    }
    return pending;
  }

  pipeline(destinationId: string, range: Range, mappingId: string | null, filter: Filter | null): PipelineV {
    const kind = this.kindOf(destinationId);
    const received = this.stepCount(destinationId, baseStepOf(kind), range, mappingId, filter);
    const pending = kind === 'storage' ? null : this.retryPending(destinationId, mappingId);
    const steps = LAYOUT[kind].map(([box, step]): StepV => {
      if (box === 'RETRY_PENDING') {
        return { kind: box, count: pending ?? 0, previousCount: null, share: null, change: { count: null, relativePercent: null, percentagePoints: null } };
      }
      if (step === null) {
        // Sync boxes: this data set reports no warehouse syncs.
        return { kind: box, count: 0, previousCount: 0, share: null, change: { count: 0, relativePercent: null, percentagePoints: null } };
      }
      const c = this.stepCount(destinationId, step, range, mappingId, filter);
      return {
        kind: box,
        count: c.now,
        previousCount: c.before,
        share: share(c.now, received.now),
        change: change(c.now, c.before, received.now, received.before),
      };
    });
    return { steps, retryPending: pending };
  }

  /** Rows by (eventType, eventName, appVersion): now desc, before desc, then the three keys ascending. */
  breakdown(
    destinationId: string,
    box: string,
    range: Range,
    mappingId: string | null,
    filter: Filter | null,
    reason: string | null,
    first: number,
  ): BreakdownV[] {
    const step = reportStepOf(this.kindOf(destinationId), box);
    if (!step) throw new Error(`recount: ${box} has no report step for ${destinationId}`);
    const received = this.stepCount(destinationId, baseStepOf(this.kindOf(destinationId)), range, mappingId, filter);
    const groups = new Map<string, { eventType: string; eventName: string; appVersion: string; now: number; before: number }>();
    for (const { rec, current } of this.scoped(destinationId, step, range, mappingId, filter, reason)) {
      const key = JSON.stringify([rec.eventType, rec.eventName, rec.appVersion]);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { eventType: rec.eventType, eventName: rec.eventName, appVersion: rec.appVersion, now: 0, before: 0 }));
      if (current) g.now += rec.count;
      else g.before += rec.count;
    }
    return [...groups.values()]
      .sort(
        (a, b) =>
          b.now - a.now ||
          b.before - a.before ||
          byteCompare(a.eventType, b.eventType) ||
          byteCompare(a.eventName, b.eventName) ||
          byteCompare(a.appVersion, b.appVersion),
      )
      .slice(0, first)
      .map((g) => ({
        eventType: g.eventType,
        eventName: g.eventName,
        appVersion: g.appVersion,
        count: g.now,
        previousCount: g.before,
        share: share(g.now, received.now),
        change: change(g.now, g.before, received.now, received.before),
      }));
  }

  /** Rows by reason code: now desc, before desc, code ascending. */
  discards(destinationId: string, box: string, range: Range, mappingId: string | null, filter: Filter | null): DiscardV[] {
    const step = reportStepOf(this.kindOf(destinationId), box);
    if (!step) throw new Error(`recount: ${box} has no report step for ${destinationId}`);
    const received = this.stepCount(destinationId, baseStepOf(this.kindOf(destinationId)), range, mappingId, filter);
    const groups = new Map<string, NowBefore>();
    for (const { rec, current } of this.scoped(destinationId, step, range, mappingId, filter)) {
      const g = groups.get(rec.reason) ?? { now: 0, before: 0 };
      if (current) g.now += rec.count;
      else g.before += rec.count;
      groups.set(rec.reason, g);
    }
    return [...groups.entries()]
      .sort(([ra, a], [rb, b]) => b.now - a.now || b.before - a.before || byteCompare(ra, rb))
      .map(([code, g]) => ({
        code,
        count: g.now,
        previousCount: g.before,
        share: share(g.now, received.now),
        change: change(g.now, g.before, received.now, received.before),
      }));
  }
}
