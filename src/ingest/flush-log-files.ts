import fs from 'node:fs';
import path from 'node:path';
import { RETRY_AFTER_SECONDS } from '../clickhouse/errors';
import { AppError, ErrorCode } from '../domain/errors';
import { FLUSH_PARTS, type FlushContents, type FlushPart } from './flush';

/** `<token>.flush`, or `<token>.<parts stored>.flush` once some of its inserts are stored. */
const FLUSH_FILE = /^([A-Za-z0-9_-]+)(?:\.([0-9a-f]))?\.flush$/;

/** A saved flush as found on disk. */
export interface LoggedFlush {
  file: string;
  contents: FlushContents;
  /** Parts a previous attempt stored (from the file name). */
  stored: Set<FlushPart>;
}

/**
 * The write-ahead copy of a flush that carries keyed requests, in DATA_DIR/ingest-wal.
 *
 * Why: a flush merges the rows of many requests under one deduplication token, so a
 * producer's retry (same key, same body) lands in another flush with another token. If
 * the gateway dies after the engine stored a flush but before its idempotency records
 * were written, that retry alone could not tell and would store the rows twice. The
 * copy lets the next start write the very same flush again, same token: the engine
 * drops what it already has, stores what it lacks, and the records follow, so the retry
 * is answered as a replay. The copy is removed once the records are stored.
 *
 * A file is complete once renamed from `.tmp` to `.flush` (after fsync); a `.tmp` left by
 * a crash was never handed to the engine and is deleted. The parts already stored are
 * kept in the file's name (a rename needs no free space), so a later start skips them.
 * `failed/` holds the flushes held for an operator: their keys stay refused.
 */
export class FlushLogFiles {
  constructor(readonly dir: string) {}

  get failedDir(): string {
    return path.join(this.dir, 'failed');
  }

  /**
   * Durably saves `contents`; returns the file to `remove` after the flush is stored. Any
   * failure (a full disk, permissions, a short write) is the gateway's own disk refusing:
   * 503 with Retry-After, nothing saved, nothing stored.
   */
  async save(contents: FlushContents): Promise<string> {
    try {
      return await this.write(contents);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new AppError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `The gateway could not save this batch on its disk${typeof code === 'string' ? ` (${code})` : ''}; nothing was stored, retry shortly with the same Idempotency-Key`,
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
        { cause: err },
      );
    }
  }

  private async write(contents: FlushContents): Promise<string> {
    await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const header = JSON.stringify({
      v: 1,
      token: contents.token,
      createdAt: contents.createdAt,
      records: contents.records,
      sizes: [contents.events.length, contents.syncs.length, contents.samples.length],
    });
    const file = path.join(this.dir, `${contents.token}.flush`);
    const tmp = `${file}.tmp`;
    const chunks = [Buffer.from(`${header}\n`), contents.events, contents.syncs, contents.samples];
    const handle = await fs.promises.open(tmp, 'w', 0o600);
    try {
      const { bytesWritten } = await handle.writev(chunks);
      const expected = chunks.reduce((n, c) => n + c.length, 0);
      if (bytesWritten !== expected) throw Object.assign(new Error(`short write to ${tmp}: ${bytesWritten} of ${expected} bytes`), { code: 'ENOSPC' });
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    await fs.promises.rename(tmp, file);
    try {
      await syncDir(this.dir);
    } catch (err) {
      // The requests are answered with this error: the file must not be written at the next start.
      await fs.promises.rm(file, { force: true });
      throw err;
    }
    return file;
  }

  async read(file: string): Promise<FlushContents> {
    return parseFlush(await fs.promises.readFile(file), file);
  }

  async remove(file: string): Promise<void> {
    await fs.promises.rm(file, { force: true });
  }

  /**
   * Records in the file's name that `stored` parts are stored; returns the new name. Best
   * effort (the parts are remembered in memory too): on failure the name stays.
   */
  async markStored(file: string, stored: ReadonlySet<FlushPart>): Promise<string> {
    const match = FLUSH_FILE.exec(path.basename(file));
    if (!match) return file;
    const mask = FLUSH_PARTS.reduce((m, part, i) => (stored.has(part) ? m | (1 << i) : m), 0);
    const renamed = path.join(path.dirname(file), `${match[1]}.${mask.toString(16)}.flush`);
    if (renamed === file) return file;
    try {
      await fs.promises.rename(file, renamed);
      await syncDir(path.dirname(file)).catch(() => undefined);
      return renamed;
    } catch {
      return file;
    }
  }

  /** Moves a flush that will not be written again by this process to `failed/`, for an operator. */
  async quarantine(file: string): Promise<string> {
    await fs.promises.mkdir(this.failedDir, { recursive: true, mode: 0o700 });
    const target = path.join(this.failedDir, path.basename(file));
    await fs.promises.rename(file, target);
    return target;
  }

  /**
   * Flushes saved and not yet removed, oldest first. Incomplete files (`.tmp`) are deleted;
   * a complete file that cannot be read, or whose header is not a flush's, is moved to
   * `failed/damaged/` (the gateway still starts; it holds no key it could name).
   */
  load(): LoggedFlush[] {
    return this.scan(this.dir, true);
  }

  /** The flushes held in `failed/` (an operator's to resolve): their keys stay refused. */
  loadHeld(): LoggedFlush[] {
    return this.scan(this.failedDir, false);
  }

  private scan(dir: string, dropTemporary: boolean): LoggedFlush[] {
    if (!fs.existsSync(dir)) return [];
    const found: Array<LoggedFlush & { mtime: number }> = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(dir, entry.name);
      if (entry.name.endsWith('.tmp')) {
        if (dropTemporary) fs.rmSync(file, { force: true });
        continue;
      }
      const match = FLUSH_FILE.exec(entry.name);
      if (!match) continue;
      try {
        // At start, before serving: reading synchronously holds no request.
        found.push({ file, contents: parseFlush(fs.readFileSync(file), file), stored: partsOf(match[2]), mtime: fs.statSync(file).mtimeMs });
      } catch {
        const damaged = path.join(this.failedDir, 'damaged');
        fs.mkdirSync(damaged, { recursive: true, mode: 0o700 });
        fs.renameSync(file, path.join(damaged, entry.name));
      }
    }
    return found.sort((a, b) => a.mtime - b.mtime).map(({ file, contents, stored }) => ({ file, contents, stored }));
  }
}

function partsOf(mask: string | undefined): Set<FlushPart> {
  const bits = mask === undefined ? 0 : parseInt(mask, 16);
  return new Set(FLUSH_PARTS.filter((_, i) => (bits & (1 << i)) !== 0));
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** A saved flush's bytes, checked field by field: a parseable file of another shape is damaged too. */
function parseFlush(bytes: Buffer, file: string): FlushContents {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) throw new Error(`ingest write-ahead file ${file} is damaged (no header line)`);
  const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Record<string, unknown>;
  const records = header.records;
  const sizes = header.sizes;
  const recordsOk =
    Array.isArray(records) &&
    records.every(
      (r: Record<string, unknown>) =>
        r !== null && typeof r === 'object' && isString(r.workspaceId) && isString(r.key) && isString(r.bodySha256) && isString(r.result),
    );
  const sizesOk = Array.isArray(sizes) && sizes.length === 3 && sizes.every((n) => Number.isSafeInteger(n) && n >= 0);
  if (header.v !== 1 || !isString(header.token) || !Number.isFinite(header.createdAt) || !recordsOk || !sizesOk) {
    throw new Error(`ingest write-ahead file ${file} is damaged (its header is not a saved flush's)`);
  }
  const [e, s, m] = sizes as [number, number, number];
  const body = bytes.subarray(newline + 1);
  if (body.length !== e + s + m) throw new Error(`ingest write-ahead file ${file} is damaged (${body.length} of ${e + s + m} bytes)`);
  return {
    token: header.token,
    createdAt: header.createdAt as number,
    records: records as FlushContents['records'],
    events: body.subarray(0, e),
    syncs: body.subarray(e, e + s),
    samples: body.subarray(e + s, e + s + m),
  };
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
