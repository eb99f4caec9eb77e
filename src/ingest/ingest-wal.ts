import fs from 'node:fs';
import path from 'node:path';
import type { FlushContents } from './flush';

const FLUSH_FILE = /^[A-Za-z0-9_-]+\.flush$/;

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
 * a crash was never handed to the engine and is deleted.
 */
export class IngestWal {
  constructor(readonly dir: string) {}

  /** Durably saves `contents`; returns the file to `remove` after the flush is stored. */
  async save(contents: FlushContents): Promise<string> {
    await fs.promises.mkdir(this.dir, { recursive: true });
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
      if (bytesWritten !== expected) throw new Error(`short write to ${tmp}: ${bytesWritten} of ${expected} bytes`);
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

  read(file: string): FlushContents {
    return parseFlush(fs.readFileSync(file), file);
  }

  async remove(file: string): Promise<void> {
    await fs.promises.rm(file, { force: true });
  }

  /** Moves a flush that will not be written to `failed/`, for an operator to look at. */
  async quarantine(file: string): Promise<void> {
    const failed = path.join(this.dir, 'failed');
    await fs.promises.mkdir(failed, { recursive: true });
    await fs.promises.rename(file, path.join(failed, path.basename(file)));
  }

  /**
   * Flushes saved and not yet removed, oldest first. Incomplete files (`.tmp`) are deleted;
   * a complete file that cannot be read is moved to `failed/` (the gateway still starts).
   */
  load(): Array<{ file: string; contents: FlushContents }> {
    if (!fs.existsSync(this.dir)) return [];
    const found: Array<{ file: string; contents: FlushContents; mtime: number }> = [];
    for (const entry of fs.readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(this.dir, entry.name);
      if (entry.name.endsWith('.tmp')) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!FLUSH_FILE.test(entry.name)) continue;
      try {
        found.push({ file, contents: this.read(file), mtime: fs.statSync(file).mtimeMs });
      } catch {
        fs.mkdirSync(path.join(this.dir, 'failed'), { recursive: true });
        fs.renameSync(file, path.join(this.dir, 'failed', entry.name));
      }
    }
    return found.sort((a, b) => a.mtime - b.mtime).map(({ file, contents }) => ({ file, contents }));
  }
}

function parseFlush(bytes: Buffer, file: string): FlushContents {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) throw new Error(`ingest write-ahead file ${file} is damaged (no header line)`);
  const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { v: number; token: string; createdAt: number; records: FlushContents['records']; sizes: [number, number, number] };
  const [e, s, m] = header.sizes;
  const body = bytes.subarray(newline + 1);
  if (header.v !== 1 || body.length !== e + s + m) throw new Error(`ingest write-ahead file ${file} is damaged (${body.length} of ${e + s + m} bytes)`);
  return {
    token: header.token,
    createdAt: header.createdAt,
    records: header.records,
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
