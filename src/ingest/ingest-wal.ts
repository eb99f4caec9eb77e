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
    const handle = await fs.promises.open(tmp, 'w', 0o600);
    try {
      await handle.writev([Buffer.from(`${header}\n`), contents.events, contents.syncs, contents.samples]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
    await syncDir(this.dir);
    return file;
  }

  async remove(file: string): Promise<void> {
    await fs.promises.rm(file, { force: true });
  }

  /** Flushes saved and not yet removed, oldest first; incomplete files are deleted. */
  load(): Array<{ file: string; contents: FlushContents }> {
    if (!fs.existsSync(this.dir)) return [];
    const found: Array<{ file: string; contents: FlushContents; mtime: number }> = [];
    for (const name of fs.readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      if (name.endsWith('.tmp')) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!FLUSH_FILE.test(name)) continue;
      found.push({ file, contents: parseFlush(fs.readFileSync(file), file), mtime: fs.statSync(file).mtimeMs });
    }
    return found.sort((a, b) => a.mtime - b.mtime).map(({ file, contents }) => ({ file, contents }));
  }
}

function parseFlush(bytes: Buffer, file: string): FlushContents {
  const newline = bytes.indexOf(0x0a);
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
