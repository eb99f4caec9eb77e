import {
  CONNECTION_ENTRY_STEPS,
  DESTINATION_KINDS,
  destinationStepsOf,
  DISCARD_REPORT_STEPS,
  OPERATIONS,
  REPORT_STEPS,
  SOURCE_SIDE_STEPS,
  SYNC_STATUSES,
  type DestinationKind,
  type ReportStep,
} from '../domain/steps';
import { ID_PATTERN, ID_RULE } from '../domain/ids';
import {
  COLLECTION_FIELDS,
  DELIVERY_FIELDS,
  MAPPED_KINDS,
  MAX_COLLECTIONS,
  MAX_COUNT,
  MAX_PAYLOAD_DEPTH,
  MAX_ROWS,
  SAMPLE_FIELDS,
  SYNC_FIELDS,
  TEXT_LIMITS,
} from './report.validate';
import { CONNECTION_FIELDS, CONNECTION_REQUIRED, DESCRIBED_BY, EVENT_FIELDS } from './report.connection';
import { EXCHANGE_LIMITS, EXCHANGE_STEP, HTTP_TOKEN, REQUEST_FIELDS, RESPONSE_FIELDS } from './sample.exchange';
import { OUTCOME_STEPS } from './report.outcome';
import { MAX_ATTEMPT, MAX_LATENCY_MS } from '../domain/latency-buckets';

/**
 * The JSON Schema (2020-12) of one ingest record, built from the validator's own tables
 * (field sets, text limits, steps, kinds, statuses, id rule, payload depth), so the two cannot
 * drift apart by an edit to one of them; test/unit/ingest-schema.test.ts also checks it against
 * the validator with every record the fuzz generators make. Three rules a schema cannot state are
 * described instead: the time window (not older than 14 days, not more than 15 minutes ahead),
 * a sync's `finishedAt` not before its `startedAt`, and the batch limits.
 */
type Schema = Record<string, unknown>;

/**
 * The validator's time format narrowed to what it also parses: month 01-12, day 01-31 (any
 * month, as the engine's parser allows), 00:00-23:59 or 24:00, seconds 00-59, offset up to ±23:59.
 */
export const TIMESTAMP_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T(([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?|24:00(:00(\\.0{1,9})?)?)(Z|[+-]([01]\\d|2[0-3]):?[0-5]\\d)$';
/** No unpaired UTF-16 surrogate (a JSON `\ud800` escape alone): such text cannot be stored as sent. */
const NO_LONE_SURROGATE = '^[^\\uD800-\\uDFFF]*$';

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const absent: Schema = { type: 'null' };
/** Optional text: absent, null or '' mean none. */
const text = (max: number, description?: string): Schema => ({
  type: ['string', 'null'],
  maxLength: max,
  pattern: NO_LONE_SURROGATE,
  ...(description ? { description } : {}),
});
/** Required text: a non-empty string. */
const requiredText = (max: number, description?: string): Schema => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  pattern: NO_LONE_SURROGATE,
  ...(description ? { description } : {}),
});
const stepIn = (steps: readonly ReportStep[]): Schema => ({ properties: { step: { enum: [...steps] } }, required: ['step'] });
const fieldsOf = (set: ReadonlySet<string>) => [...set];

/** Any JSON value nested at most `depth` levels (`json_0` holds no array or object). */
function jsonDefs(): Record<string, Schema> {
  const defs: Record<string, Schema> = { json_0: { type: ['null', 'boolean', 'number', 'string'] } };
  for (let d = 1; d <= MAX_PAYLOAD_DEPTH; d++) {
    defs[`json_${d}`] = {
      anyOf: [ref('json_0'), { type: 'array', items: ref(`json_${d - 1}`) }, { type: 'object', additionalProperties: ref(`json_${d - 1}`) }],
    };
  }
  return defs;
}

function deliveryProperties(): Record<string, Schema> {
  const properties: Record<string, Schema> = {
    type: { const: 'delivery', description: 'Absent or "delivery": a delivery report ("sync" makes the record a sync).' },
    timestamp: ref('timestamp'),
    sourceId: ref('id'),
    destinationId: { type: ['string', 'null'], description: 'Required on destination-side steps, absent (or null) on source-side ones.' },
    destinationKind: { description: `On destination-side steps: ${DESTINATION_KINDS.join(', ')}.` },
    mappingId: { type: ['string', 'null'], description: `Optional, ${MAPPED_KINDS.join(' and ')} destinations only (on retl, not on the extract steps).` },
    step: { enum: [...REPORT_STEPS] },
    reason: {
      type: ['string', 'null'],
      description: `Required on discard steps, optional on retry steps, absent elsewhere; at most ${TEXT_LIMITS.reason} characters.`,
    },
    eventType: text(TEXT_LIMITS.eventType),
    eventName: text(TEXT_LIMITS.eventName),
    appVersion: text(TEXT_LIMITS.appVersion),
    enriched: { type: ['boolean', 'null'] },
    count: { type: ['integer', 'null'], minimum: 1, maximum: MAX_COUNT, description: 'Events this report stands for; default 1.' },
    messageId: text(TEXT_LIMITS.messageId, 'Finds the report again with trace(messageId:).'),
    sample: { description: 'Discard steps only: { payload, error }, and on failed_delivery { request, response }.' },
    syncId: { description: 'Reverse ETL reports: the sync run (required there, refused elsewhere).' },
    operation: {
      description: `Required on Reverse ETL (${OPERATIONS.retl!.join(', ')}) and audience (${OPERATIONS.audience!.join(', ')}) reports, refused elsewhere.`,
    },
    audienceId: { description: 'Audience reports: the audience (required there, refused elsewhere).' },
    spaceId: { description: "Audience reports: the audience's space (required there, refused elsewhere)." },
    attempt: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: MAX_ATTEMPT,
      description: `${OUTCOME_STEPS.join(' and ')} only: which attempt this was (1 = the first). Without it the report counts as attempt unknown.`,
    },
    latencyMs: {
      type: ['integer', 'null'],
      minimum: 0,
      maximum: MAX_LATENCY_MS,
      description: `${OUTCOME_STEPS.join(' and ')} only: how long the attempt took, in whole milliseconds (at most 24 hours).`,
    },
  };
  const missing = fieldsOf(DELIVERY_FIELDS).filter((f) => !(f in properties));
  if (missing.length > 0) throw new Error(`report.schema.ts does not describe delivery fields ${missing.join(', ')}`);
  return properties;
}

/** The rules of a delivery report that depend on its step and destination kind. */
function deliveryRules(): Schema[] {
  const destinationSide = REPORT_STEPS.filter((s) => !SOURCE_SIDE_STEPS.includes(s));
  const retry: ReportStep[] = REPORT_STEPS.filter((s) => s === 'retry_enqueued' || s === 'retry_resolved');
  const plain = REPORT_STEPS.filter((s) => !DISCARD_REPORT_STEPS.includes(s) && !retry.includes(s));
  const noConnectionFields = Object.fromEntries(CONNECTION_FIELDS.map((f) => [f, absent]));
  return [
    { if: stepIn(SOURCE_SIDE_STEPS), then: { properties: { destinationId: absent, mappingId: absent, ...noConnectionFields } } },
    {
      if: stepIn(destinationSide),
      then: {
        required: ['destinationId', 'destinationKind'],
        properties: { destinationId: ref('id'), destinationKind: { enum: [...DESTINATION_KINDS] }, mappingId: { anyOf: [absent, ref('id')] } },
        allOf: [
          { if: { properties: { mappingId: ref('id') }, required: ['mappingId'] }, then: { properties: { destinationKind: { enum: [...MAPPED_KINDS] } } } },
          ...DESTINATION_KINDS.map((kind) => ({ if: kindIs(kind), then: kindRules(kind) })),
        ],
      },
    },
    {
      if: stepIn(DISCARD_REPORT_STEPS),
      then: { required: ['reason'], properties: { reason: requiredText(TEXT_LIMITS.reason), sample: { anyOf: [absent, ref('sample')] } } },
    },
    // The exchange: failed deliveries only, the other discard steps never reached a destination.
    {
      if: stepIn(DISCARD_REPORT_STEPS.filter((s) => s !== EXCHANGE_STEP)),
      then: { properties: { sample: { anyOf: [absent, { properties: { request: absent, response: absent } }] } } },
    },
    { if: stepIn(retry), then: { properties: { reason: text(TEXT_LIMITS.reason), sample: absent } } },
    { if: stepIn(plain), then: { properties: { reason: absent, sample: absent } } },
    { if: stepIn(REPORT_STEPS.filter((s) => !OUTCOME_STEPS.includes(s))), then: { properties: { attempt: absent, latencyMs: absent } } },
  ];
}

const kindIs = (kind: DestinationKind): Schema => ({ properties: { destinationKind: { const: kind } }, required: ['destinationKind'] });

/**
 * What a kind's destination-side reports must hold: a step its pipeline counts, its
 * connection fields (required) and no other kind's (refused), no event fields where records
 * are not events, and no mapping on a Reverse ETL extract step.
 */
function kindRules(kind: DestinationKind): Schema {
  const required = CONNECTION_REQUIRED[kind];
  const properties: Record<string, Schema> = {};
  for (const field of CONNECTION_FIELDS) {
    if (!required.includes(field)) properties[field] = absent;
    else properties[field] = field === 'operation' ? { enum: [...(OPERATIONS[kind] ?? [])] } : ref('id');
  }
  if (DESCRIBED_BY[kind]) for (const field of EVENT_FIELDS) properties[field] = field === 'enriched' ? absent : { anyOf: [absent, { const: '' }] };
  // A storage destination's `delivered` is events converted to warehouse rows: no attempt to number or time.
  if (kind === 'storage') Object.assign(properties, { attempt: absent, latencyMs: absent });
  const rules: Schema = {
    ...stepIn(destinationStepsOf(kind)),
    required: ['step', ...required],
    properties: { ...properties, step: { enum: [...destinationStepsOf(kind)] } },
  };
  if (kind !== 'retl') return rules;
  return { ...rules, allOf: [{ if: stepIn(CONNECTION_ENTRY_STEPS), then: { properties: { mappingId: absent } } }] };
}

/** The sample and its failed delivery's request and response (src/ingest/sample.exchange.ts). */
function exchangeDefs(): Record<string, Schema> {
  const L = EXCHANGE_LIMITS;
  const headers: Schema = {
    type: ['object', 'null'],
    maxProperties: L.headers,
    propertyNames: { pattern: HTTP_TOKEN.source, maxLength: L.headerName },
    additionalProperties: text(L.headerValue),
    description: `At most ${L.headers} headers, name to value; secret values are stored as "[redacted]".`,
  };
  const body: Schema = {
    anyOf: [
      { type: 'string', pattern: NO_LONE_SURROGATE },
      { type: ['null', 'boolean', 'number', 'array', 'object'], ...ref(`json_${MAX_PAYLOAD_DEPTH}`) },
    ],
    description: 'A string body as sent, or any JSON; cut at SAMPLE_MAX_BYTES like the payload.',
  };
  const fields = (set: ReadonlySet<string>, properties: Record<string, Schema>): Record<string, Schema> => {
    if (fieldsOf(set).some((f) => !(f in properties))) throw new Error('report.schema.ts does not describe every exchange field');
    return properties;
  };
  const request = fields(REQUEST_FIELDS, {
    method: { ...text(L.method), pattern: HTTP_TOKEN.source.replace(/\+\$$/, '*$') },
    url: text(L.url, 'Userinfo and secret-named query, fragment and matrix parameters are redacted.'),
    headers,
    body,
  });
  const response = fields(RESPONSE_FIELDS, { status: { type: ['integer', 'null'], minimum: L.statusMin, maximum: L.statusMax }, headers, body });
  const sample = fields(SAMPLE_FIELDS, {
    payload: { ...ref(`json_${MAX_PAYLOAD_DEPTH}`), description: `Any JSON, nested at most ${MAX_PAYLOAD_DEPTH} levels.` },
    error: text(TEXT_LIMITS.error),
    request: { anyOf: [absent, ref('request')], description: `${EXCHANGE_STEP} only.` },
    response: { anyOf: [absent, ref('response')], description: `${EXCHANGE_STEP} only.` },
  });
  return {
    sample: { type: 'object', additionalProperties: false, properties: sample },
    request: { type: 'object', additionalProperties: false, properties: request },
    response: { type: 'object', additionalProperties: false, properties: response },
  };
}

function syncSchemas(): { sync: Schema; collection: Schema } {
  const properties: Record<string, Schema> = {
    type: { const: 'sync' },
    destinationId: ref('id'),
    destinationKind: { const: 'storage', description: 'Optional; syncs belong to storage destinations.' },
    syncId: { ...ref('id'), description: 'A sync reported again with the same syncId replaces the earlier report.' },
    startedAt: ref('timestamp'),
    finishedAt: { ...ref('timestamp'), description: 'Not before startedAt (checked by the gateway).' },
    status: { enum: [...SYNC_STATUSES] },
    reason: text(TEXT_LIMITS.syncReason),
    collections: { anyOf: [absent, { type: 'array', maxItems: MAX_COLLECTIONS, items: ref('collection') }] },
  };
  const rows: Schema = { type: ['integer', 'null'], minimum: 0, maximum: MAX_ROWS };
  const collection: Schema = {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: requiredText(TEXT_LIMITS.collection), rowsSynced: rows, rowsFailed: rows, reason: text(TEXT_LIMITS.syncReason) },
  };
  if (fieldsOf(SYNC_FIELDS).some((f) => !(f in properties)) || fieldsOf(COLLECTION_FIELDS).some((f) => !(f in (collection.properties as Schema)))) {
    throw new Error('report.schema.ts does not describe every sync field');
  }
  return {
    sync: { type: 'object', additionalProperties: false, required: ['type', 'destinationId', 'syncId', 'startedAt', 'finishedAt', 'status'], properties },
    collection,
  };
}

/** The JSON Schema of one record (a delivery report or a sync), with its definitions. */
export function recordSchema(): Schema {
  const { sync, collection } = syncSchemas();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Ingest record',
    description:
      'One record of POST /v1/ingest: a delivery report, or a sync when type is "sync". Also checked by the gateway, beyond this schema: timestamps not older than 14 days nor more than 15 minutes ahead of its clock, and a sync\'s finishedAt not before its startedAt.',
    if: { properties: { type: { const: 'sync' } }, required: ['type'] },
    then: ref('sync'),
    else: ref('delivery'),
    $defs: {
      id: { type: 'string', pattern: ID_PATTERN.source, description: ID_RULE },
      timestamp: {
        type: 'string',
        pattern: TIMESTAMP_PATTERN,
        description: 'ISO-8601 with a zone, e.g. 2026-11-25T10:00:00.000Z; not older than 14 days, not more than 15 minutes ahead.',
      },
      delivery: {
        type: 'object',
        additionalProperties: false,
        required: ['timestamp', 'sourceId', 'step'],
        properties: deliveryProperties(),
        allOf: deliveryRules(),
      },
      ...exchangeDefs(),
      sync,
      collection,
      ...jsonDefs(),
    },
  };
}
