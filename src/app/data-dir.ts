import fs from 'node:fs';
import { type Db } from '../clickhouse/client';
import { dbOptionsOf, openDb } from '../clickhouse/open';
import type { Config } from '../config/config';

/**
 * DATA_DIR holds the embedded engine's files (discard samples, token hashes, every report), the
 * root token and the secrets key: its owner's only. The engine creates its directories 0755 and
 * its files 0644 (it follows the process umask), so the directory's own mode is what keeps other
 * users of the machine out of all of it.
 */
export const DATA_DIR_MODE = 0o700;

/**
 * Creates DATA_DIR (and missing parents) 0700, or narrows an existing one to 0700, before anything
 * is written to it. Returns why that failed (a directory another user owns, such as a volume
 * mounted root-owned) for a warning, or null when the directory is private.
 */
export function makeDataDirPrivate(dir: string): string | null {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
    if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, DATA_DIR_MODE);
    return null;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return `DATA_DIR ${dir} could not be made private (mode 0700): ${why}. Other users may read what the gateway stores there; give the directory to the gateway's user, or point DATA_DIR at a directory inside it`;
  }
}

/**
 * From now on, files and directories this process creates are its user's only (umask 077). The
 * engine follows the umask, so its files stay private even where DATA_DIR cannot be narrowed.
 * Process-wide, so only the CLI sets it, for the commands that write DATA_DIR.
 */
export function ownerOnlyFiles(): void {
  process.umask(0o077);
}

/** The configured ClickHouse, with DATA_DIR made private first when the embedded engine is to live in it. */
export async function openDataDirDb(config: Pick<Config, 'clickhouse' | 'server'>, warn: (message: string) => void): Promise<Db> {
  if (!config.clickhouse.url) {
    const problem = makeDataDirPrivate(config.server.dataDir);
    if (problem) warn(problem);
  }
  return openDb(dbOptionsOf(config));
}
