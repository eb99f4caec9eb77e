/**
 * Generators of ingest request bodies for ingest.fuzz.test.ts: valid reports and syncs,
 * the same with 1–3 mutations (deleted, retyped, unknown and prototype-named fields, far
 * times, weird counts, nasty and huge text, lone surrogates, deep payloads), broken JSON,
 * invalid UTF-8, random bytes, wrong content types and bodies over every limit. Each
 * body carries its `kind`, which the checks use as the oracle ("valid-*" must be stored).
 */
import fc from 'fast-check';
import { nastyText, nastyUnit } from './fuzz-helpers';

const MINUTE = 60_000;
const DAY = 86_400_000;

const STEPS = [
  'received',
  'failed_ingest',
  'filtered_source',
  'filtered_destination',
  'retry_enqueued',
  'retry_resolved',
  'failed_delivery',
  'delivered',
] as const;
const SOURCE_SIDE = new Set<string>(['received', 'failed_ingest', 'filtered_source']);
const DISCARD = new Set<string>(['failed_ingest', 'filtered_source', 'failed_extract', 'filtered_destination', 'failed_delivery']);
/** The destination-side steps of the connection kinds (their pipelines), and what their `operation` may be. */
const CONNECTION_KINDS = {
  retl: {
    steps: ['extracted', 'failed_extract', 'filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered'],
    operations: ['added', 'updated', 'removed'],
  },
  audience: {
    steps: ['computed', 'filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered'],
    operations: ['entered', 'exited'],
  },
} as const;
const CONNECTION_FIELDS = ['syncId', 'operation', 'audienceId', 'spaceId'];
const RETRY = new Set<string>(['retry_enqueued', 'retry_resolved']);
/** The steps that may carry attempt and latencyMs. */
const OUTCOME = new Set<string>(['delivered', 'failed_delivery']);
const DELIVERY_FIELDS = [
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
  'attempt',
  'latencyMs',
];
const SYNC_FIELDS = ['type', 'destinationId', 'destinationKind', 'syncId', 'startedAt', 'finishedAt', 'status', 'reason', 'collections'];

/** Free text: nasty fragments and any code point; one value in 20 may hold a lone surrogate (which the gateway refuses). */
const text = (max: number, min = 0) =>
  fc.oneof({ weight: 19, arbitrary: nastyText(max, { minUnits: min }) }, { weight: 1, arbitrary: nastyText(max, { minUnits: min, lone: 'any' }) });
const id = fc.oneof(
  { weight: 9, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,24}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{128}$/) },
);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

/** ISO-8601 with a zone, `agoMs` before now, in a random offset and precision. */
function iso(ms: number, offsetMin: number, frac: number, colon: boolean): string {
  const local = new Date(ms + offsetMin * MINUTE).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const base = local.slice(0, 19);
  const fraction = frac === 0 ? '' : `.${(local.slice(20, 23) + '000000').slice(0, frac)}`;
  if (offsetMin === 0 && !colon) return `${base}${fraction}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${base}${fraction}${sign}${hh}${colon ? ':' : ''}${mm}`;
}

// Mostly the last few hours: every day a batch touches is another partition (and part) in every table.
const validTime = fc
  .record({
    agoMs: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 2 * MINUTE, max: 3 * 60 * MINUTE }) },
      { weight: 1, arbitrary: fc.integer({ min: 2 * MINUTE, max: 13 * DAY }) },
    ),
    offsetMin: fc.oneof(
      fc.constant(0),
      fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
    ),
    frac: fc.constantFrom(0, 1, 3, 6, 9),
    colon: fc.boolean(),
  })
  .map(({ agoMs, offsetMin, frac, colon }) => iso(Date.now() - agoMs, offsetMin, frac, colon));

const farTime = fc.oneof(
  fc.constantFrom(
    '1970-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00.000Z',
    '1900-02-29T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '2100-01-01T00:00:00+14:00',
    '2038-01-19T03:14:08Z',
    '2106-02-07T06:28:16Z',
    '-271821-04-20T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '2026-13-45T99:99:99+99:99',
    '2026-02-30T10:00:00Z',
    'yesterday',
    'now',
    '',
    ' ',
    'T',
    '2026-11-25',
    '2026-11-25T10:00:00',
    '2026-11-25 10:00:00Z',
  ),
  fc.integer({ min: -1_000, max: 1_000 }).map((days) => new Date(Date.now() + days * DAY + (days >= 0 ? 16 * MINUTE : -15 * DAY)).toISOString()),
  fc.constant(null).map(() => new Date(Date.now() + 16 * MINUTE).toISOString()),
  fc.constant(null).map(() => new Date(Date.now() - 14 * DAY - MINUTE).toISOString()),
  fc.integer().map((n) => n),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

/** A JSON value for sample.payload; deep nesting is spliced in as raw text (see DEEP). */
const DEEP = (depth: number) => `@@DEEP_${depth}@@`;
const payloadArb = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: text(200).map((s) => ({ s, list: [s], nested: { s } })) },
  { weight: 1, arbitrary: fc.constantFrom(null, 0, '', [], {}) },
  {
    weight: 1,
    // Around SAMPLE_MAX_BYTES (8192): ASCII, BMP and astral text, at both parities.
    arbitrary: fc
      .record({ pad: fc.integer({ min: 0, max: 3 }), unit: fc.constantFrom('x', 'é', '日', '😀'), n: fc.integer({ min: 4000, max: 9000 }) })
      .map(({ pad, unit, n }) => ({ s: 'a'.repeat(pad) + unit.repeat(n) })),
  },
  // Up to the gateway's MAX_PAYLOAD_DEPTH (64); deeper ones are a mutation (tooDeep).
  { weight: 1, arbitrary: fc.constantFrom(10, 63, 64).map(DEEP) },
);

/** Payloads nested past MAX_PAYLOAD_DEPTH, up to far past what JSON.stringify can recurse. */
const tooDeep = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(65, 500) }, { weight: 1, arbitrary: fc.constantFrom(3_000, 100_000) }).map(DEEP);

const sampleArb = fc.record({ payload: opt(payloadArb), error: opt(text(300)) }, { requiredKeys: [] });

/** Header names: real ones (secret-bearing among them, which ingest redacts) and any HTTP token. */
const headerName = fc.oneof(
  fc.constantFrom(
    'content-type',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'x-api-key',
    'X-Idempotency-Key',
    'retry-after',
    'x-ratelimit-remaining',
    'x-request-id',
    'x-csrf-token',
  ),
  fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,40}$/),
);
const headersArb = fc.dictionary(headerName, fc.oneof({ weight: 9, arbitrary: text(200) }, { weight: 1, arbitrary: fc.constant(null) }), { maxKeys: 6 });
/** A request or response body: a string as sent, or any JSON (the payload generator's, sizes around the cut included). */
const exchangeBody = fc.oneof(text(300), payloadArb);
const urlArb = fc.oneof(
  fc.constantFrom(
    'https://api.example.com/v2/track',
    'https://user:pw@api.example.com/x?api_key=k1&page=2#access_token=t',
    '/relative?token=a',
    'not a url',
    '',
  ),
  text(300),
);
/** A failed delivery's exchange (sample.request and sample.response), on failed_delivery samples only. */
const exchangeArb = fc.record(
  {
    request: fc.record(
      { method: opt(fc.constantFrom('POST', 'GET', 'put', 'PATCH', '')), url: opt(urlArb), headers: opt(headersArb), body: opt(exchangeBody) },
      { requiredKeys: [] },
    ),
    response: fc.record({ status: opt(fc.integer({ min: 100, max: 599 })), headers: opt(headersArb), body: opt(exchangeBody) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
/** The sample with its exchange when the step is failed_delivery (and the generator chose one). */
const withExchange = (step: string, sample: unknown, exchange: unknown) =>
  step === 'failed_delivery' && sample !== undefined && exchange !== undefined ? { ...(sample as Rec), ...(exchange as Rec) } : sample;

export interface Rec {
  [k: string]: unknown;
}

const validDelivery: fc.Arbitrary<Rec> = fc
  .record({
    step: fc.constantFrom(...STEPS),
    timestamp: validTime,
    sourceId: id,
    destinationId: id,
    destinationKind: fc.constantFrom('classic', 'actions', 'storage'),
    mappingId: opt(id),
    reason: text(128, 1),
    retryReason: opt(text(128)),
    eventType: opt(text(64)),
    eventName: opt(text(256)),
    appVersion: opt(text(64)),
    enriched: opt(fc.boolean()),
    count: opt(fc.oneof(fc.constantFrom(1, 2, 1_000_000_000), fc.integer({ min: 1, max: 1_000_000_000 }))),
    messageId: opt(text(256)),
    sample: opt(sampleArb),
    exchange: opt(exchangeArb),
    attempt: opt(fc.oneof(fc.constantFrom(1, 2, 100), fc.integer({ min: 1, max: 100 }))),
    latencyMs: opt(fc.oneof(fc.constantFrom(0, 1, 86_400_000), fc.integer({ min: 0, max: 86_400_000 }))),
    nulls: fc.boolean(),
    typed: fc.boolean(),
  })
  .map((g) => {
    const r: Rec = { timestamp: g.timestamp, sourceId: g.sourceId, step: g.step };
    const put = (k: string, v: unknown) => {
      if (v !== undefined) r[k] = v;
      else if (g.nulls) r[k] = null;
    };
    if (g.typed) r.type = 'delivery';
    if (!SOURCE_SIDE.has(g.step)) {
      r.destinationId = g.destinationId;
      // Storage destinations report failures as syncs: delivery failures and retries there are refused.
      r.destinationKind = g.destinationKind === 'storage' && (g.step === 'failed_delivery' || RETRY.has(g.step)) ? 'classic' : g.destinationKind;
      if (g.destinationKind === 'actions') put('mappingId', g.mappingId);
    }
    if (DISCARD.has(g.step)) r.reason = g.reason;
    else if (RETRY.has(g.step)) put('reason', g.retryReason);
    put('eventType', g.eventType);
    put('eventName', g.eventName);
    put('appVersion', g.appVersion);
    put('enriched', g.enriched);
    put('count', g.count);
    put('messageId', g.messageId);
    if (DISCARD.has(g.step)) put('sample', withExchange(g.step, g.sample, g.exchange));
    // Storage destinations take no attempt or latency: their `delivered` is warehouse rows.
    if (OUTCOME.has(g.step) && r.destinationKind !== 'storage') {
      put('attempt', g.attempt);
      put('latencyMs', g.latencyMs);
    }
    return r;
  });

/** Reverse ETL records and audience membership changes: their own steps and fields, no event fields. */
const validConnection: fc.Arbitrary<Rec> = fc
  .record({
    kind: fc.constantFrom('retl' as const, 'audience' as const),
    step: fc.nat({ max: 6 }),
    operation: fc.nat({ max: 2 }),
    timestamp: validTime,
    sourceId: id,
    destinationId: id,
    mappingId: opt(id),
    syncId: id,
    audienceId: id,
    spaceId: id,
    reason: text(128, 1),
    retryReason: opt(text(128)),
    count: opt(fc.integer({ min: 1, max: 1_000_000_000 })),
    messageId: opt(text(256)),
    sample: opt(sampleArb),
    exchange: opt(exchangeArb),
    nulls: fc.boolean(),
    emptyEventFields: fc.boolean(),
  })
  .map((g) => {
    const { steps, operations } = CONNECTION_KINDS[g.kind];
    const step = steps[g.step % steps.length];
    const r: Rec = {
      timestamp: g.timestamp,
      sourceId: g.sourceId,
      step,
      destinationId: g.destinationId,
      destinationKind: g.kind,
      operation: operations[g.operation % operations.length],
    };
    const put = (k: string, v: unknown) => {
      if (v !== undefined) r[k] = v;
      else if (g.nulls) r[k] = null;
    };
    if (g.kind === 'retl') {
      r.syncId = g.syncId;
      if (step !== 'extracted' && step !== 'failed_extract') put('mappingId', g.mappingId);
    } else {
      r.audienceId = g.audienceId;
      r.spaceId = g.spaceId;
    }
    // Empty event fields mean none, as on every kind.
    if (g.emptyEventFields) Object.assign(r, { eventType: '', eventName: '' });
    if (DISCARD.has(step)) r.reason = g.reason;
    else if (RETRY.has(step)) put('reason', g.retryReason);
    put('count', g.count);
    put('messageId', g.messageId);
    if (DISCARD.has(step)) put('sample', withExchange(step, g.sample, g.exchange));
    return r;
  });

const validSync: fc.Arbitrary<Rec> = fc
  .record({
    destinationId: id,
    syncId: id,
    a: fc.integer({ min: 2 * MINUTE, max: 13 * DAY }),
    b: fc.integer({ min: 2 * MINUTE, max: 13 * DAY }),
    status: fc.constantFrom('success', 'partial', 'failed'),
    reason: opt(text(300)),
    kind: fc.boolean(),
    collections: opt(
      fc.array(
        fc.record(
          { name: text(256, 1), rowsSynced: opt(fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER))), rowsFailed: opt(fc.nat()), reason: opt(text(300)) },
          { requiredKeys: ['name'] },
        ),
        { maxLength: 4 },
      ),
    ),
  })
  .map((g) => {
    const now = Date.now();
    const r: Rec = {
      type: 'sync',
      destinationId: g.destinationId,
      syncId: g.syncId,
      startedAt: new Date(now - Math.max(g.a, g.b)).toISOString(),
      finishedAt: new Date(now - Math.min(g.a, g.b)).toISOString(),
      status: g.status,
    };
    if (g.kind) r.destinationKind = 'storage';
    if (g.reason !== undefined) r.reason = g.reason;
    if (g.collections !== undefined) r.collections = g.collections;
    return r;
  });

export const validRecord = fc.oneof({ weight: 8, arbitrary: validDelivery }, { weight: 2, arbitrary: validConnection }, { weight: 1, arbitrary: validSync });

const hugeString = fc.oneof(
  fc.integer({ min: 65, max: 3_000 }).map((n) => 'x'.repeat(n)),
  fc.tuple(nastyUnit, fc.integer({ min: 1, max: 2_000 })).map(([u, n]) => u.repeat(n)),
  fc.constantFrom(257, 2_049, 70_000).map((n) => 'y'.repeat(n)),
);
const weirdCount = fc.constantFrom(
  0,
  -1,
  2 ** 53,
  2 ** 53 + 2,
  1_000_000_001,
  4_294_967_296,
  1.5,
  -0,
  1e308,
  -1e308,
  5e-324,
  'NaN',
  '1',
  'Infinity',
  '0x10',
  '',
  true,
  false,
  [],
  {},
  [1],
);
const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, 1, -1, '', ' ', [], {}, [null], { '': null }) },
  { weight: 2, arbitrary: weirdCount },
  { weight: 2, arbitrary: text(40) },
  { weight: 1, arbitrary: nastyText(40, { lone: 'any' }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: farTime },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...STEPS,
      'extracted',
      'failed_extract',
      'computed',
      'RECEIVED',
      'teleported',
      'classic',
      'actions',
      'storage',
      'retl',
      'audience',
      'added',
      'entered',
      'sync',
      'delivery',
      'success',
    ),
  },
);
const unknownKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'prototype',
    'hasOwnProperty',
    'valueOf',
    'destinationID',
    'Step',
    'step ',
    '',
    'sample.error',
    'payload',
    'error',
    'workspace_id',
    'workspaceId',
    'time',
  ),
  fc.string({ maxLength: 12 }),
  text(12),
);

type Mutation =
  | { op: 'delete'; field: string }
  | { op: 'set'; field: string; value: unknown }
  | { op: 'unknown'; key: string; value: unknown }
  | { op: 'sample'; key: string; value: unknown }
  | { op: 'exchange'; part: string; key: string; value: unknown };
/** What breaks an exchange: wrong types, bad methods and header names, statuses out of range, too many headers, long URLs. */
const badExchangeValue = fc.oneof(
  weird,
  fc.constantFrom(
    'GET /',
    'POST\n',
    'x'.repeat(17),
    99,
    600,
    200.5,
    '200',
    { 'bad name': 'v' },
    { '': 'v' },
    { h: 1 },
    ['a', 'b'],
    { ['x'.repeat(257)]: 'v' },
    { h: 'v'.repeat(4097) },
  ),
  fc.constant(null).map(() => Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`h${i}`, 'v']))),
  fc.constant(null).map(() => `https://example.com/${'p'.repeat(2050)}`),
);
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), field: fc.constantFrom(...DELIVERY_FIELDS, ...SYNC_FIELDS) }),
  fc.record({ op: fc.constant('set' as const), field: fc.constantFrom(...DELIVERY_FIELDS, ...SYNC_FIELDS), value: weird }),
  fc.record({ op: fc.constant('set' as const), field: fc.constantFrom('count'), value: weirdCount }),
  fc.record({ op: fc.constant('set' as const), field: fc.constantFrom('timestamp', 'startedAt', 'finishedAt'), value: farTime }),
  fc.record({ op: fc.constant('unknown' as const), key: unknownKey, value: weird }),
  fc.record({ op: fc.constant('sample' as const), key: fc.constantFrom('payload', 'error', 'extra', '__proto__'), value: weird }),
  fc.record({ op: fc.constant('sample' as const), key: fc.constant('payload'), value: tooDeep }),
  fc.record({
    op: fc.constant('sample' as const),
    key: fc.constantFrom('request', 'response'),
    value: fc.oneof(
      weird,
      exchangeArb.map((e) => e.request),
    ),
  }),
  fc.record({
    op: fc.constant('exchange' as const),
    part: fc.constantFrom('request', 'response'),
    key: fc.constantFrom('method', 'url', 'headers', 'body', 'status', 'extra'),
    value: badExchangeValue,
  }),
  fc.record({ op: fc.constant('exchange' as const), part: fc.constantFrom('request', 'response'), key: fc.constant('body'), value: tooDeep }),
);

export function setOwn(r: Rec, key: string, value: unknown): void {
  Object.defineProperty(r, key, { value, enumerable: true, writable: true, configurable: true });
}

export const mutatedRecord: fc.Arbitrary<Rec> = fc.tuple(validRecord, fc.array(mutationArb, { minLength: 1, maxLength: 3 })).map(([base, muts]) => {
  const r: Rec = { ...base };
  for (const m of muts) {
    if (m.op === 'delete') delete r[m.field];
    else if (m.op === 'set' || m.op === 'unknown') setOwn(r, m.op === 'set' ? m.field : m.key, m.value);
    else if (m.op === 'sample') {
      const s: Rec = r.sample && typeof r.sample === 'object' && !Array.isArray(r.sample) ? { ...(r.sample as Rec) } : {};
      setOwn(s, m.key, m.value);
      r.sample = s;
    } else {
      const s: Rec = r.sample && typeof r.sample === 'object' && !Array.isArray(r.sample) ? { ...(r.sample as Rec) } : {};
      const part: Rec = s[m.part] && typeof s[m.part] === 'object' && !Array.isArray(s[m.part]) ? { ...(s[m.part] as Rec) } : {};
      setOwn(part, m.key, m.value);
      s[m.part] = part;
      r.sample = s;
    }
  }
  return r;
});

export const nonObjectRecord: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, 1, 'x', true, [], [{}], ''),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
);

// ---------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------

export type Payload = string | Uint8Array | { repeat: string; times: number; prefix?: string; suffix?: string; stream?: boolean };

export interface BodySpec {
  kind: string;
  method?: string;
  contentType: string | null;
  body: Payload;
  /** none, a fresh unique valid key, or a fixed (possibly invalid) header value. */
  key: { type: 'none' } | { type: 'unique'; base: string } | { type: 'raw'; value: string };
  /** Send twice with the same key (a producer retrying). */
  retry: boolean;
}

const JSON_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  ' application/json ; x=y',
];
const NDJSON_TYPES = ['application/x-ndjson', 'application/x-ndjson', 'application/x-ndjson; charset=utf-8', 'application/jsonl'];
const WRONG_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/ndjson',
  'application/json-seq',
  'json',
  '*/*',
  'application/octet-stream',
  'text/json',
  'application/json5',
  'application/jsonx',
  'ndjson',
  'application',
];

/** Serializes records; deep payload placeholders become raw nested arrays. */
export function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"@@DEEP_(\d+)@@"/g, (_, n) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
}

const keyArb: fc.Arbitrary<BodySpec['key']> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ type: 'none' as const }) },
  { weight: 3, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,100}$/).map((base) => ({ type: 'unique' as const, base })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.constantFrom('has space', 'x'.repeat(129), 'é', 'a\tb', '\x7f'), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 140 }))
      // Header-safe (HTAB, SP, VCHAR, obs-text; no edge whitespace) yet never a valid key, so keys never collide.
      .filter((v) => /^[\t\x20-\x7e\x80-\xff]+$/.test(v) && v.trim() === v && !/^[\x21-\x7e]{1,128}$/.test(v))
      .map((value) => ({ type: 'raw' as const, value })),
  },
);

const recordsBody = (records: fc.Arbitrary<unknown[]>, kind: string) =>
  fc
    .record({ records, ct: fc.constantFrom(...JSON_TYPES), key: keyArb, retry: fc.boolean() })
    .map(({ records, ct, key, retry }): BodySpec => ({ kind, contentType: ct, body: serialize(records), key, retry: retry && key.type === 'unique' }));

const ndjsonBody = (records: fc.Arbitrary<unknown[]>, kind: string) =>
  fc
    .record({
      records,
      ct: fc.constantFrom(...NDJSON_TYPES),
      sep: fc.constantFrom('\n', '\r\n', '\n\n', '\n  \n', '\n\t\n'),
      trailing: fc.constantFrom('', '\n', '\n\n', '   '),
      leading: fc.constantFrom('', '\n', ' \n'),
      key: keyArb,
    })
    .map(({ records, ct, sep, trailing, leading, key }): BodySpec => ({
      kind,
      contentType: ct,
      body: leading + records.map(serialize).join(sep) + trailing,
      key,
      retry: false,
    }));

const validRecords = fc.array(validRecord, { minLength: 1, maxLength: 4 });
const mixedRecords = fc
  .tuple(fc.array(fc.oneof(validRecord, mutatedRecord, nonObjectRecord), { maxLength: 4 }), mutatedRecord, fc.nat())
  .map(([rest, bad, at]) => {
    const out = [...rest];
    out.splice(at % (rest.length + 1), 0, bad);
    return out;
  });

const brokenJson: fc.Arbitrary<BodySpec> = fc
  .record({
    records: validRecords,
    op: fc.constantFrom('truncate', 'insert', 'delete', 'trailingComma', 'singleQuotes', 'comment', 'bom', 'nan', 'concat', 'object'),
    at: fc.nat(),
    ins: fc.constantFrom(',', ']', '}', '[', '{', '"', '\\', '\u0000', 'NaN', "'", ':', 'undefined', '\u2028', '\ud800', '\ufeff'),
    ndjson: fc.boolean(),
  })
  .map(({ records, op, at, ins, ndjson }): BodySpec => {
    let s = ndjson ? records.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(records);
    const i = s.length === 0 ? 0 : at % s.length;
    switch (op) {
      case 'truncate':
        s = s.slice(0, i);
        break;
      case 'insert':
        s = s.slice(0, i) + ins + s.slice(i);
        break;
      case 'delete':
        s = s.slice(0, i) + s.slice(i + 1);
        break;
      case 'trailingComma':
        s = ndjson ? s + ',' : s.replace(/\]$/, ',]');
        break;
      case 'singleQuotes':
        s = s.replace(/"/g, "'");
        break;
      case 'comment':
        s = `/* c */${s}`;
        break;
      case 'bom':
        s = `\ufeff${s}`;
        break;
      case 'nan':
        s = s.replace(/"count":\d+/, '"count":NaN');
        break;
      case 'concat':
        s = s + s;
        break;
      // One record object alone is a batch of one; an object wrapping the records is not a record.
      case 'object':
        s = ndjson ? `[${s}]` : JSON.stringify({ records });
        break;
    }
    return { kind: `broken:${op}`, contentType: ndjson ? 'application/x-ndjson' : 'application/json', body: s, key: { type: 'none' }, retry: false };
  });

/** Raw bytes spliced into an otherwise valid record (invalid UTF-8, CESU-8 surrogates, overlong NUL, UTF-16). */
const invalidUtf8: fc.Arbitrary<BodySpec> = fc
  .record({
    record: validDelivery,
    bytes: fc.oneof(
      fc.constantFrom<number[]>(
        [0xff],
        [0xfe, 0xff],
        [0xc0, 0x80],
        [0xed, 0xa0, 0x80],
        [0xed, 0xbf, 0xbf],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
        [0x80],
        [0xf0, 0x9f, 0x98],
      ),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((a) => [...a]),
    ),
    field: fc.constantFrom('eventName', 'eventType', 'appVersion', 'messageId', 'sourceId'),
    utf16: fc.boolean(),
  })
  .map(({ record, bytes, field, utf16 }): BodySpec => {
    const r = { ...record, [field]: '@@BYTES@@' };
    const textBody = serialize([r]);
    const [a, b] = textBody.split('@@BYTES@@');
    const clean = bytes.filter((x) => x !== 0x22 && x !== 0x5c && x >= 0x20); // keep the string literal closed
    const buf = utf16 ? Buffer.from(textBody.replace('@@BYTES@@', 'x'), 'utf16le') : Buffer.concat([Buffer.from(a), Buffer.from(clean), Buffer.from(b)]);
    return { kind: utf16 ? 'utf16' : 'invalid-utf8', contentType: 'application/json', body: new Uint8Array(buf), key: { type: 'none' }, retry: false };
  });

const randomBytes: fc.Arbitrary<BodySpec> = fc
  .record({ bytes: fc.uint8Array({ maxLength: 400 }), ct: fc.constantFrom('application/json', 'application/x-ndjson') })
  .map(({ bytes, ct }) => ({ kind: 'random-bytes', contentType: ct, body: bytes, key: { type: 'none' as const }, retry: false }));

const randomText: fc.Arbitrary<BodySpec> = fc
  .record({
    s: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', ',', ':', '\n', ' ', '1', 'null', '\\', 'e') }),
    ),
    ct: fc.constantFrom('application/json', 'application/x-ndjson'),
  })
  .map(({ s, ct }) => ({ kind: 'random-text', contentType: ct, body: s, key: { type: 'none' as const }, retry: false }));

const wrongContentType: fc.Arbitrary<BodySpec> = fc
  .record({
    records: validRecords,
    ct: fc.oneof(
      fc.constantFrom(...WRONG_TYPES, null),
      fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,15}$/).filter((c) => !/^application\/(json|x-ndjson|jsonl)$/.test(c)),
    ),
  })
  .map(({ records, ct }) => ({ kind: 'wrong-content-type', contentType: ct, body: JSON.stringify(records), key: { type: 'none' as const }, retry: false }));

const emptyish: fc.Arbitrary<BodySpec> = fc
  .record({
    body: fc.constantFrom('', ' ', '\n', '\r\n\r\n', '[]', '{}', 'null', '"str"', '123', 'true', '[[]]', '[null]', '\t\n  \n'),
    ct: fc.constantFrom('application/json', 'application/x-ndjson', null),
  })
  .map(({ body, ct }) => ({ kind: 'emptyish', contentType: ct, body, key: { type: 'none' as const }, retry: false }));

/** Over the documented limits: records per batch, bytes per NDJSON line, body bytes (with and without Content-Length). */
const overLimits: fc.Arbitrary<BodySpec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(10_000, 10_001, 10_500).map((n) => ({
      kind: `records:${n}`,
      contentType: 'application/json',
      body: { repeat: '{},', times: n - 1, prefix: '[', suffix: '{}]' },
      key: { type: 'none' as const },
      retry: false,
    })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(10_001).map((n) => ({
      kind: `ndjson-records:${n}`,
      contentType: 'application/x-ndjson',
      body: { repeat: '{}\n', times: n },
      key: { type: 'none' as const },
      retry: false,
    })),
  },
  {
    weight: 6,
    arbitrary: fc.record({ n: fc.constantFrom(65_536 - 2, 65_536 - 1, 65_536, 70_000), prefixLines: fc.nat({ max: 3 }) }).map(({ n, prefixLines }) => ({
      kind: `ndjson-line:${n}`,
      contentType: 'application/x-ndjson',
      body: { repeat: 'x', times: n, prefix: '{}\n'.repeat(prefixLines) + '"', suffix: '"' },
      key: { type: 'none' as const },
      retry: false,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ stream: fc.boolean(), ct: fc.constantFrom('application/json', 'text/plain') }).map(({ stream, ct }) => ({
      kind: `body-bytes${stream ? ':chunked' : ''}`,
      contentType: ct,
      body: { repeat: ' ', times: 10 * 1024 * 1024 + 1, stream },
      key: { type: 'none' as const },
      retry: false,
    })),
  },
);

const wrongMethod: fc.Arbitrary<BodySpec> = fc
  .constantFrom('GET', 'PUT', 'DELETE', 'PATCH')
  .map((method) => ({ kind: `method:${method}`, method, contentType: 'application/json', body: '', key: { type: 'none' as const }, retry: false }));

// The first alternative is where shrinking takes innocent bodies of a failing batch: a cheap rejected one.
export const bodyArb: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 4, arbitrary: emptyish },
  // Stored batches cost an engine insert each (tens of ms, serialized); rejected ones cost ~1 ms.
  { weight: 2, arbitrary: recordsBody(validRecords, 'valid-json') },
  { weight: 1, arbitrary: ndjsonBody(validRecords, 'valid-ndjson') },
  { weight: 44, arbitrary: recordsBody(mixedRecords, 'invalid-json') },
  { weight: 14, arbitrary: ndjsonBody(mixedRecords, 'invalid-ndjson') },
  { weight: 8, arbitrary: brokenJson },
  { weight: 4, arbitrary: invalidUtf8 },
  { weight: 5, arbitrary: randomBytes },
  { weight: 5, arbitrary: randomText },
  { weight: 6, arbitrary: wrongContentType },
  { weight: 2, arbitrary: overLimits },
  { weight: 1, arbitrary: wrongMethod },
);
