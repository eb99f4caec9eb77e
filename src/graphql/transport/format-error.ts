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
 * The one error formatter, shared by HTTP and WebSocket. It never throws and never
 * lets SQL, stack traces or host names through: only AppErrors (the admission pipeline
 * wraps document errors in them too) and argument validation keep their message;
 * everything else becomes INTERNAL_SERVER_ERROR.
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
    return { ...base, message: INTERNAL_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  } catch {
    return { message: INTERNAL_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
}
