import { AppError, ErrorCode } from '../domain/errors';

/**
 * ClickHouse error codes (numeric, from the server's ErrorCodes list) that map to a
 * specific gateway code. Classification is by code, never by message text, because
 * messages change between versions and carry SQL we must not show callers.
 */
const TIMEOUT_CODES = new Set([
  159, // TIMEOUT_EXCEEDED
  160, // TOO_SLOW
  209, // SOCKET_TIMEOUT
  394, // QUERY_WAS_CANCELLED
]);
const OVERLOAD_CODES = new Set([
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  241, // MEMORY_LIMIT_EXCEEDED
  396, // TOO_MANY_ROWS_OR_BYTES
  158, // TOO_MANY_ROWS
  307, // TOO_MANY_BYTES
]);
const UNAVAILABLE_CODES = new Set([
  74, // CANNOT_READ_FROM_FILE_DESCRIPTOR (the engine's disk)
  75, // CANNOT_WRITE_TO_FILE_DESCRIPTOR (the engine's disk, e.g. full)
  210, // NETWORK_ERROR
  242, // TABLE_IS_READ_ONLY
  243, // NOT_ENOUGH_SPACE
  252, // TOO_MANY_PARTS
  516, // AUTHENTICATION_FAILED (the gateway's own credentials: an operator problem)
  999, // KEEPER_EXCEPTION
]);
/** chDB's own error classes (`code`), for failures that carry no ClickHouse code. */
const CHDB_TIMEOUT = new Set(['CHDB_TIMEOUT']);
const CHDB_UNAVAILABLE = new Set(['CHDB_CLOSED', 'CHDB_CONNECTION']);
/** Node socket errors mean the server is out of reach. */
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** How long a caller refused for a transient reason is told to wait (Retry-After, seconds). */
export const RETRY_AFTER_SECONDS = 5;

export interface ClickHouseFailure {
  /** Numeric ClickHouse code, or null for a transport failure. */
  clickhouseCode: number | null;
  appError: AppError;
}

/** Maps any error thrown by the ClickHouse client (a server's or chDB's) to a caller-safe AppError. */
export function classifyClickHouseError(err: unknown): ClickHouseFailure {
  if (err instanceof AppError) return { clickhouseCode: null, appError: err };
  const numeric = clickHouseCodeOf(err);
  if (numeric !== null) return { clickhouseCode: numeric, appError: byCode(numeric, err) };
  const codes = codesOf(err);
  if (codes.some((c) => CHDB_TIMEOUT.has(c))) return { clickhouseCode: null, appError: timeout(err) };
  if (codes.some((c) => CHDB_UNAVAILABLE.has(c) || NETWORK_ERRNOS.has(c))) {
    return { clickhouseCode: null, appError: unavailable('The metrics store is unreachable right now; retry shortly.', err) };
  }
  return { clickhouseCode: null, appError: new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal error.', undefined, { cause: err }) };
}

/** A refusal a caller should retry (503 or 504 with Retry-After), as opposed to a bad request or a fault. */
export function isTransient(err: AppError): boolean {
  return err.code === ErrorCode.UPSTREAM_UNAVAILABLE || err.code === ErrorCode.QUERY_TIMEOUT || err.code === ErrorCode.SHUTTING_DOWN;
}

function byCode(code: number, cause: unknown): AppError {
  if (TIMEOUT_CODES.has(code)) return timeout(cause);
  if (OVERLOAD_CODES.has(code)) {
    return new AppError(ErrorCode.QUERY_TOO_COMPLEX, 'The query needs more resources than the gateway allows; narrow the time range or filters.', undefined, {
      cause,
    });
  }
  if (UNAVAILABLE_CODES.has(code)) return unavailable('The metrics store is unavailable right now; retry shortly.', cause);
  return new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'The metrics store rejected the request; quote the requestId when reporting it.', undefined, { cause });
}

function timeout(cause: unknown): AppError {
  return new AppError(
    ErrorCode.QUERY_TIMEOUT,
    'The metrics store took longer than the gateway allows; narrow the time range or filters, or retry shortly.',
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
    { cause },
  );
}

function unavailable(message: string, cause: unknown): AppError {
  return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, message, { retryAfterSeconds: RETRY_AFTER_SECONDS }, { cause });
}

/**
 * The ClickHouse code wherever a client put it: `code` as a number or digits (clickhouse-js's
 * ClickHouseError), `clickhouseCode` (chDB's errors, whose `code` is its own class such as
 * 'CHDB_INSERT'), the same on a `cause`, or the engine's `Code: N.` message prefix.
 */
export function clickHouseCodeOf(err: unknown, depth = 0): number | null {
  if (err === null || typeof err !== 'object' || depth > 4) return null;
  const e = err as { code?: unknown; clickhouseCode?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.clickhouseCode === 'number' && Number.isInteger(e.clickhouseCode)) return e.clickhouseCode;
  if (typeof e.code === 'number' && Number.isInteger(e.code)) return e.code;
  if (typeof e.code === 'string' && /^\d{1,6}$/.test(e.code)) return Number(e.code);
  const prefixed = typeof e.message === 'string' ? /^Code:\s*(\d{1,6})\b/.exec(e.message) : null;
  if (prefixed) return Number(prefixed[1]);
  return clickHouseCodeOf(e.cause, depth + 1);
}

/** The string `code`s of an error and its causes (errnos, chDB classes). */
function codesOf(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err as { code?: unknown; cause?: unknown } | null, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') out.push(e.code);
  }
  return out;
}
