/** Identifiers that producers send (workspace, source, destination, mapping ids). */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const ID_RULE = '1-128 characters of letters, digits, and _ . : -';

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
