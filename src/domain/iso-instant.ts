import { badInput } from './errors';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An ISO 8601 instant with a zone (Z or ±hh:mm), as REST parameters take them; anything
 * else (a date alone, no zone, another format Date.parse happens to read) is a typed
 * error naming the field.
 */
export function isoInstant(value: string | null | undefined, field: string): Date {
  if (value == null || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw badInput(`${field} must be an ISO 8601 date-time with a zone, e.g. 2026-01-31T12:00:00Z`, { field });
  }
  return new Date(value);
}

/** An instant as a compact UTC stamp for file names: 20260131T1200Z. */
export function compactStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z';
}
