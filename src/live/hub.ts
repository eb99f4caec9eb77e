import { AppError, ErrorCode } from '../domain/errors';

/** Options of a LiveHub. */
export interface HubOptions {
  /** How often each distinct key is polled, in ms. Default 1000. */
  intervalMs?: number;
  /** Most subscriptions one workspace may hold across the hub. Default 10,000. */
  maxPerWorkspace?: number;
  /** Called after every poll (for metrics and tests): the key and whether it failed. */
  onPoll?: (key: string, ok: boolean) => void;
  /** Called when a poll fails; the hub keeps polling. */
  onError?: (key: string, err: unknown) => void;
}

interface Subscriber<T> {
  /** The newest value not yet taken by the reader (drop-to-latest: never a queue). */
  pending: { value: T } | null;
  wake: (() => void) | null;
  done: boolean;
}

interface Topic<T> {
  key: string;
  workspaceId: string;
  poll: () => Promise<T>;
  /** What counts as a change (e.g. counts only, not the time they were read). */
  fingerprint: (value: T) => string;
  subscribers: Set<Subscriber<T>>;
  last: { value: T; fingerprint: string } | null;
  timer: NodeJS.Timeout | null;
  polling: boolean;
}

/**
 * One poll per distinct key per interval, fanned out to every subscriber of that key,
 * pushed only when the value changes. A slow reader never queues: it gets the newest
 * value when it next reads. The last subscriber to leave stops the key's poll.
 * Knows nothing of GraphQL or WebSockets.
 */
export class LiveHub {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each topic holds its own value type
  private readonly topics = new Map<string, Topic<any>>();
  private readonly perWorkspace = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly maxPerWorkspace: number;
  private closed = false;

  constructor(private readonly options: HubOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.maxPerWorkspace = options.maxPerWorkspace ?? 10_000;
  }

  /** Distinct keys being polled right now. */
  get activeKeys(): number {
    return this.topics.size;
  }

  /** Subscriptions open right now. */
  get activeSubscriptions(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.subscribers.size;
    return n;
  }

  /**
   * Subscribes to `key` (which must include the workspace). `poll` is used when this
   * is the key's first subscriber. The iterator yields the current value at once,
   * then every change; `return()` releases it.
   */
  subscribe<T>(workspaceId: string, key: string, poll: () => Promise<T>, fingerprint: (value: T) => string = (v) => JSON.stringify(v)): AsyncIterableIterator<T> {
    if (this.closed) throw new AppError(ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down');
    const held = this.perWorkspace.get(workspaceId) ?? 0;
    if (held >= this.maxPerWorkspace) {
      throw new AppError(ErrorCode.RATE_LIMITED, `This workspace holds the maximum of ${this.maxPerWorkspace} live subscriptions`, { limit: 'subscriptionsPerWorkspace', value: this.maxPerWorkspace });
    }
    const fullKey = `${workspaceId}\u0000${key}`;
    let topic = this.topics.get(fullKey) as Topic<T> | undefined;
    if (!topic) {
      topic = { key: fullKey, workspaceId, poll, fingerprint, subscribers: new Set(), last: null, timer: null, polling: false };
      this.topics.set(fullKey, topic);
    }
    const sub: Subscriber<T> = { pending: topic.last ? { value: topic.last.value } : null, wake: null, done: false };
    topic.subscribers.add(sub);
    this.perWorkspace.set(workspaceId, held + 1);
    if (topic.timer === null) this.schedule(topic, 0);
    const t = topic;

    const release = () => {
      if (sub.done) return;
      sub.done = true;
      sub.wake?.();
      t.subscribers.delete(sub);
      this.perWorkspace.set(workspaceId, (this.perWorkspace.get(workspaceId) ?? 1) - 1);
      if (t.subscribers.size === 0) this.drop(t as unknown as Topic<unknown>);
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        while (!sub.done && sub.pending === null) await new Promise<void>((resolve) => (sub.wake = resolve));
        sub.wake = null;
        if (sub.done) return { done: true, value: undefined };
        const { value } = sub.pending!;
        sub.pending = null;
        return { done: false, value };
      },
      return: async () => {
        release();
        return { done: true, value: undefined };
      },
      throw: async (err) => {
        release();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Ends every subscription (they complete) and stops every poll. */
  close(): void {
    this.closed = true;
    for (const topic of [...this.topics.values()]) {
      for (const sub of topic.subscribers) {
        sub.done = true;
        sub.wake?.();
      }
      topic.subscribers.clear();
      this.drop(topic);
    }
    this.perWorkspace.clear();
  }

  private drop(topic: Topic<unknown>): void {
    if (topic.timer) clearTimeout(topic.timer);
    topic.timer = null;
    this.topics.delete(topic.key);
  }

  private schedule<T>(topic: Topic<T>, delay: number): void {
    topic.timer = setTimeout(() => void this.tick(topic), delay);
    topic.timer.unref?.();
  }

  private async tick<T>(topic: Topic<T>): Promise<void> {
    if (this.topics.get(topic.key) !== topic || topic.polling) return;
    topic.polling = true;
    const started = Date.now();
    try {
      const value = await topic.poll();
      this.options.onPoll?.(topic.key, true);
      const fingerprint = topic.fingerprint(value);
      if (topic.last === null || topic.last.fingerprint !== fingerprint) {
        topic.last = { value, fingerprint };
        for (const sub of topic.subscribers) {
          sub.pending = { value };
          sub.wake?.();
        }
      }
    } catch (err) {
      this.options.onPoll?.(topic.key, false);
      this.options.onError?.(topic.key, err);
    } finally {
      topic.polling = false;
    }
    if (this.topics.get(topic.key) === topic) this.schedule(topic, Math.max(0, this.intervalMs - (Date.now() - started)));
  }
}
