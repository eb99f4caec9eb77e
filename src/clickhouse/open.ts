import fs from 'node:fs';
import { createClient, type ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseConfig, Config } from '../config/config';
import { AppError, ErrorCode } from '../domain/errors';
import { Db } from './client';
import { dropDedupOrphans, findDedupOrphans, type DedupOrphan } from './dedup-recovery';
import { embeddedStreams } from './stream';

/** Default time limit of inserts and commands (WRITE_TIMEOUT_SECONDS). */
export const DEFAULT_WRITE_TIMEOUT_SECONDS = 300;

/** Default per-query memory cap (QUERY_MAX_MEMORY_BYTES). */
export const DEFAULT_QUERY_MAX_MEMORY_BYTES = 4 * 2 ** 30;

/**
 * Settings pinned on every read so the embedded engine and a server return identical
 * JS values (chDB emits UInt64 as numbers, a server as strings unless told otherwise).
 */
const OUTPUT_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_decimals: 0,
  output_format_json_quote_denormals: 0,
};

/**
 * One process can hold one embedded data directory; a second opener fails. Say so,
 * with the way out, instead of an engine message.
 */
function dataDirBusy(dir: string, cause: unknown): AppError & { hint: string } {
  const err = new AppError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `Cannot open the embedded ClickHouse at ${dir}: another process (a running gateway?) holds it`,
    { dataDir: dir },
    { cause },
  ) as AppError & { hint: string };
  err.hint = 'Stop that process, point DATA_DIR elsewhere, or talk to the running gateway over HTTP (token create --url, simulate --url).';
  return err;
}

/** Where the one Db handle points: a server (`url`) or the embedded engine under `dataDir`. */
export type DbOptions = Pick<ClickHouseConfig, 'url' | 'database' | 'queryTimeoutSeconds'> &
  Partial<Pick<ClickHouseConfig, 'user' | 'password' | 'queryMaxMemoryBytes' | 'writeTimeoutSeconds'>> & { dataDir: string };

export function dbOptionsOf(config: Pick<Config, 'clickhouse' | 'server'>): DbOptions {
  return { ...config.clickhouse, dataDir: config.server.dataDir };
}

/** No gateway read legitimately returns more rows (the largest is a 14-day minute timeseries split 50 ways). */
export const MAX_RESULT_ROWS = 1_000_000;

/**
 * Embedded chDB at `<dataDir>/clickhouse` unless `url` is set. chDB is
 * required lazily so a server deployment never loads the 500 MB engine.
 * One process can hold one chDB directory at a time.
 */
export async function openDb(config: DbOptions): Promise<Db> {
  // Guardrails on every read, applied here and nowhere else: time, result size, memory.
  const readSettings: ClickHouseSettings = {
    ...OUTPUT_SETTINGS,
    max_execution_time: config.queryTimeoutSeconds,
    max_result_rows: String(MAX_RESULT_ROWS),
    result_overflow_mode: 'throw',
    max_memory_usage: String(config.queryMaxMemoryBytes ?? DEFAULT_QUERY_MAX_MEMORY_BYTES),
  };
  const writeTimeout = config.writeTimeoutSeconds ?? DEFAULT_WRITE_TIMEOUT_SECONDS;
  if (config.url) {
    const client = createClient({
      url: config.url,
      username: config.user ?? 'default',
      password: config.password ?? '',
      // The HTTP wait outlasts the engine's own limit, so the engine's error (classified) arrives first.
      request_timeout: (writeTimeout === 0 ? 24 * 3600 : Math.max(config.queryTimeoutSeconds, writeTimeout) + 5) * 1000,
      clickhouse_settings: OUTPUT_SETTINGS,
    });
    const db = new Db(client, 'server', config.database, readSettings, writeTimeout, null);
    await db.command({ family: 'migrate', sql: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
    return db;
  }
  const dir = `${config.dataDir}/clickhouse`;
  fs.mkdirSync(dir, { recursive: true });
  let db = await openEmbedded(dir, config.database, readSettings, writeTimeout);
  // Crash recovery (see dedup-recovery.ts): the engine has loaded its logs by now, so when
  // orphans exist it is closed, the logs are repaired, and it is opened again.
  const orphans = await dedupOrphans(db);
  if (orphans.length > 0) {
    await db.close();
    dropDedupOrphans(orphans);
    db = await openEmbedded(dir, config.database, readSettings, writeTimeout);
    db.recoveredDedupOrphans = orphans.length;
  }
  return db;
}

/**
 * chDB, the embedded engine, is an optional dependency (a 543 MB native library a server
 * deployment does not need). Without it and without CLICKHOUSE_URL there is nothing to
 * talk to: a configuration problem (exit 2), said in one line.
 */
function loadEmbeddedEngine(): typeof import('chdb/connection') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('chdb/connection') as typeof import('chdb/connection');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    const missing = new AppError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'No ClickHouse: CLICKHOUSE_URL is not set and the embedded engine (the optional chdb package) is not installed',
      {},
      { cause: err },
    );
    throw Object.assign(missing, {
      exitCode: 2,
      hint: 'Set CLICKHOUSE_URL to a ClickHouse server, or install with optional dependencies (npm ci without --omit=optional).',
    });
  }
}

async function openEmbedded(dir: string, database: string, readSettings: ClickHouseSettings, writeTimeoutSeconds: number): Promise<Db> {
  const { createChdbConnection } = loadEmbeddedEngine();
  let connection: ReturnType<typeof createChdbConnection>;
  try {
    connection = createChdbConnection({ path: dir });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'CHDB_CONNECTION') throw dataDirBusy(dir, err);
    throw err;
  }
  const client = createClient({ connection } as unknown as Parameters<typeof createClient>[0]);
  const rawInsert = async (table: string, body: Buffer, settings: ClickHouseSettings) => {
    await connection.chdb.rawInsert({ table, values: body, format: 'JSONEachRow', settings: settings as Record<string, string | number | boolean> });
  };
  const db = new Db(client, 'embedded', database, readSettings, writeTimeoutSeconds, rawInsert, embeddedStreams(dir));
  await db.command({ family: 'migrate', sql: `CREATE DATABASE IF NOT EXISTS ${database}` });
  return db;
}

/** Orphaned deduplication records of every MergeTree table of the embedded engine. */
async function dedupOrphans(db: Db): Promise<DedupOrphan[]> {
  const tables = await db.query<{ path: string }>({
    family: 'recovery',
    sql: `SELECT arrayJoin(data_paths) AS path FROM system.tables WHERE engine LIKE '%MergeTree' AND database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')`,
  });
  return tables.flatMap((t) => findDedupOrphans(t.path));
}
