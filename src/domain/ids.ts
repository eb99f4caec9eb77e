import { badInput } from './errors';

/** The longest id a producer may send. */
export const ID_MAX_LENGTH = 128;
/** Identifiers that producers send (workspace, source, destination, mapping ids). */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const ID_RULE = '1-128 characters of letters, digits, and _ . : -';

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/**
 * An id argument longer than any id is refused before any work is done for it (a lookup,
 * close-id suggestions): nothing can match it.
 */
export function checkIdLength(value: string, field: string): string {
  if (value.length > ID_MAX_LENGTH)
    throw badInput(`${field} is at most ${ID_MAX_LENGTH} characters (${ID_RULE}); got ${value.length}`, { field, maxLength: ID_MAX_LENGTH });
  return value;
}
