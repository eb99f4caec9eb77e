import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError, ErrorCode, HTTP_STATUS } from '../../domain/errors';
import { sendJson } from '../../http/respond';
import { InputProblems } from './params';

/** The reference's `RequestError`: a type, a message, the parameter at fault, extra data, the status. */
export interface CompatError {
  type: string;
  message: string;
  field?: string;
  data?: Record<string, unknown>;
  status: number;
}

/** Parameters our errors name by our own words, as the reference names them. */
const FIELD_NAMES: Record<string, string> = { from: 'startTime', to: 'endTime', mappingId: 'subscriptionId', destinationId: 'destinationConfigId' };

/**
 * Statuses and the `{ errors: [...] }` envelope as the reference answers: 422 for
 * parameters that do not validate (type `input-validation`), 401 for a missing, unknown
 * or insufficient token (the reference has no 403), 404 for an unknown source,
 * destination or subscription, 429 `Too many requests` with `data.msBeforeNext` and
 * `Retry-After`, 5xx for the rest (message masked unless it is one of ours).
 */
export function compatErrors(err: unknown): { status: number; errors: CompatError[]; headers: Record<string, string> } {
  if (err instanceof InputProblems) {
    return { status: 422, errors: err.problems.map((p) => ({ type: 'input-validation', message: p.message, field: p.field, status: 422 })), headers: {} };
  }
  const e = err instanceof AppError ? err : new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal error; quote the X-Request-Id when reporting it.');
  const raw = e.details?.field;
  const field = typeof raw === 'string' ? (FIELD_NAMES[raw] ?? raw) : undefined;
  switch (e.code) {
    case ErrorCode.BAD_USER_INPUT:
    case ErrorCode.TIME_RANGE_INVALID:
    case ErrorCode.QUERY_TOO_COMPLEX:
      return one(422, { type: 'input-validation', message: e.message, field });
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.FORBIDDEN:
      return one(401, { type: 'unauthorized', message: e.message }, { 'www-authenticate': 'Bearer' });
    case ErrorCode.NOT_FOUND:
      return one(404, { type: 'not-found', message: e.message, field });
    case ErrorCode.RATE_LIMITED: {
      const seconds = Math.ceil(Number(e.details?.retryAfterSeconds ?? 1));
      return one(
        429,
        { type: 'RequestError', message: 'Too many requests', data: { msBeforeNext: seconds * 1000, remainingPoints: 0 } },
        { 'retry-after': String(seconds) },
      );
    }
    default:
      return one(HTTP_STATUS[e.code], { type: 'server', message: e.message });
  }
}

function one(status: number, error: Omit<CompatError, 'status'>, headers: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(error).filter(([, v]) => v !== undefined)) as Omit<CompatError, 'status'>;
  return { status, errors: [{ ...clean, status }], headers };
}

/** Answers with the envelope; faults of the gateway are logged at error level with their cause, callers' mistakes at debug. */
export function sendCompatError(res: ServerResponse, err: unknown, requestId: string, log: Logger, path: string): void {
  const { status, errors, headers } = compatErrors(err);
  if (status >= 500) log.error({ requestId, path, err }, 'compat request failed');
  else log.debug({ requestId, path, status }, 'compat request refused');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { errors }, { 'x-request-id': requestId, ...headers });
}
