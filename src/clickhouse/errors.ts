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
  210, // NETWORK_ERROR
  242, // TABLE_IS_READ_ONLY
  252, // TOO_MANY_PARTS
  516, // AUTHENTICATION_FAILED (the gateway's own credentials: an operator problem)
  999, // KEEPER_EXCEPTION
]);
/** Node socket errors mean the server is out of reach. */
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

export interface ClickHouseFailure {
  /** Numeric ClickHouse code, or null for a transport failure. */
  clickhouseCode: number | null;
  appError: AppError;
}

/** Maps any error thrown by the ClickHouse client to a caller-safe AppError. */
export function classifyClickHouseError(err: unknown): ClickHouseFailure {
  if (err instanceof AppError) return { clickhouseCode: null, appError: err };
  const e = err as { code?: unknown; cause?: unknown };
  const numeric = typeof e?.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : typeof e?.code === 'number' ? e.code : null;
  if (numeric !== null) {
    if (TIMEOUT_CODES.has(numeric)) {
      return { clickhouseCode: numeric, appError: new AppError(ErrorCode.QUERY_TIMEOUT, 'The query took longer than the gateway allows; narrow the time range or filters.', undefined, { cause: err }) };
    }
    if (OVERLOAD_CODES.has(numeric)) {
      return { clickhouseCode: numeric, appError: new AppError(ErrorCode.QUERY_TOO_COMPLEX, 'The query needs more resources than the gateway allows; narrow the time range or filters.', undefined, { cause: err }) };
    }
    if (UNAVAILABLE_CODES.has(numeric)) {
      return { clickhouseCode: numeric, appError: new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The metrics store is unavailable right now; retry shortly.', undefined, { cause: err }) };
    }
    return { clickhouseCode: numeric, appError: new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'The metrics store rejected the request; quote the requestId when reporting it.', undefined, { cause: err }) };
  }
  const errno = typeof e?.code === 'string' ? e.code : (e?.cause as { code?: unknown } | undefined)?.code;
  if (typeof errno === 'string' && NETWORK_ERRNOS.has(errno)) {
    return { clickhouseCode: null, appError: new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The metrics store is unreachable right now; retry shortly.', undefined, { cause: err }) };
  }
  return { clickhouseCode: null, appError: new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal error.', undefined, { cause: err }) };
}
