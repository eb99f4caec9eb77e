import { AppError, ErrorCode } from '../domain/errors';

/** A stored report as the tail shows it (the ingest hook hands them over; live/ knows nothing of ingest). */
export interface TailReport {
  time: number;
  destinationId: string;
  mappingId: string;
  sourceId: string;
  step: string;
  reason: string;
  eventType: string;
  eventName: string;
  appVersion: string;
  enriched: boolean;
  messageId: string;
  attempt?: number;
  count: number;
}

/** What one subscriber wants: one destination's reports of some steps, optionally one mapping and an event filter. */
export interface TailFilter {
  destinationId: string;
  steps: readonly string[];
  mappingId: string | null;
  eventTypes?: readonly string[] | null;
  eventNames?: readonly string[] | null;
  appVersions?: readonly string[] | null;
  enriched?: boolean | null;
}

export interface TailBatch {
  failures: TailReport[];
  /** Matching reports left out since the previous push: over the subscriber's cap. */
  more: number;
}

interface Subscriber {
  filter: TailFilter;
  /** Taken this second and not yet read; never more than the cap. */
  pending: TailReport[];
  more: number;
  /** The second (ms / 1000, floored) `taken` counts. */
  window: number;
  taken: number;
  wake: (() => void) | null;
  timer: NodeJS.Timeout | null;
  done: boolean;
}

export interface TailOptions {
  /** LIVE_TAIL_MAX_PER_SECOND: reports one subscriber gets per second; the rest are counted. */
  maxPerSecond: number;
  /** Subscriptions one workspace may hold on this replica. */
  maxPerWorkspace: number;
  now?: () => number;
}

/**
 * The live failure tail: reports pushed to subscribers as ingest stores them, never polled.
 * Each subscriber gets at most `maxPerSecond` reports per second; past that, a count ("N more")
 * goes with its next push, or at the end of the second. A slow reader holds at most the cap in
 * memory. Per replica: a subscriber sees the reports this replica stored.
 */
export class FailureTail {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: TailOptions) {
    this.now = options.now ?? Date.now;
  }

  get activeSubscriptions(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  /** Whether anyone in the workspace listens (the ingest hook skips all work otherwise). */
  listening(workspaceId: string): boolean {
    return (this.subscribers.get(workspaceId)?.size ?? 0) > 0;
  }

  /** The iterator yields an empty batch at once (the tail is live), then each push; `return()` releases it. */
  subscribe(workspaceId: string, filter: TailFilter): AsyncIterableIterator<TailBatch> {
    if (this.closed) throw new AppError(ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down');
    const set = this.subscribers.get(workspaceId) ?? new Set<Subscriber>();
    if (set.size >= this.options.maxPerWorkspace) {
      throw new AppError(ErrorCode.RATE_LIMITED, `This workspace holds the maximum of ${this.options.maxPerWorkspace} live failure tails`, {
        limit: 'subscriptionsPerWorkspace',
        value: this.options.maxPerWorkspace,
      });
    }
    this.subscribers.set(workspaceId, set);
    const sub: Subscriber = { filter, pending: [], more: 0, window: 0, taken: 0, wake: null, timer: null, done: false };
    set.add(sub);
    return this.iterate(workspaceId, sub);
  }

  /** Hands stored reports to the workspace's subscribers (each scans only its destination's). */
  publish(workspaceId: string, reports: readonly TailReport[]): void {
    const set = this.subscribers.get(workspaceId);
    if (!set || set.size === 0) return;
    const byDestination = new Map<string, TailReport[]>();
    for (const r of reports) {
      const list = byDestination.get(r.destinationId);
      if (list) list.push(r);
      else byDestination.set(r.destinationId, [r]);
    }
    const second = Math.floor(this.now() / 1000);
    for (const sub of set) {
      const candidates = byDestination.get(sub.filter.destinationId);
      if (candidates) this.offer(sub, candidates, second);
    }
  }

  close(): void {
    this.closed = true;
    for (const set of this.subscribers.values()) for (const sub of set) this.end(sub);
    this.subscribers.clear();
  }

  private offer(sub: Subscriber, reports: readonly TailReport[], second: number): void {
    if (sub.window !== second) {
      sub.window = second;
      sub.taken = 0;
    }
    let matched = 0;
    for (const r of reports) {
      if (!matches(sub.filter, r)) continue;
      matched++;
      if (sub.taken < this.options.maxPerSecond) {
        sub.taken++;
        sub.pending.push(r);
      } else sub.more++;
    }
    if (matched === 0) return;
    // Counted reports go with the next push, or when this second ends.
    if (sub.more > 0 && sub.timer === null) {
      sub.timer = setTimeout(
        () => {
          sub.timer = null;
          sub.wake?.();
        },
        (second + 1) * 1000 - this.now(),
      );
      sub.timer.unref?.();
    }
    if (sub.pending.length > 0) sub.wake?.();
  }

  private end(sub: Subscriber): void {
    sub.done = true;
    if (sub.timer) clearTimeout(sub.timer);
    sub.wake?.();
  }

  private iterate(workspaceId: string, sub: Subscriber): AsyncIterableIterator<TailBatch> {
    let first = true;
    const release = () => {
      if (sub.done) return;
      this.end(sub);
      const set = this.subscribers.get(workspaceId);
      set?.delete(sub);
      if (set?.size === 0) this.subscribers.delete(workspaceId);
    };
    const ready = () => sub.pending.length > 0 || (sub.more > 0 && sub.timer === null);
    const iterator: AsyncIterableIterator<TailBatch> = {
      next: async () => {
        if (first) {
          first = false;
          return { done: false, value: { failures: [], more: 0 } };
        }
        while (!sub.done && !ready()) await new Promise<void>((resolve) => (sub.wake = resolve));
        sub.wake = null;
        if (sub.done) return { done: true, value: undefined };
        const batch = { failures: sub.pending, more: sub.more };
        sub.pending = [];
        sub.more = 0;
        return { done: false, value: batch };
      },
      return: async () => {
        release();
        return { done: true, value: undefined };
      },
      throw: async (err) => {
        release();
        throw err;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

function matches(f: TailFilter, r: TailReport): boolean {
  return (
    f.steps.includes(r.step) &&
    (f.mappingId === null || r.mappingId === f.mappingId) &&
    (f.eventTypes == null || f.eventTypes.includes(r.eventType)) &&
    (f.eventNames == null || f.eventNames.includes(r.eventName)) &&
    (f.appVersions == null || f.appVersions.includes(r.appVersion)) &&
    (f.enriched == null || f.enriched === r.enriched)
  );
}
