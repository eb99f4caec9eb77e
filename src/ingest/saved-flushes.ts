import type { Db } from '../clickhouse/client';
import { writeFlush, type FlushContents } from './flush';
import type { IngestWal } from './ingest-wal';

export interface SavedFlushesOptions {
  /** Told when a saved flush could not be written and will be tried again. */
  onError?: (err: unknown) => void;
  /** Told when a saved flush is given up (moved to `failed/`): its keys may be stored again by a retry. */
  onGiveUp?: (file: string, err: unknown) => void;
  /** Default SAVED_FLUSH_MAX_AGE_MS. */
  maxAgeMs?: number;
}

/** A saved flush is written again for at most this long after it was saved (ms), then given up. */
export const SAVED_FLUSH_MAX_AGE_MS = 60_000;
/** Saved flushes waiting at most; past it, new keyed requests are refused (503) until ClickHouse takes writes again. */
export const MAX_SAVED_BACKLOG = 64;
const RETRY_EVERY_MS = 5_000;

interface Entry {
  keys: string[];
  savedAt: number;
  lastError: unknown;
}

/**
 * Flushes saved to the write-ahead directory and not yet stored: which (workspace, key)
 * each holds, writing them again (same token, so nothing is stored twice), one at a
 * time, every 5 s while ClickHouse refuses, for at most a minute after they were saved.
 *
 * Why a minute: a flush written again long after is protected from double storage only by
 * the engine's deduplication window (the last 10,000 blocks per table), which other
 * writes move on; and a flush the engine refuses for good (a schema change under a
 * rolling upgrade, a memory limit) must not hold the keys merged into it forever. A
 * given-up flush is moved to `failed/` for an operator, and its keys are released: a
 * retry of them is stored as new (after a partial write, possibly twice; logged).
 */
export class SavedFlushes {
  private readonly entries = new Map<string, Entry>();
  private readonly fileOfKey = new Map<string, string>();
  private readonly writing = new Map<string, Promise<boolean>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly db: Db, readonly wal: IngestWal, private readonly options: SavedFlushesOptions = {}) {}

  get size(): number {
    return this.entries.size;
  }

  /** Saves `contents` durably and tracks it until `write` stores it. */
  async save(contents: FlushContents): Promise<string> {
    const file = await this.wal.save(contents);
    this.track(file, contents, Date.now());
    return file;
  }

  /** Takes over the flushes a previous process left; they are written by `writeAll`. */
  adopt(): number {
    const found = this.wal.load();
    for (const { file, contents } of found) this.track(file, contents, Date.now());
    return found.length;
  }

  /** The saved flush holding (workspace, key), if any. */
  fileOf(workspaceId: string, key: string): string | undefined {
    return this.fileOfKey.get(`${workspaceId}\u0000${key}`);
  }

  /**
   * Writes a saved flush (once at a time per file), then forgets it and removes its file:
   * true. On failure it stays for the next try (rejects), or, once a minute old, is given
   * up: false (its keys are free again).
   */
  write(file: string): Promise<boolean> {
    const running = this.writing.get(file);
    if (running) return running;
    const entry = this.entries.get(file);
    if (entry === undefined) return Promise.resolve(true);
    const attempt = this.attempt(file, entry).finally(() => this.writing.delete(file));
    this.writing.set(file, attempt);
    return attempt;
  }

  /** Writes every saved flush once, oldest first; failures stay tracked (or are given up). */
  async writeAll(): Promise<void> {
    for (const file of [...this.entries.keys()]) await this.write(file).catch(() => undefined);
  }

  /** No more background tries; what is left stays on disk for the next start. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private track(file: string, contents: FlushContents, savedAt: number): void {
    const keys = contents.records.map((r) => `${r.workspaceId}\u0000${r.key}`);
    this.entries.set(file, { keys, savedAt, lastError: null });
    for (const k of keys) this.fileOfKey.set(k, file);
  }

  private forget(file: string): void {
    const entry = this.entries.get(file);
    this.entries.delete(file);
    for (const k of entry?.keys ?? []) if (this.fileOfKey.get(k) === file) this.fileOfKey.delete(k);
  }

  private async attempt(file: string, entry: Entry): Promise<boolean> {
    try {
      await writeFlush(this.db, this.wal.read(file));
      await this.wal.remove(file);
      this.forget(file);
      return true;
    } catch (err) {
      entry.lastError = err;
      // Given up, the flush no longer holds its keys: the caller goes on as if it never existed.
      if (Date.now() - entry.savedAt >= (this.options.maxAgeMs ?? SAVED_FLUSH_MAX_AGE_MS)) {
        await this.giveUp(file, err);
        return false;
      }
      this.options.onError?.(err);
      this.retryLater();
      throw err;
    }
  }

  private async giveUp(file: string, err: unknown): Promise<void> {
    this.forget(file);
    await this.wal.quarantine(file).catch(() => undefined);
    this.options.onGiveUp?.(file, err);
  }

  private retryLater(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeAll();
    }, RETRY_EVERY_MS);
    this.timer.unref();
  }
}
