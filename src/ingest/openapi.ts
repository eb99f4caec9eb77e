import { ErrorCode } from '../domain/errors';
import { IDEMPOTENCY_KEY } from './ingest.service';
import { recordSchema } from './report.schema';

/** The limits a deployment configured, stated in the document it serves. */
export interface IngestLimits {
  maxBodyBytes: number;
  maxRecords: number;
  maxRecordBytes: number;
}

type Doc = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonOf = (schema: Doc) => ({ 'application/json': { schema } });
const errorAnswer = (description: string) => ({ description, content: jsonOf(ref('Error')) });

/**
 * The OpenAPI 3.1 description of `POST /v1/ingest`, served at `/openapi.json`: the request
 * formats, the record schema (generated from the validator's tables, see report.schema.ts), the
 * answers and their error codes. Producers can generate clients and validate records with it.
 */
export function ingestOpenApi(limits: IngestLimits, version: string): Doc {
  const { $defs, $schema: _drop, ...record } = recordSchema() as Doc & { $defs: Record<string, Doc> };
  // The record's definitions become components; their references follow.
  const rebase = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/'));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Delivery Overview ingest',
      version,
      summary: 'Pipeline components report what happened to their events; warehouse loaders report their syncs.',
      description: 'The contract in prose, with every rule, guarantee and limit: docs/ingest.md (also served at /docs/ingest.md).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths: { '/v1/ingest': { post: ingestOperation(limits) } },
    components: {
      schemas: {
        Record: rebase(record),
        Batch: batchSchema(limits),
        Accepted: acceptedSchema(),
        Error: errorSchema(),
        ...(rebase($defs) as Record<string, Doc>),
      },
      securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'A workspace token with the ingest scope (dov_…).' } },
    },
    security: [{ token: [] }],
  };
}

function ingestOperation(limits: IngestLimits): Doc {
  return {
    operationId: 'ingest',
    summary: 'Store a batch of delivery reports and syncs',
    description: `All or nothing: a batch with any invalid record is refused and nothing of it is stored. 200 means stored. At most ${limits.maxRecords} records and ${limits.maxBodyBytes} bytes per request.`,
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Retry safely: the same key and body within 24 hours is stored once (answered again with duplicate: true); the same key with another body is refused with 409.',
        schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
      },
    ],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: ref('Batch') },
        'application/x-ndjson': {
          schema: {
            ...ref('Record'),
            description: `One record per line (each at most ${limits.maxRecordBytes} bytes); blank lines are skipped. application/jsonl is accepted as the same.`,
          },
        },
      },
    },
    responses: {
      200: { description: 'Stored (or, with an Idempotency-Key seen before, stored earlier).', content: jsonOf(ref('Accepted')) },
      400: errorAnswer('Bad JSON, a body that is not UTF-8, an empty batch, or invalid records (each listed with its index, field and reason).'),
      401: errorAnswer('No token, or an unknown or revoked one.'),
      403: errorAnswer('The token lacks the ingest scope.'),
      409: errorAnswer('The Idempotency-Key was acknowledged within 24 hours for another body.'),
      413: errorAnswer("Over the body size, the records per batch, or an NDJSON line's size."),
      415: errorAnswer('Another content type than application/json or application/x-ndjson.'),
      429: {
        ...errorAnswer("Over the workspace's ingest rate; nothing stored. Retry after Retry-After seconds."),
        headers: { 'Retry-After': { schema: { type: 'integer' } } },
      },
      503: errorAnswer('ClickHouse is unavailable, or the gateway is shutting down; nothing stored, retry.'),
    },
  };
}

function batchSchema(limits: IngestLimits): Doc {
  return {
    description: 'An array of records, or one record object (a batch of one).',
    oneOf: [{ type: 'array', minItems: 1, maxItems: limits.maxRecords, items: ref('Record') }, ref('Record')],
  };
}

function acceptedSchema(): Doc {
  const count = { type: 'integer', minimum: 0 };
  return {
    type: 'object',
    required: ['accepted', 'events', 'syncs', 'samples', 'duplicate'],
    properties: {
      accepted: { ...count, description: 'Records stored (delivery reports and syncs).' },
      events: { ...count, description: 'Events the delivery reports stand for (the sum of count).' },
      syncs: count,
      samples: { ...count, description: 'Discard samples kept.' },
      idempotencyKey: { type: ['string', 'null'] },
      duplicate: { type: 'boolean', description: 'True when this replays an earlier answer to the same key and body: nothing was stored now.' },
    },
  };
}

function errorSchema(): Doc {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'requestId'],
        properties: {
          code: { enum: Object.values(ErrorCode) },
          message: { type: 'string' },
          requestId: { type: 'string' },
          errors: {
            type: 'array',
            description: 'Invalid records: the first 100 problems (see totalErrors and invalidRecords).',
            items: {
              type: 'object',
              required: ['index', 'field', 'reason'],
              properties: { index: { type: 'integer' }, field: { type: 'string' }, reason: { type: 'string' } },
            },
          },
          totalErrors: { type: 'integer' },
          invalidRecords: { type: 'integer' },
          limit: { type: 'string', description: 'The limit that refused the request (maxBodyBytes, maxRecords, …).' },
        },
      },
    },
  };
}
