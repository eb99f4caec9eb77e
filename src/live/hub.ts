import { AppError, ErrorCode } from '../domain/errors';
import { compoundKey } from '../domain/compound-key';

/** Options of a LiveHub. */
export interface HubOptions {
  /** How often each workspace's keys are polled, in ms. Default 1000. */
  intervalMs?: number;
  /** Most subscriptions one workspace may hold across the hub. Default 10,000. */
  maxPerWorkspace?: number;
  /** Called after every key's poll (for metrics and tests): the key (as subscribed) and whether it failed. */
  onPoll?: (key: string, ok: boolean) => void;
  /** Called after every workspace tick: how many keys it polled together. */
  onTick?: (workspaceId: string, keys: number) => void;
  /** Called when a poll fails; the hub keeps polling. */
  onError?: (key: string, err: unknown) => void;
  /** Runs `fn` outside the current request's context (tracing): the poll timers serve every subscriber, not the first. */
  detached?: <T>(fn: () => T) => T;
}

/**
 * What the polls of one workspace tick share. A poll that reads through `shared` state
 * (e.g. one set of loaders) lets the tick's polls batch into one statement per kind:
 * 100 retry gauges of one workspace are one query per interval, not 100.
 */
export class TickScope {
  private readonly values = new Map<string, unknown>();

  shared<T>(name: string, create: () => T): T {
    if (!this.values.has(name)) this.values.set(name, create());
    return this.values.get(name) as T;
  }
}

export type Poll<T> = (scope: TickScope) => Promise<T>;

interface Subscriber<T> {
  /** The newest value not yet taken by the reader (drop-to-latest: never a queue). */
  pending: { value: T } | null;
  wake: (() => void) | null;
  done: boolean;
}

interface Topic<T> {
  /** The hub's own key: workspace and `name`. */
  key: string;
  /** The subscriber's key, as given (for logs). */
  name: string;
  workspaceId: string;
  poll: Poll<T>;
  /** What counts as a change (e.g. counts only, not the time they were read). */
  fingerprint: (value: T) => string;
  subscribers: Set<Subscriber<T>>;
  last: { value: T; fingerprint: string } | null;
  /** Polls started, and the newest one applied: a poll that ends after a newer one is dropped. */
  started: number;
  applied: number;
}

/** The keys of one workspace, polled together once per interval. */
interface Workspace {
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each topic holds its own value type
  topics: Set<Topic<any>>;
  timer: NodeJS.Timeout | null;
  polling: boolean;
  subscriptions: number;
  /** When the last tick started (ms). */
  lastTickAt: number;
  /** A nudge arrived while a tick ran: the next tick follows it at once. */
  dirty: boolean;
  /** The timer is a nudge's, not the interval's. */
  nudged: boolean;
}

/** A nudge waits this long for the rest of its burst (ms), */
const NUDGE_DELAY_MS = 25;
/** and ticks of one workspace are at least this far apart (ms): at most ten a second, however much is written. */
const MIN_TICK_GAP_MS = 100;

/**
 * One poll per distinct key per interval, fanned out to every subscriber of that key,
 * pushed only when the value changes; the keys of one workspace are polled together in
 * one tick, sharing a TickScope so their reads batch. A slow reader never queues: it gets
 * the newest value when it next reads. The last subscriber to leave stops the key's poll,
 * the last key of a workspace its tick. Knows nothing of GraphQL or WebSockets.
 */
export class LiveHub {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each topic holds its own value type
  private readonly topics = new Map<string, Topic<any>>();
  private readonly workspaces = new Map<string, Workspace>();
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

  /** Workspaces with a tick running (each costs one round of polls per interval). */
  get activeWorkspaces(): number {
    return this.workspaces.size;
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
  subscribe<T>(workspaceId: string, key: string, poll: Poll<T>, fingerprint: (value: T) => string = (v) => JSON.stringify(v)): AsyncIterableIterator<T> {
    if (this.closed) throw new AppError(ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down');
    const ws = this.workspaceOf(workspaceId);
    if (ws.subscriptions >= this.maxPerWorkspace) {
      throw new AppError(ErrorCode.RATE_LIMITED, `This workspace holds the maximum of ${this.maxPerWorkspace} live subscriptions`, {
        limit: 'subscriptionsPerWorkspace',
        value: this.maxPerWorkspace,
      });
    }
    const fullKey = compoundKey(workspaceId, key);
    let topic = this.topics.get(fullKey) as Topic<T> | undefined;
    const isNew = topic === undefined;
    if (!topic) {
      topic = { key: fullKey, name: key, workspaceId, poll, fingerprint, subscribers: new Set(), last: null, started: 0, applied: 0 };
      this.topics.set(fullKey, topic);
      ws.topics.add(topic);
    }
    const sub: Subscriber<T> = { pending: topic.last ? { value: topic.last.value } : null, wake: null, done: false };
    topic.subscribers.add(sub);
    ws.subscriptions++;
    // A new key gets its first value now, not at the workspace's next tick.
    if (isNew) void this.pollTopic(topic, new TickScope());
    if (ws.timer === null && !ws.polling) this.schedule(ws, this.intervalMs);
    return this.iterate(topic, sub, ws);
  }

  /**
   * Something of the workspace was just stored: its keys are polled now (after a short wait
   * that gathers the rest of the burst) instead of at the next interval. One tick serves the
   * whole burst, so a workspace still costs one round of reads per change burst.
   */
  nudge(workspaceId: string): void {
    const ws = this.workspaces.get(workspaceId);
    if (!ws || ws.topics.size === 0) return;
    if (ws.polling) {
      ws.dirty = true;
      return;
    }
    if (ws.nudged) return;
    if (ws.timer) clearTimeout(ws.timer);
    ws.nudged = true;
    this.schedule(ws, Math.max(NUDGE_DELAY_MS, ws.lastTickAt + MIN_TICK_GAP_MS - Date.now()));
  }

  /** Ends every subscription (they complete) and stops every poll. */
  close(): void {
    this.closed = true;
    for (const topic of this.topics.values()) {
      for (const sub of topic.subscribers) {
        sub.done = true;
        sub.wake?.();
      }
      topic.subscribers.clear();
    }
    this.topics.clear();
    for (const ws of this.workspaces.values()) if (ws.timer) clearTimeout(ws.timer);
    this.workspaces.clear();
  }

  private iterate<T>(topic: Topic<T>, sub: Subscriber<T>, ws: Workspace): AsyncIterableIterator<T> {
    const release = () => {
      if (sub.done) return;
      sub.done = true;
      sub.wake?.();
      topic.subscribers.delete(sub);
      ws.subscriptions--;
      if (topic.subscribers.size === 0) this.drop(topic as Topic<unknown>, ws);
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

  private workspaceOf(id: string): Workspace {
    let ws = this.workspaces.get(id);
    if (!ws)
      this.workspaces.set(id, (ws = { id, topics: new Set(), timer: null, polling: false, subscriptions: 0, lastTickAt: 0, dirty: false, nudged: false }));
    return ws;
  }

  private drop(topic: Topic<unknown>, ws: Workspace): void {
    this.topics.delete(topic.key);
    ws.topics.delete(topic);
    if (ws.topics.size > 0) return;
    if (ws.timer) clearTimeout(ws.timer);
    this.workspaces.delete(ws.id);
  }

  private schedule(ws: Workspace, delay: number): void {
    const detached = this.options.detached ?? ((fn) => fn());
    ws.timer = detached(() => setTimeout(() => void this.tick(ws), delay));
    ws.timer.unref?.();
  }

  /** Polls every key of the workspace together, then schedules the next tick. */
  private async tick(ws: Workspace): Promise<void> {
    ws.timer = null;
    if (this.workspaces.get(ws.id) !== ws) return;
    ws.polling = true;
    ws.nudged = false;
    ws.dirty = false;
    const started = Date.now();
    ws.lastTickAt = started;
    const scope = new TickScope();
    const topics = [...ws.topics];
    await Promise.all(topics.map((t) => this.pollTopic(t, scope)));
    this.options.onTick?.(ws.id, topics.length);
    ws.polling = false;
    if (this.workspaces.get(ws.id) !== ws) return;
    const elapsed = Date.now() - started;
    if (ws.dirty) {
      ws.nudged = true;
      this.schedule(ws, Math.max(NUDGE_DELAY_MS, MIN_TICK_GAP_MS - elapsed));
    } else this.schedule(ws, Math.max(0, this.intervalMs - elapsed));
  }

  private async pollTopic<T>(topic: Topic<T>, scope: TickScope): Promise<void> {
    const seq = ++topic.started;
    try {
      const value = await topic.poll(scope);
      this.options.onPoll?.(topic.name, true);
      if (this.topics.get(topic.key) !== topic || seq < topic.applied) return;
      topic.applied = seq;
      const fingerprint = topic.fingerprint(value);
      if (topic.last !== null && topic.last.fingerprint === fingerprint) return;
      topic.last = { value, fingerprint };
      for (const sub of topic.subscribers) {
        sub.pending = { value };
        sub.wake?.();
      }
    } catch (err) {
      this.options.onPoll?.(topic.name, false);
      this.options.onError?.(topic.name, err);
    }
  }
}
