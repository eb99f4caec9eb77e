import type { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';

/** The first AppError along the originalError chain (resolver errors, validation rules, plugins). */
function appErrorIn(error: unknown): AppError | null {
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof AppError) return e;
    e = (e as { originalError?: unknown }).originalError;
  }
  return null;
}

export const INTERNAL_MESSAGE = 'Internal error; quote the requestId when reporting it.';

/**
 * Apollo Server's own codes for what is wrong with a request itself, and the closed-set
 * code each is answered with. PERSISTED_QUERY_NOT_FOUND keeps its name: Apollo Client's
 * persisted-query link reads it to send the query text.
 */
const APOLLO_REQUEST_CODES: Readonly<Record<string, ErrorCode>> = {
  BAD_REQUEST: ErrorCode.BAD_USER_INPUT,
  BAD_USER_INPUT: ErrorCode.BAD_USER_INPUT,
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BAD_USER_INPUT,
  PERSISTED_QUERY_NOT_SUPPORTED: ErrorCode.BAD_USER_INPUT,
  GRAPHQL_PARSE_FAILED: ErrorCode.GRAPHQL_PARSE_FAILED,
  GRAPHQL_VALIDATION_FAILED: ErrorCode.GRAPHQL_VALIDATION_FAILED,
  PERSISTED_QUERY_NOT_FOUND: ErrorCode.PERSISTED_QUERY_NOT_FOUND,
};

/**
 * The closed-set code of an error Apollo Server raised about the request (an HTTP request
 * error: it carries one of Apollo's request codes, or an `extensions.http` client status and
 * no code, like "provided sha does not match query"), or null for anything else. Resolvers
 * never raise either, so their errors stay masked.
 */
function apolloRequestCode(error: unknown): ErrorCode | null {
  const extensions = (error as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null)?.extensions;
  if (!extensions || error instanceof AppError) return null;
  const status = typeof extensions.http?.status === 'number' ? extensions.http.status : null;
  if (status === 415) return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
  if (typeof extensions.code === 'string') return APOLLO_REQUEST_CODES[extensions.code] ?? null;
  return status !== null && status >= 400 && status < 500 ? ErrorCode.BAD_USER_INPUT : null;
}

/**
 * The one error formatter, shared by HTTP (Apollo's `formatError`) and WebSocket. It never
 * throws and never lets SQL, stack traces or host names through: only AppErrors (the
 * admission pipeline wraps document errors in them too), argument validation and Apollo's
 * own request errors keep their message; everything else becomes INTERNAL_SERVER_ERROR.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  try {
    const original = appErrorIn(error) ?? (error as { originalError?: unknown })?.originalError ?? error;
    const base = { locations: formatted.locations, path: formatted.path };
    if (original instanceof AppError) {
      return { ...base, message: original.message, extensions: { ...original.details, code: original.code } };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors?.map((v) => ({ field: v.property, constraints: v.constraints })) ?? [];
      return { ...base, message: 'Argument validation failed', extensions: { code: ErrorCode.BAD_USER_INPUT, fields } };
    }
    const requestCode = apolloRequestCode(error);
    if (requestCode !== null) return { ...base, message: formatted.message, extensions: { code: requestCode } };
    return { ...base, message: INTERNAL_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  } catch {
    return { message: INTERNAL_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
}
