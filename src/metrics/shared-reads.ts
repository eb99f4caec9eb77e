import crypto from 'node:crypto';

/** The instants a read's answer depends on (epoch ms; `to` may be Infinity): a write outside them cannot change it. */
export interface Coverage {
  from: number;
  to: number;
}

/** Every instant: for reads over all time (the retry gauge, a message's trace). */
export const ALL_TIME: Coverage = { from: -Infinity, to: Infinity };

export interface SharedReadsOptions {
  /** Answers kept at most, over every workspace (least recently used dropped first). Default 2,000; 0 turns the cache off (single flight stays). */
  maxEntries?: number;
  /** Rows kept at most, over every answer (an answer larger than a tenth of it is not kept). Default 500,000. */
  maxRows?: number;
  /**
   * An answer is served for at most this long (ms). Writes through this gateway invalidate what
   * they touch at once; the age bounds what other replicas' writes can leave stale. Default 30,000.
   */
  ttlMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export type ReadOutcome = 'hit' | 'miss' | 'joined';

interface Entry {
  workspaceId: string;
  coverage: Coverage;
  rows: unknown[];
  storedAt: number;
}

interface Flight {
  workspaceId: string;
  coverage: Coverage;
  promise: Promise<unknown[]>;
  /** A write overlapped it after it started: its answer is neither joined nor kept. */
  stale: boolean;
}

export interface SharedReadsStats {
  hits: number;
  misses: number;
  /** Reads answered by a statement another request had already started. */
  joined: number;
  entries: number;
  rows: number;
}

const overlaps = (c: Coverage, from: number, to: number) => c.from <= to && from <= c.to;

function freeze<T>(rows: T[]): T[] {
  for (const row of rows) Object.freeze(row);
  return Object.freeze(rows) as T[];
}

/**
 * Identical reads of one workspace run once. Concurrent requests that need the same
 * statement with the same parameters share one engine call (single flight), and its answer
 * is kept until a write changes what it covers: an ingested batch invalidates only the
 * answers whose coverage holds one of its report times (late reports included). A write
 * that lands while a read runs makes that read's answer unkeepable and unjoinable, so
 * nothing is ever served that a fresh statement started after the write would answer
 * differently (test/integration/shared-reads.test.ts checks this against fresh reads).
 */
export class SharedReads {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Flight>();
  private rows = 0;
  private readonly maxEntries: number;
  private readonly maxRows: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  readonly stats = { hits: 0, misses: 0, joined: 0 };
  /** Told each read's outcome (metrics). */
  onRead?: (outcome: ReadOutcome) => void;
  /** False: every read runs its own statement and nothing is kept (the bench compares GraphQL with direct SQL so). */
  enabled = true;

  constructor(options: SharedReadsOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2_000;
    this.maxRows = options.maxRows ?? 500_000;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** The statement's key: workspace, family, SQL, parameters and settings, hashed. */
  static keyOf(workspaceId: string, parts: unknown[]): string {
    return crypto
      .createHash('sha256')
      .update(JSON.stringify([workspaceId, ...parts]))
      .digest('base64url');
  }

  /** The answer of `read` for `key`: kept, joined, or read now (and kept). */
  async read<T>(workspaceId: string, key: string, coverage: Coverage, read: () => Promise<T[]>): Promise<T[]> {
    if (!this.enabled) return read();
    const kept = this.entries.get(key);
    if (kept && this.now() - kept.storedAt < this.ttlMs) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, kept);
      this.stats.hits++;
      this.onRead?.('hit');
      return kept.rows as T[];
    }
    if (kept) this.forget(key);
    const flight = this.flights.get(key);
    if (flight && !flight.stale) {
      this.stats.joined++;
      this.onRead?.('joined');
      return flight.promise as Promise<T[]>;
    }
    this.stats.misses++;
    this.onRead?.('miss');
    // Frozen: every caller gets the same rows, and one that changed them would change them for all.
    const own: Flight = { workspaceId, coverage, promise: read().then(freeze), stale: false };
    this.flights.set(key, own);
    try {
      const rows = await own.promise;
      if (!own.stale) this.keep(key, { workspaceId, coverage, rows, storedAt: this.now() });
      return rows as T[];
    } finally {
      if (this.flights.get(key) === own) this.flights.delete(key);
    }
  }

  /** A write of `workspaceId` stored reports timed within [from, to]: what covers them is dropped. */
  invalidate(workspaceId: string, from: number, to: number): void {
    for (const [key, e] of this.entries) if (e.workspaceId === workspaceId && overlaps(e.coverage, from, to)) this.forget(key);
    for (const f of this.flights.values()) if (f.workspaceId === workspaceId && overlaps(f.coverage, from, to)) f.stale = true;
  }

  snapshot(): SharedReadsStats {
    return { ...this.stats, entries: this.entries.size, rows: this.rows };
  }

  private keep(key: string, entry: Entry): void {
    if (this.maxEntries === 0 || entry.rows.length > this.maxRows / 10) return;
    this.forget(key);
    this.entries.set(key, entry);
    this.rows += entry.rows.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.rows <= this.maxRows) break;
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.rows -= e.rows.length;
  }
}

/** What a read of a range and the period before it covers. */
export function periodCoverage(range: { previousFrom: number; to: number }): Coverage {
  return { from: range.previousFrom, to: range.to };
}
