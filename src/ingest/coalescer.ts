import type { Db } from '../clickhouse/client';
import { IdempotencyStore, sha256Hex, type IdempotencyRecord } from './idempotency';
import { writeFlush, type FlushContents, type KeyedRecord } from './flush';
import type { IngestWal } from './ingest-wal';

/** One request's rows, encoded and validated, waiting to be written. */
export interface StagedBatch {
  workspaceId: string;
  /** The request's own deduplication token (for a keyed request, a hash of workspace, key and body). */
  token: string;
  eventLines: string[];
  syncLines: string[];
  sampleLines: string[];
  /** The idempotency record to store with the rows; null for a request without a key. */
  record: KeyedRecord | null;
}

export interface CoalescerOptions {
  /** Rows (reports and syncs) that start a flush at once; default 50,000. */
  maxRows?: number;
  /** A request waits at most this long for a flush to start while another is running; default 200 ms. */
  maxDelayMs?: number;
  /** Where flushes carrying keyed requests are saved first; unset, a crash may leave a retried key stored twice. */
  wal?: IngestWal;
  /** Told of every flush written (rows, requests, milliseconds). */
  onFlush?: (rows: number, requests: number, ms: number) => void;
  /** Told when a saved flush could not be written and will be retried. */
  onError?: (err: unknown) => void;
}

interface Waiting {
  batch: StagedBatch;
  rows: number;
  resolve: (earlier: IdempotencyRecord | null) => void;
  reject: (err: unknown) => void;
}

/** Flushes running at once: one in the engine, the next one ready behind it. */
const MAX_IN_FLIGHT = 2;
/**
 * After a flush of several requests, the next one waits this long (ms) for the producers
 * it answered: measured with 8 producers of 500-report bodies, 0 ms left them in two
 * alternating groups of about 4 requests per flush; 15 ms made it about 4.3 (121 → 97 flushes
 * for 420 requests). A request into an idle coalescer never waits.
 */
const SUSTAINED_LINGER_MS = 10;
/** Attempts at one flush before its requests are answered with the error. */
const ATTEMPTS = 3;

/**
 * Merges concurrent ingest requests into fewer, larger engine inserts (group commit).
 * When nothing is being written a request's rows go at once (with whatever arrived in
 * the same turn of the event loop); while a flush runs, arrivals wait for it and then
 * go together, up to `maxRows` per insert. Each request's promise settles only when
 * its rows (and, for a keyed request, its idempotency record) are stored.
 *
 * A flush first looks up the records of its keyed requests, all in one statement: a key
 * acknowledged earlier is answered with that record (the caller replays it or refuses
 * another body) and its rows are left out. Looking up per flush rather than per request
 * keeps the lookups off each request's path to the flush, so requests that arrive while
 * a flush runs all make the next one.
 */
export class IngestCoalescer {
  private waiting: Waiting[] = [];
  private waitingRows = 0;
  private inFlight = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  /** Saved flushes not yet written, by file; and the file holding each (workspace, key). */
  private readonly unwritten = new Map<string, FlushContents>();
  private readonly unwrittenKeys = new Map<string, string>();
  private readonly writing = new Map<string, Promise<void>>();
  private retryTimer: NodeJS.Timeout | null = null;
  private idle: Array<() => void> = [];
  private readonly records: IdempotencyStore;
  private lingerUntil = 0;

  constructor(private readonly db: Db, private readonly options: CoalescerOptions = {}) {
    this.maxRows = options.maxRows ?? 50_000;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.records = new IdempotencyStore(db);
  }

  /**
   * Resolves with null once `batch` is stored, or with the record its key got earlier
   * (nothing stored now); rejects (nothing acknowledged) when the engine refused its flush.
   */
  submit(batch: StagedBatch): Promise<IdempotencyRecord | null> {
    return new Promise((resolve, reject) => {
      const rows = batch.eventLines.length + batch.syncLines.length;
      this.waiting.push({ batch, rows, resolve, reject });
      this.waitingRows += rows;
      this.schedule();
    });
  }

  /**
   * Writes the saved flush holding (workspace, key), if one is still unwritten, so a
   * retry of that key finds its record instead of storing its rows a second time.
   */
  async settle(workspaceId: string, key: string): Promise<void> {
    const file = this.unwrittenKeys.get(`${workspaceId}\u0000${key}`);
    if (file !== undefined) await this.writeSaved(file);
  }

  /** Writes every flush a previous process saved and did not finish; call before serving. */
  async recover(): Promise<number> {
    const saved = this.options.wal?.load() ?? [];
    for (const { file, contents } of saved) this.remember(file, contents);
    for (const { file } of saved) {
      await this.writeSaved(file).catch((err) => {
        this.options.onError?.(err);
        this.retryLater();
      });
    }
    return saved.length;
  }

  /** Resolves when nothing is waiting or being written. */
  drain(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
  }

  /** Flushes saved but not yet written (a readiness signal for operators). */
  get backlog(): number {
    return this.unwritten.size;
  }

  private schedule(): void {
    if (this.waiting.length === 0 || this.inFlight >= MAX_IN_FLIGHT) return;
    if (this.waitingRows >= this.maxRows) return void this.start();
    if (this.inFlight === 0) {
      if (this.scheduled) return;
      this.scheduled = true;
      const go = () => {
        this.scheduled = false;
        if (this.inFlight === 0) this.start();
      };
      const wait = this.lingerUntil - performance.now();
      if (wait > 0) setTimeout(go, wait);
      else setImmediate(go);
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
    this.timer = null;
    const taken: Waiting[] = [];
    let rows = 0;
    while (this.waiting.length > 0 && (taken.length === 0 || rows + this.waiting[0].rows <= this.maxRows)) {
      const next = this.waiting.shift()!;
      rows += next.rows;
      taken.push(next);
    }
    this.waitingRows -= rows;
    this.inFlight++;
    void this.flush(taken).finally(() => {
      this.inFlight--;
      // Under sustained traffic the producers just answered come back within milliseconds:
      // the next flush waits that long for them instead of leaving half of them to the one after.
      if (taken.length > 1 || this.waiting.length > 0) this.lingerUntil = performance.now() + SUSTAINED_LINGER_MS;
      this.schedule();
      if (this.waiting.length === 0 && this.inFlight === 0) for (const done of this.idle.splice(0)) done();
    });
  }

  private async flush(taken: Waiting[]): Promise<void> {
    const started = performance.now();
    try {
      const keyed = taken.flatMap((w) => (w.batch.record ? [w.batch.record] : []));
      const earlier = await this.records.findMany(keyed, Date.now());
      const fresh: Waiting[] = [];
      for (const w of taken) {
        const found = w.batch.record && earlier.get(`${w.batch.record.workspaceId}\u0000${w.batch.record.key}`);
        if (found) w.resolve(found);
        else fresh.push(w);
      }
      if (fresh.length === 0) return;
      const contents = combine(fresh.map((w) => w.batch));
      // Every flush with a keyed request is saved first, even a flush of one: a retry of that
      // key may be merged with other requests under another token, and only the saved copy
      // (written again at the next start) keeps it from being stored twice.
      const file = contents.records.length > 0 && this.options.wal ? await this.options.wal.save(contents) : null;
      if (file !== null) this.remember(file, contents);
      if (file !== null) await this.writeSaved(file);
      else await withAttempts(() => writeFlush(this.db, contents));
      this.options.onFlush?.(fresh.reduce((n, w) => n + w.rows, 0), fresh.length, performance.now() - started);
      for (const w of fresh) w.resolve(null);
    } catch (err) {
      for (const w of taken) w.reject(err); // a no-op for those already answered
    }
  }

  private remember(file: string, contents: FlushContents): void {
    this.unwritten.set(file, contents);
    for (const r of contents.records) this.unwrittenKeys.set(`${r.workspaceId}\u0000${r.key}`, file);
  }

  /** Writes a saved flush (once at a time per file), then forgets it; on failure it stays for a later try. */
  private writeSaved(file: string): Promise<void> {
    const running = this.writing.get(file);
    if (running) return running;
    const contents = this.unwritten.get(file);
    if (contents === undefined) return Promise.resolve();
    const attempt = (async () => {
      try {
        await withAttempts(() => writeFlush(this.db, contents));
        await this.options.wal!.remove(file);
        this.unwritten.delete(file);
        for (const r of contents.records) if (this.unwrittenKeys.get(`${r.workspaceId}\u0000${r.key}`) === file) this.unwrittenKeys.delete(`${r.workspaceId}\u0000${r.key}`);
      } catch (err) {
        this.retryLater();
        throw err;
      } finally {
        this.writing.delete(file);
      }
    })();
    this.writing.set(file, attempt);
    return attempt;
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      for (const file of [...this.unwritten.keys()]) void this.writeSaved(file).catch((err) => this.options.onError?.(err));
    }, 5_000);
    this.retryTimer.unref();
  }
}

/** One flush of several requests; a flush of one request keeps that request's own token. */
function combine(batches: StagedBatch[]): FlushContents {
  const token = batches.length === 1 ? batches[0].token : sha256Hex(batches.map((b) => b.token).join('\n'));
  const join = (pick: (b: StagedBatch) => string[]) => {
    const lines = batches.flatMap(pick);
    return lines.length > 0 ? Buffer.from(lines.join('\n')) : Buffer.alloc(0);
  };
  return {
    token,
    events: join((b) => b.eventLines),
    syncs: join((b) => b.syncLines),
    samples: join((b) => b.sampleLines),
    records: batches.flatMap((b) => (b.record ? [b.record] : [])),
    createdAt: Date.now(),
  };
}

/** A flush is written up to ATTEMPTS times (same token: a retry stores nothing twice) before it fails. */
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
