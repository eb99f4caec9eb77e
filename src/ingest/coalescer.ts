import type { Db } from '../clickhouse/client';

/** What the coalescer needs of the store: inserts, the idempotency lookup, and whether writes are being refused. */
export type CoalescerStore = Pick<Db, 'insert' | 'query' | 'database' | 'writesFailing'>;
import { RETRY_AFTER_SECONDS } from '../clickhouse/errors';
import { AppError, ErrorCode } from '../domain/errors';
import { IdempotencyRecords, type IdempotencyRecord } from './idempotency';
import { combine, writeFlush, type FlushContents, type StagedBatch } from './flush';
import type { FlushLogFiles } from './flush-log-files';
import { MAX_SAVED_BACKLOG, FlushLog } from './flush-log';
import { compoundKey } from '../domain/compound-key';

export interface CoalescerOptions {
  /** Rows (reports and syncs) that start a flush at once; default 50,000. */
  maxRows?: number;
  /** While two flushes run, a waiting request starts the next one after at most this long; default 200 ms. */
  maxDelayMs?: number;
  /**
   * Where flushes of keyed requests are saved before they are written. Unset (or
   * `coalesceKeyed` false), a keyed request is always written alone under its own token.
   */
  log?: FlushLogFiles;
  /**
   * Merge keyed requests (default true when `log` is set). Safe only when a producer's retry
   * comes back to this process: the flush log is local (ADR 0010). The gateway turns it
   * off with a ClickHouse server, where replicas share the keys.
   */
  coalesceKeyed?: boolean;
  /** Told of every flush written (rows, requests, milliseconds). */
  onFlush?: (rows: number, requests: number, ms: number) => void;
  /** Told when a saved flush could not be written yet and will be tried again. */
  onError?: (err: unknown) => void;
  /** Told when a saved flush is held for an operator after a minute of refusals that are not transient. */
  onHold?: (file: string, err: unknown) => void;
  /** How long a saved flush refused for a reason that is not transient is tried before it is held (ms); default FLUSH_HOLD_AFTER_MS (tests shorten it). */
  savedMaxAgeMs?: number;
}

interface Waiting {
  batch: StagedBatch;
  rows: number;
  bytes: number;
  resolve: (earlier: IdempotencyRecord | null) => void;
  reject: (err: unknown) => void;
}

/** Flushes running at once: one in the engine, the next one ready behind it. */
const MAX_IN_FLIGHT = 2;
/** Encoded bytes per flush at most (a single larger request is written whole). */
const MAX_FLUSH_BYTES = 32 * 1024 * 1024;
/** Attempts at an unsaved flush before its requests are answered with the error. */
const ATTEMPTS = 3;
/**
 * After a flush, the next one waits up to this long (ms) for the producers it answered to
 * come back, unless they are all back sooner. Without it, 8 producers of 500-report bodies
 * settled into two alternating groups of about 4 requests per flush (the group answered
 * last always arrived just after the other group's flush had started).
 */
const MAX_LINGER_MS = 20;

/**
 * Merges concurrent ingest requests into fewer, larger engine inserts (group commit).
 * When nothing is being written a request's rows go at once (with whatever arrived in
 * the same turn of the event loop), or, just after a flush, once the producers it answered
 * are back (at most 20 ms); while a flush runs,
 * arrivals wait for it and then go together, up to `maxRows` per insert. Each request's
 * promise settles only when its rows (and, for a keyed request, its idempotency record)
 * are stored.
 *
 * Keyed and unkeyed requests never share a flush: a flush of keyed requests is saved
 * before it is written (FlushLog), and an unkeyed request answered with an error must
 * not be stored later by its copy in the flush log. A flush first looks up its keyed requests' records
 * in one statement: a key acknowledged earlier is answered with that record (replay or
 * 409) and its rows are left out.
 */
export class IngestCoalescer {
  private waiting: Waiting[] = [];
  private waitingRows = 0;
  private inFlight = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private lingerUntil = 0;
  /** Requests the next flush waits for (up to lingerUntil): those waiting plus those the last flush answered. */
  private expected = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private idle: Array<() => void> = [];
  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  private readonly records: IdempotencyRecords;
  private readonly log: FlushLog | null;
  private saveFailure: { at: number; error: AppError } | null = null;

  constructor(
    private readonly db: CoalescerStore,
    private readonly options: CoalescerOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 50_000;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.records = new IdempotencyRecords(db);
    const keyed = options.log !== undefined && (options.coalesceKeyed ?? true);
    this.log = keyed ? new FlushLog(db, options.log!, { onError: options.onError, onHold: options.onHold, maxAgeMs: options.savedMaxAgeMs }) : null;
  }

  /**
   * Resolves with null once `batch` is stored, or with the record its key got earlier
   * (nothing stored now); rejects (nothing acknowledged) when the engine refused its flush.
   */
  submit(batch: StagedBatch): Promise<IdempotencyRecord | null> {
    if (batch.record && this.log && this.log.size >= MAX_SAVED_BACKLOG) {
      return Promise.reject(
        new AppError(
          ErrorCode.UPSTREAM_UNAVAILABLE,
          'The metrics store is not taking writes right now (ingest backlog full); nothing was stored, retry shortly with the same Idempotency-Key',
          { retryAfterSeconds: RETRY_AFTER_SECONDS },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const rows = batch.eventLines.length + batch.syncLines.length;
      const bytes = lengthOf(batch.eventLines) + lengthOf(batch.syncLines) + lengthOf(batch.sampleLines);
      this.waiting.push({ batch, rows, bytes, resolve, reject });
      this.waitingRows += rows;
      this.schedule();
    });
  }

  /**
   * Writes the saved flush holding (workspace, key), if any, so a retry of that key finds
   * its record; rejects (503 or 504 with Retry-After) while it cannot be stored.
   */
  async settle(workspaceId: string, key: string): Promise<void> {
    const token = this.log?.flushOf(workspaceId, key);
    if (token !== undefined) await this.log!.write(token);
  }

  /**
   * Takes over the flushes a previous process saved: writes those waiting (call before
   * serving) and keeps refusing the keys of those held in `failed/`.
   */
  async recover(): Promise<{ pending: number; held: number }> {
    if (!this.log) return { pending: 0, held: 0 };
    const adopted = this.log.adopt();
    await this.log.writeAll();
    return adopted;
  }

  /** Flushes saved but not yet stored (a readiness signal for operators). */
  get backlog(): number {
    return this.log?.size ?? 0;
  }

  /** Flushes held in `failed/` for an operator: their keys are refused until it resolves them. */
  get held(): number {
    return this.log?.held ?? 0;
  }

  /**
   * Why writes are failing (the engine refusing inserts, or this gateway's disk refusing to
   * save a flush), if they were refused within the last 30 s and none succeeded since.
   */
  writesFailing(now: number): AppError | null {
    const saveFailure = this.saveFailure !== null && now - this.saveFailure.at < 30_000 ? this.saveFailure.error : null;
    return saveFailure ?? this.db.writesFailing(now);
  }

  /** Resolves when nothing is waiting or being written. */
  drain(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * For a graceful stop: waits for what is queued, writes every saved flush once more,
   * and stops retrying. Returns the saved flushes left for the next start.
   */
  async close(): Promise<number> {
    await this.drain();
    await this.log?.writeAll();
    this.stop();
    if (this.backlog > 0)
      this.options.onError?.(new Error(`${this.backlog} ingest flushes are left in the flush log (${this.options.log!.dir}) for the next start`));
    return this.backlog;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.timer = this.lingerTimer = null;
    this.log?.stop();
  }

  private schedule(): void {
    if (this.waiting.length === 0 || this.inFlight >= MAX_IN_FLIGHT) return;
    if (this.waitingRows >= this.maxRows) return void this.start();
    if (this.inFlight === 0) {
      const wait = this.lingerUntil - performance.now();
      if (wait > 0 && this.waiting.length < this.expected) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = null;
          this.lingerUntil = 0;
          this.schedule();
        }, wait);
        return;
      }
      if (this.scheduled) return;
      this.scheduled = true;
      // The rest of this event-loop turn's arrivals go along.
      setImmediate(() => {
        this.scheduled = false;
        if (this.inFlight === 0) this.start();
      });
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.start();
    }, this.maxDelayMs);
  }

  private start(): void {
    if (this.waiting.length === 0 || this.inFlight >= MAX_IN_FLIGHT) return;
    if (this.timer) clearTimeout(this.timer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.timer = this.lingerTimer = null;
    const taken = this.take();
    this.inFlight++;
    void this.flush(taken).finally(() => {
      this.inFlight--;
      // The producers just answered usually send again within milliseconds: the next flush
      // waits for them (briefly) instead of leaving them to the one after.
      this.expected = Math.min(this.waiting.length + taken.length, 1_000);
      this.lingerUntil = performance.now() + MAX_LINGER_MS;
      this.schedule();
      if (this.waiting.length === 0 && this.inFlight === 0) for (const done of this.idle.splice(0)) done();
    });
  }

  /**
   * The next flush: requests of the first one's kind (keyed or not), within the row and byte
   * caps, taken from each workspace in turn (each workspace's own in order): one tenant's
   * burst of large batches does not make another's small batch wait behind all of it.
   */
  private take(): Waiting[] {
    const first = this.waiting[0];
    const keyed = first.batch.record !== null;
    const alone = keyed && this.log === null; // keyed requests are not merged: each keeps its own token
    const taken = new Set<Waiting>();
    let rows = 0;
    let bytes = 0;
    for (const w of roundRobin(this.waiting)) {
      const fits = taken.size === 0 || (!alone && (w.batch.record !== null) === keyed && rows + w.rows <= this.maxRows && bytes + w.bytes <= MAX_FLUSH_BYTES);
      if (!fits) continue;
      taken.add(w);
      rows += w.rows;
      bytes += w.bytes;
    }
    this.waiting = this.waiting.filter((w) => !taken.has(w));
    this.waitingRows -= rows;
    return [...taken];
  }

  private async flush(taken: Waiting[]): Promise<void> {
    const started = performance.now();
    try {
      const fresh = await this.screen(taken);
      if (fresh.length === 0) return;
      const contents = combine(fresh.map((w) => w.batch));
      if (contents.records.length > 0 && this.log) {
        // Saved first, even a flush of one: a retry of its key may be merged with other
        // requests under another token, and only its copy in the flush log keeps it from being stored twice.
        await this.log.write(await this.save(contents));
      } else {
        await withAttempts(() => writeFlush(this.db, contents));
      }
      this.options.onFlush?.(
        fresh.reduce((n, w) => n + w.rows, 0),
        fresh.length,
        performance.now() - started,
      );
      for (const w of fresh) w.resolve(null);
    } catch (err) {
      for (const w of taken) w.reject(err); // a no-op for those already answered
    }
  }

  private async save(contents: FlushContents): Promise<string> {
    try {
      const token = await this.log!.save(contents);
      this.saveFailure = null;
      return token;
    } catch (err) {
      if (err instanceof AppError) this.saveFailure = { at: Date.now(), error: err };
      throw err;
    }
  }

  /** Answers the keyed requests whose key was acknowledged before; returns the rest. */
  private async screen(taken: Waiting[]): Promise<Waiting[]> {
    const keyed = taken.flatMap((w) => (w.batch.record ? [w.batch.record] : []));
    const earlier = await this.records.findMany(keyed, Date.now());
    const fresh: Waiting[] = [];
    for (const w of taken) {
      const found = w.batch.record && earlier.get(compoundKey(w.batch.record.workspaceId, w.batch.record.key));
      if (found) w.resolve(found);
      else fresh.push(w);
    }
    return fresh;
  }
}

/** The waiting requests one workspace at a time: each workspace's first, then each one's second, … (the first request stays first). */
function roundRobin(waiting: readonly Waiting[]): Waiting[] {
  const queues = new Map<string, Waiting[]>();
  for (const w of waiting) {
    const queue = queues.get(w.batch.workspaceId);
    if (queue) queue.push(w);
    else queues.set(w.batch.workspaceId, [w]);
  }
  const order: Waiting[] = [];
  for (let i = 0; order.length < waiting.length; i++) for (const queue of queues.values()) if (i < queue.length) order.push(queue[i]);
  return order;
}

function lengthOf(lines: string[]): number {
  let n = lines.length;
  for (const l of lines) n += l.length;
  return n;
}

/** An unsaved flush is written up to ATTEMPTS times (same token: a retry stores nothing twice) before it fails. */
async function withAttempts(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
