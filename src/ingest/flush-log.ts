import path from 'node:path';
import type { FlushWriter } from './flush';
import { classifyClickHouseError, isTransient } from '../clickhouse/errors';
import { AppError, ErrorCode } from '../domain/errors';
import { writeFlush, type FlushContents, type FlushPart } from './flush';
import type { FlushLogFiles } from './flush-log-files';
import { compoundKey } from '../domain/compound-key';

export interface FlushLogOptions {
  /** Told when a saved flush could not be written and will be tried again. */
  onError?: (err: unknown) => void;
  /** Told when a saved flush is held for an operator (moved to `failed/`): its keys stay refused. */
  onHold?: (file: string, err: unknown) => void;
  /** Default FLUSH_HOLD_AFTER_MS. */
  maxAgeMs?: number;
}

/**
 * A saved flush the engine refuses for a reason that is not transient (a schema change
 * under a rolling upgrade, a row it cannot parse) is tried for this long (ms), then held.
 */
export const FLUSH_HOLD_AFTER_MS = 60_000;
/** Saved flushes waiting at most; past it, new keyed requests are refused (503) until ClickHouse takes writes again. */
export const MAX_SAVED_BACKLOG = 64;
/** Background tries: every 5 s, doubling while they keep failing, at most every minute. */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;
/** How long a producer whose key is held is told to wait. */
const HELD_RETRY_AFTER_SECONDS = 60;

interface Entry {
  file: string;
  /** The flush itself while its first attempt runs (no read-back of what was just written); later attempts read the file. */
  contents: FlushContents | null;
  keys: string[];
  savedAt: number;
  /** Parts already stored: a later attempt writes only the others (see writeFlush). */
  stored: Set<FlushPart>;
  /** In `failed/` for an operator: not written again by this process; its keys stay refused. */
  held: boolean;
}

/**
 * The flush log: flushes saved in DATA_DIR/ingest-wal (FlushLogFiles) and not yet stored: which (workspace, key)
 * each holds, writing them again (same token, stored parts skipped, so nothing is stored
 * twice), one at a time, in the background while ClickHouse refuses, and before a retry
 * of one of their keys.
 *
 * A key is never released while its rows may be stored: a retry of it is answered 503
 * until its flush is written (then as a replay). A full disk or a timeout is waited out
 * however long it lasts. A flush refused for another reason for a minute is held: moved
 * to `failed/`, its keys refused with a message naming the file, until an operator moves
 * it back (written at the next start) or deletes it (its keys free, at the risk of
 * storing twice what part of it stored). See docs/ingest.md and ADR 0010.
 */
export class FlushLog {
  private readonly entries = new Map<string, Entry>();
  private readonly tokenOfKey = new Map<string, string>();
  private readonly writing = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly writer: FlushWriter,
    readonly files: FlushLogFiles,
    private readonly options: FlushLogOptions = {},
  ) {}

  /** Flushes saved and waiting to be written (held ones aside). */
  get size(): number {
    let n = 0;
    for (const e of this.entries.values()) if (!e.held) n++;
    return n;
  }

  /** Flushes held in `failed/` for an operator. */
  get held(): number {
    return this.entries.size - this.size;
  }

  /** Saves `contents` durably and tracks it until `write` stores it; returns its token. */
  async save(contents: FlushContents): Promise<string> {
    const file = await this.files.save(contents);
    this.track(contents, { file, contents, keys: [], savedAt: Date.now(), stored: new Set(), held: false });
    return contents.token;
  }

  /** Takes over the flushes a previous process left (held ones included); pending ones are written by `writeAll`. */
  adopt(): { pending: number; held: number } {
    const pending = this.files.load();
    const held = this.files.loadHeld();
    for (const { file, contents, stored } of pending) this.track(contents, { file, contents: null, keys: [], savedAt: Date.now(), stored, held: false });
    for (const { file, contents, stored } of held) this.track(contents, { file, contents: null, keys: [], savedAt: 0, stored, held: true });
    return { pending: pending.length, held: held.length };
  }

  /** The saved flush holding (workspace, key), if any. */
  flushOf(workspaceId: string, key: string): string | undefined {
    return this.tokenOfKey.get(compoundKey(workspaceId, key));
  }

  /**
   * Writes a saved flush (once at a time), then forgets it and removes its file. Rejects
   * while it cannot be stored (classified: 503 or 504 with Retry-After); for a held flush at once.
   */
  write(token: string): Promise<void> {
    const running = this.writing.get(token);
    if (running) return running;
    const entry = this.entries.get(token);
    if (entry === undefined) return Promise.resolve();
    if (entry.held) return Promise.reject(heldError(entry.file));
    const attempt = this.attempt(token, entry).finally(() => this.writing.delete(token));
    this.writing.set(token, attempt);
    return attempt;
  }

  /** Writes every waiting saved flush once, oldest first; failures stay tracked. */
  async writeAll(): Promise<void> {
    for (const [token, entry] of [...this.entries]) if (!entry.held) await this.write(token).catch(() => undefined);
  }

  /** No more background tries; what is left stays on disk for the next start. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private track(contents: FlushContents, entry: Entry): void {
    entry.keys = contents.records.map((r) => compoundKey(r.workspaceId, r.key));
    this.entries.set(contents.token, entry);
    for (const k of entry.keys) this.tokenOfKey.set(k, contents.token);
  }

  private forget(token: string): void {
    const entry = this.entries.get(token);
    this.entries.delete(token);
    for (const k of entry?.keys ?? []) if (this.tokenOfKey.get(k) === token) this.tokenOfKey.delete(k);
  }

  private async attempt(token: string, entry: Entry): Promise<void> {
    const before = entry.stored.size;
    try {
      // A retry reads the file again: memory holds only the flushes being written for the first time.
      const contents = entry.contents ?? (await this.files.read(entry.file));
      entry.contents = null;
      await writeFlush(this.writer, contents, entry.stored);
      await this.files.remove(entry.file);
      this.forget(token);
      this.failures = 0;
    } catch (err) {
      if (entry.stored.size > before) entry.file = await this.files.markStored(entry.file, entry.stored);
      const refusal = classifyClickHouseError(err).appError;
      if (!isTransient(refusal) && Date.now() - entry.savedAt >= (this.options.maxAgeMs ?? FLUSH_HOLD_AFTER_MS)) {
        await this.hold(entry, err);
        throw heldError(entry.file);
      }
      this.options.onError?.(err);
      this.failures++;
      this.retryLater();
      throw err;
    }
  }

  private async hold(entry: Entry, err: unknown): Promise<void> {
    entry.held = true;
    entry.file = await this.files.quarantine(entry.file).catch(() => entry.file);
    this.options.onHold?.(entry.file, err);
  }

  private retryLater(): void {
    if (this.timer || this.stopped) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, this.failures - 1));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeAll();
    }, delay);
    this.timer.unref();
  }
}

function heldError(file: string): AppError {
  return new AppError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `An earlier attempt of this batch could not be stored and is held for an operator (ingest-wal/failed/${path.basename(file)}); nothing was stored now, and this key stays refused until it is resolved`,
    { retryAfterSeconds: HELD_RETRY_AFTER_SECONDS },
  );
}
