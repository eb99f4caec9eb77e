import { badInput } from '../domain/errors';
import { isoInstant } from '../domain/iso-instant';
import { TimeRangePreset, type TimeRangeRequest } from '../domain/time-range';
import { decodeUndeliveredCursor, type UndeliveredCursor } from '../metrics/undelivered.query';

export type ExportFormat = 'ndjson' | 'csv';

/** Rows one export sends unless `maxRows` says otherwise, and the most it may ask for. */
export const EXPORT_DEFAULT_ROWS = 100_000;
export const EXPORT_MAX_ROWS = 1_000_000;

export interface ExportRequest {
  destinationId: string;
  range: TimeRangeRequest;
  format: ExportFormat;
  mappingId: string | null;
  reason: string | null;
  maxRows: number;
  after: UndeliveredCursor | null;
}

const KNOWN = new Set(['destinationId', 'range', 'from', 'to', 'format', 'mappingId', 'reason', 'maxRows', 'after']);
const PRESETS = Object.values(TimeRangePreset) as string[];

/**
 * The query string of `GET /v1/export/undelivered`: `destinationId` (required), a range
 * (`range=<preset>`, or `from` and `to` as ISO 8601; default LAST_24_HOURS), `format`
 * (ndjson, the default, or csv), `mappingId`, `reason`, `maxRows` (1–1,000,000, default
 * 100,000) and `after` (a cursor of the list). Anything else is refused, naming the field.
 */
export function parseExportParams(query: URLSearchParams): ExportRequest {
  for (const name of new Set(query.keys())) {
    if (!KNOWN.has(name)) throw badInput(`Unknown parameter ${name.slice(0, 64)}; known: ${[...KNOWN].join(', ')}`, { field: name.slice(0, 64) });
    if (query.getAll(name).length > 1) throw badInput(`${name} is given more than once`, { field: name });
  }
  const destinationId = text(query, 'destinationId', true)!;
  const format = query.get('format') ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'csv') throw badInput('format is ndjson or csv', { field: 'format', allowed: ['ndjson', 'csv'] });
  const after = text(query, 'after', false);
  return {
    destinationId,
    range: rangeOf(query),
    format,
    mappingId: text(query, 'mappingId', false),
    reason: text(query, 'reason', false),
    maxRows: maxRowsOf(query.get('maxRows')),
    after: after === null ? null : decodeUndeliveredCursor(after, 'after'),
  };
}

function text(query: URLSearchParams, name: string, required: boolean): string | null {
  const v = query.get(name);
  if (v === null || v === '') {
    if (required) throw badInput(`${name} is required`, { field: name });
    return null;
  }
  if (v.length > 256) throw badInput(`${name} is longer than 256 characters`, { field: name });
  return v;
}

function rangeOf(query: URLSearchParams): TimeRangeRequest {
  const preset = query.get('range');
  const from = query.get('from');
  const to = query.get('to');
  if (preset !== null) {
    if (from !== null || to !== null) throw badInput('Give either range or from and to, not both', { field: 'range' });
    if (!PRESETS.includes(preset)) throw badInput(`range is one of ${PRESETS.join(', ')}`, { field: 'range', allowed: PRESETS });
    return { preset: preset as TimeRangePreset };
  }
  if (from === null && to === null) return { preset: TimeRangePreset.LAST_24_HOURS };
  return { from: isoInstant(from, 'from'), to: isoInstant(to, 'to') };
}

function maxRowsOf(value: string | null): number {
  if (value === null) return EXPORT_DEFAULT_ROWS;
  const n = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= EXPORT_MAX_ROWS)) throw badInput(`maxRows is a whole number from 1 to ${EXPORT_MAX_ROWS}`, { field: 'maxRows', value: EXPORT_MAX_ROWS });
  return n;
}
