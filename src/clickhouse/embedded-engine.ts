import { AppError, ErrorCode } from '../domain/errors';

/**
 * chDB, the embedded engine, is an optional dependency (a 543 MB native library a server
 * deployment does not need). Without it and without CLICKHOUSE_URL there is nothing to
 * talk to: a configuration problem (exit 2), said in one line.
 */
export function loadEmbeddedEngine(): typeof import('chdb/connection') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('chdb/connection') as typeof import('chdb/connection');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    const missing = new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'No ClickHouse: CLICKHOUSE_URL is not set and the embedded engine (the optional chdb package) is not installed', {}, { cause: err });
    throw Object.assign(missing, { exitCode: 2, hint: 'Set CLICKHOUSE_URL to a ClickHouse server, or install with optional dependencies (npm ci without --omit=optional).' });
  }
}

/**
 * One process can hold one embedded data directory; a second opener fails. Say so,
 * with the way out, instead of an engine message.
 */
export function dataDirBusy(dir: string, cause: unknown): AppError & { hint: string } {
  const err = new AppError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `Cannot open the embedded ClickHouse at ${dir}: another process (a running gateway?) holds it`,
    { dataDir: dir },
    { cause },
  ) as AppError & { hint: string };
  err.hint = 'Stop that process, point DATA_DIR elsewhere, or talk to the running gateway over HTTP (token create --url, simulate --url).';
  return err;
}
