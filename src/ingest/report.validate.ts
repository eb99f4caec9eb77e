import {
  destinationStepsOf,
  isDestinationKind,
  isDiscardReportStep,
  isReportStep,
  isSourceSideStep,
  isSyncStatus,
  REPORT_STEPS,
  DESTINATION_KINDS,
  SYNC_STATUSES,
  type DestinationKind,
  type ReportStep,
  type SyncStatus,
} from '../domain/steps';
import { canonicalReasonOf } from '../domain/discard-reasons';
import { ID_RULE, isValidId } from '../domain/ids';
import { CONNECTION_FIELDS, connectionFieldsOf, type ConnectionFields } from './report.connection';
import { jsonText, text, type Fail } from './report.text';
import { exchangeOf, type SampleExchange } from './sample.exchange';

export { MAX_PAYLOAD_DEPTH } from './report.text';
import { OUTCOME_FIELDS, outcomeFieldsOf, type OutcomeFields } from './report.outcome';

/** One problem with one record of a batch. */
export interface FieldError {
  index: number;
  field: string;
  reason: string;
}

/** A validated delivery report, ready to encode (connection fields '' unless Reverse ETL or audience). */
export interface DeliveryReport extends ConnectionFields, OutcomeFields {
  time: number; // epoch ms
  sourceId: string;
  destinationId: string;
  destinationKind: DestinationKind | '';
  mappingId: string;
  step: ReportStep;
  /** The canonical code (an alias the catalogue lists for this step is mapped to its entry's code). */
  reason: string;
  /** The code as sent, when it was an alias: the sample keeps it. */
  reportedReason?: string;
  eventType: string;
  eventName: string;
  appVersion: string;
  enriched: boolean;
  count: number;
  messageId: string;
  /** `payload` is the sample's JSON text ('' when absent), made at validation so storing it cannot fail. */
  sample: ({ payload: string; error: string } & SampleExchange) | null;
}

export interface SyncCollection {
  name: string;
  rowsSynced: number;
  rowsFailed: number;
  reason: string;
}

/** A validated warehouse-sync report. */
export interface SyncReport {
  destinationId: string;
  syncId: string;
  startedAt: number;
  finishedAt: number;
  status: SyncStatus;
  reason: string;
  collections: SyncCollection[];
}

export type ValidReport = { kind: 'delivery'; report: DeliveryReport } | { kind: 'sync'; report: SyncReport };

export interface ValidationWindow {
  /** Oldest accepted event time (epoch ms): older reports would expire on arrival. */
  oldest: number;
  /** Newest accepted event time (epoch ms): allows for producer clock skew. */
  newest: number;
}

export const DELIVERY_FIELDS = new Set([
  'timestamp',
  'sourceId',
  'destinationId',
  'destinationKind',
  'mappingId',
  'step',
  'reason',
  'eventType',
  'eventName',
  'appVersion',
  'enriched',
  'count',
  'messageId',
  'sample',
  'type',
  ...CONNECTION_FIELDS,
  ...OUTCOME_FIELDS,
]);
export const SYNC_FIELDS = new Set(['type', 'destinationId', 'destinationKind', 'syncId', 'startedAt', 'finishedAt', 'status', 'reason', 'collections']);
export const SAMPLE_FIELDS = new Set(['payload', 'error', 'request', 'response']);
export const COLLECTION_FIELDS = new Set(['name', 'rowsSynced', 'rowsFailed', 'reason']);

/** Upper bounds of the free-text fields, in characters (Unicode code points, as JSON Schema's maxLength counts). */
export const TEXT_LIMITS = {
  reason: 128,
  eventType: 64,
  eventName: 256,
  appVersion: 64,
  messageId: 256,
  error: 2048,
  collection: 256,
  syncReason: 2048,
} as const;
export const MAX_COUNT = 1_000_000_000;
export const MAX_COLLECTIONS = 1_000;
export const MAX_ROWS = Number.MAX_SAFE_INTEGER;

/**
 * Validates one parsed record. Pushes every problem it finds (not just the first)
 * into `errors` and returns null when there was any.
 */
export function validateRecord(value: unknown, index: number, window: ValidationWindow, errors: FieldError[]): ValidReport | null {
  const before = errors.length;
  const fail = (field: string, reason: string) => {
    errors.push({ index, field, reason });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('', 'each record must be a JSON object');
    return null;
  }
  const r = value as Record<string, unknown>;
  if (r.type === 'sync') return validateSync(r, window, fail, () => errors.length > before);
  if (r.type !== undefined && r.type !== 'delivery') fail('type', 'must be "sync" or absent (a delivery report)');

  for (const key in r) if (!DELIVERY_FIELDS.has(key)) fail(key, 'unknown field');

  const time = timestamp(r.timestamp, 'timestamp', window, fail);
  const step = r.step;
  if (!isReportStep(step)) fail('step', r.step === undefined ? 'is required' : `must be one of: ${REPORT_STEPS.join(', ')}`);
  const sourceId = requiredId(r.sourceId, 'sourceId', fail);

  const target = isReportStep(step) ? destinationOf(r, step, fail) : { destinationId: '', destinationKind: '' as const, mappingId: '' };
  const connection = isReportStep(step) ? connectionFieldsOf(r, step, target.destinationKind, fail) : null;
  const reportedReason = isReportStep(step) ? reasonOf(r, step, fail) : '';
  const reason = isReportStep(step) ? canonicalReasonOf(step, reportedReason) : '';
  const eventType = text(r.eventType, 'eventType', TEXT_LIMITS.eventType, fail, false);
  const eventName = text(r.eventName, 'eventName', TEXT_LIMITS.eventName, fail, false);
  const appVersion = text(r.appVersion, 'appVersion', TEXT_LIMITS.appVersion, fail, false);
  const messageId = text(r.messageId, 'messageId', TEXT_LIMITS.messageId, fail, false);
  let enriched = false;
  if (r.enriched !== undefined && r.enriched !== null) {
    if (typeof r.enriched !== 'boolean') fail('enriched', 'must be true or false');
    else enriched = r.enriched;
  }
  let count = 1;
  if (r.count !== undefined && r.count !== null) {
    if (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 1 || r.count > MAX_COUNT) {
      fail('count', `must be an integer from 1 to ${MAX_COUNT}`);
    } else count = r.count;
  }
  const sample = sampleOf(r, step, fail);
  const outcome = outcomeFieldsOf(r, isReportStep(step) ? step : undefined, target.destinationKind, fail);
  if (errors.length > before) return null;
  return {
    kind: 'delivery',
    report: {
      time: time!,
      sourceId,
      ...target,
      ...connection!,
      step: step as ReportStep,
      reason,
      ...(reason !== reportedReason ? { reportedReason } : {}),
      eventType,
      eventName,
      appVersion,
      enriched,
      count,
      messageId,
      sample,
      ...outcome,
    },
  };
}

/** Destination, kind and mapping: absent on source-side steps, required (mapping optional) on the others. */
function destinationOf(
  r: Record<string, unknown>,
  step: ReportStep,
  fail: Fail,
): { destinationId: string; destinationKind: DestinationKind | ''; mappingId: string } {
  const out = { destinationId: '', destinationKind: '' as DestinationKind | '', mappingId: '' };
  if (isSourceSideStep(step)) {
    if (r.destinationId !== undefined && r.destinationId !== null) fail('destinationId', `must be absent on the source-side step ${step}`);
    if (r.mappingId !== undefined && r.mappingId !== null) fail('mappingId', `must be absent on the source-side step ${step}`);
    return out;
  }
  out.destinationId = requiredId(r.destinationId, 'destinationId', fail);
  if (!isDestinationKind(r.destinationKind)) {
    fail('destinationKind', r.destinationKind === undefined ? 'is required on destination-side steps' : `must be one of: ${DESTINATION_KINDS.join(', ')}`);
  } else out.destinationKind = r.destinationKind;
  if (out.destinationKind !== '' && !destinationStepsOf(out.destinationKind).includes(step)) fail('step', stepRefusal(out.destinationKind, step));
  if (r.mappingId !== undefined && r.mappingId !== null) {
    if (!isValidId(r.mappingId)) fail('mappingId', `must be ${ID_RULE}`);
    else if (out.destinationKind !== '' && !MAPPED_KINDS.includes(out.destinationKind)) fail('mappingId', 'is only allowed on actions and retl destinations');
    else out.mappingId = r.mappingId;
  }
  return out;
}

/** Kinds whose destination-side reports may name a mapping. */
export const MAPPED_KINDS: readonly DestinationKind[] = ['actions', 'retl'];

/** Why a kind takes no report of this step: its pipeline has no box that would count it. */
function stepRefusal(kind: DestinationKind, step: ReportStep): string {
  if (kind === 'storage') return `storage destinations report failed loads as syncs (type "sync", status failed or partial); ${step} is not counted for them`;
  return `${kind} destinations do not report ${step}; their destination-side steps are: ${destinationStepsOf(kind).join(', ')}`;
}

/** The reason code: required on discard steps, optional on retry steps, refused elsewhere. */
function reasonOf(r: Record<string, unknown>, step: ReportStep, fail: Fail): string {
  if (isDiscardReportStep(step)) return text(r.reason, 'reason', TEXT_LIMITS.reason, fail, true);
  if (step === 'retry_enqueued' || step === 'retry_resolved') return text(r.reason, 'reason', TEXT_LIMITS.reason, fail, false);
  if (r.reason !== undefined && r.reason !== null) fail('reason', `is only allowed on discard and retry steps, not on ${step}`);
  return '';
}

/** A discard sample `{ payload, error, request, response }`, only on discard steps (the exchange on failed_delivery only). */
function sampleOf(r: Record<string, unknown>, step: unknown, fail: Fail): DeliveryReport['sample'] {
  if (r.sample === undefined || r.sample === null) return null;
  if (!isReportStep(step) || !isDiscardReportStep(step)) fail('sample', 'is only allowed on discard steps');
  else if (typeof r.sample !== 'object' || Array.isArray(r.sample)) fail('sample', 'must be an object { payload, error, request, response }');
  else {
    const s = r.sample as Record<string, unknown>;
    for (const key in s) if (!SAMPLE_FIELDS.has(key)) fail(`sample.${key}`, 'unknown field');
    const payload = jsonText(s.payload, 'sample.payload', fail);
    return { payload, error: text(s.error, 'sample.error', TEXT_LIMITS.error, fail, false), ...exchangeOf(s, step, fail) };
  }
  return null;
}

function validateSync(r: Record<string, unknown>, window: ValidationWindow, fail: Fail, failed: () => boolean): ValidReport | null {
  for (const key in r) if (!SYNC_FIELDS.has(key)) fail(key, 'unknown field');
  if (r.destinationKind !== undefined && r.destinationKind !== 'storage')
    fail('destinationKind', 'syncs belong to storage destinations: must be "storage" or absent');
  const destinationId = requiredId(r.destinationId, 'destinationId', fail);
  const syncId = requiredId(r.syncId, 'syncId', fail);
  const startedAt = timestamp(r.startedAt, 'startedAt', window, fail);
  const finishedAt = timestamp(r.finishedAt, 'finishedAt', window, fail);
  if (startedAt !== null && finishedAt !== null && finishedAt < startedAt) fail('finishedAt', 'must not be before startedAt');
  if (!isSyncStatus(r.status)) fail('status', r.status === undefined ? 'is required' : `must be one of: ${SYNC_STATUSES.join(', ')}`);
  const reason = text(r.reason, 'reason', TEXT_LIMITS.syncReason, fail, false);
  const collections: SyncCollection[] = [];
  if (r.collections !== undefined && r.collections !== null) {
    if (!Array.isArray(r.collections)) fail('collections', 'must be an array');
    else if (r.collections.length > MAX_COLLECTIONS) fail('collections', `at most ${MAX_COLLECTIONS} collections per sync`);
    else {
      r.collections.forEach((c: unknown, i: number) => {
        const at = `collections[${i}]`;
        if (c === null || typeof c !== 'object' || Array.isArray(c)) return fail(at, 'must be an object');
        const col = c as Record<string, unknown>;
        for (const key in col) if (!COLLECTION_FIELDS.has(key)) fail(`${at}.${key}`, 'unknown field');
        const name = text(col.name, `${at}.name`, TEXT_LIMITS.collection, fail, true);
        const rowsSynced = rowCount(col.rowsSynced, `${at}.rowsSynced`, fail);
        const rowsFailed = rowCount(col.rowsFailed, `${at}.rowsFailed`, fail);
        const colReason = text(col.reason, `${at}.reason`, TEXT_LIMITS.syncReason, fail, false);
        collections.push({ name, rowsSynced, rowsFailed, reason: colReason });
      });
    }
  }
  if (failed()) return null;
  return {
    kind: 'sync',
    report: { destinationId, syncId, startedAt: startedAt!, finishedAt: finishedAt!, status: r.status as SyncStatus, reason, collections },
  };
}

function requiredId(v: unknown, field: string, fail: Fail): string {
  if (v === undefined || v === null || v === '') {
    fail(field, 'is required');
    return '';
  }
  if (!isValidId(v)) {
    fail(field, `must be ${ID_RULE}`);
    return '';
  }
  return v;
}

function rowCount(v: unknown, field: string, fail: Fail): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_ROWS) {
    fail(field, 'must be a non-negative integer');
    return 0;
  }
  return v;
}

export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function timestamp(v: unknown, field: string, window: ValidationWindow, fail: Fail): number | null {
  if (v === undefined || v === null) {
    fail(field, 'is required');
    return null;
  }
  if (typeof v !== 'string' || !ISO_8601.test(v)) {
    fail(field, 'must be an ISO-8601 date-time with a zone, e.g. 2026-11-25T10:00:00.000Z');
    return null;
  }
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) {
    fail(field, 'is not a valid date-time');
    return null;
  }
  if (ms < window.oldest) {
    fail(field, `is older than the ${Math.round((Date.now() - window.oldest) / 86_400_000)}-day retention; such reports would expire on arrival`);
    return null;
  }
  if (ms > window.newest) {
    fail(field, 'is too far in the future (more than 15 minutes ahead of the gateway clock)');
    return null;
  }
  return ms;
}
