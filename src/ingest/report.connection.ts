/**
 * The fields only Reverse ETL and audience reports carry, and the fields they refuse. A
 * Reverse ETL report names its sync run and the record's operation; an audience report names
 * its audience, the audience's space and the membership change. Every rule is checked for
 * every report, so a producer sees all of its mistakes in one answer.
 */
import { ID_RULE, isValidId } from '../domain/ids';
import { isConnectionEntryStep, OPERATIONS, type DestinationKind, type ReportStep } from '../domain/steps';

type Fail = (field: string, reason: string) => void;

/** The connection fields of a validated report ('' when the kind has none). */
export interface ConnectionFields {
  syncId: string;
  operation: string;
  audienceId: string;
  spaceId: string;
}

export const CONNECTION_FIELDS = ['syncId', 'operation', 'audienceId', 'spaceId'] as const;
type ConnectionField = (typeof CONNECTION_FIELDS)[number];

/** Which connection fields each kind requires; the others are refused. */
export const CONNECTION_REQUIRED: Record<DestinationKind, readonly ConnectionField[]> = {
  classic: [],
  actions: [],
  storage: [],
  retl: ['syncId', 'operation'],
  audience: ['audienceId', 'spaceId', 'operation'],
};

export const EVENT_FIELDS = ['eventType', 'eventName', 'appVersion', 'enriched'] as const;
/** What describes a record of the kinds that carry no events, for the refusal of event fields. */
export const DESCRIBED_BY: Partial<Record<DestinationKind, string>> = {
  retl: 'a Reverse ETL record is described by operation (and mappingId)',
  audience: 'an audience change is described by audienceId, spaceId and operation',
};

const present = (v: unknown) => v !== undefined && v !== null;

/**
 * Checks the connection fields of a report of `kind` ('' for source-side steps, or when the
 * kind itself was invalid) at `step`, and the event fields those kinds refuse.
 */
export function connectionFieldsOf(r: Record<string, unknown>, step: ReportStep, kind: DestinationKind | '', fail: Fail): ConnectionFields {
  const out: ConnectionFields = { syncId: '', operation: '', audienceId: '', spaceId: '' };
  const required = kind === '' ? [] : CONNECTION_REQUIRED[kind];
  for (const field of CONNECTION_FIELDS) {
    if (!required.includes(field)) {
      if (present(r[field])) fail(field, refusal(field, kind));
      continue;
    }
    if (!present(r[field]) || r[field] === '') fail(field, `is required on ${kind} reports`);
    else if (field === 'operation') out.operation = operationOf(r.operation, kind as DestinationKind, fail);
    else if (!isValidId(r[field])) fail(field, `must be ${ID_RULE}`);
    else out[field] = r[field] as string;
  }
  const describedBy = kind === '' ? undefined : DESCRIBED_BY[kind];
  if (describedBy) for (const field of EVENT_FIELDS) if (present(r[field]) && r[field] !== '') fail(field, `is not allowed on ${kind} reports: ${describedBy}`);
  if (kind === 'retl' && isConnectionEntryStep(step) && present(r.mappingId))
    fail('mappingId', `must be absent on ${step}: records are extracted before any mapping sees them`);
  return out;
}

function operationOf(v: unknown, kind: DestinationKind, fail: Fail): string {
  const allowed = OPERATIONS[kind] ?? [];
  if (typeof v === 'string' && allowed.includes(v)) return v;
  fail('operation', `must be one of: ${allowed.join(', ')} (on ${kind} reports)`);
  return '';
}

function refusal(field: ConnectionField, kind: DestinationKind | ''): string {
  const owners = (Object.keys(CONNECTION_REQUIRED) as DestinationKind[]).filter((k) => CONNECTION_REQUIRED[k].includes(field));
  const where = kind === '' ? 'on source-side steps' : `on ${kind} reports`;
  return `is not allowed ${where}: only ${owners.map((k) => `"${k}"`).join(' and ')} reports carry it`;
}
