/**
 * Property-based fuzzing of POST /v1/ingest against one real gateway (embedded chDB).
 *
 *   npx jest test/fuzz/ingest.fuzz.test.ts
 *   FUZZ_SEED=123 npx jest test/fuzz/ingest.fuzz.test.ts        # another reproducible stream
 *   FUZZ_AVOID_KNOWN=1 npx jest test/fuzz/ingest.fuzz.test.ts   # steer around reported failures
 *
 * 1. ≥ 10,000 generated bodies (8 in flight): every answer is 200/400/413/415 with a JSON
 *    body, a closed-set error code, no leaked internals, a consistent field-error list and,
 *    for 200, `accepted`/`events`/`syncs` matching the records sent; what is stored equals
 *    what was acknowledged (all or nothing); no unhandled rejection; /healthz still 200.
 * 2. Free text round trips byte-identically through ingest and every GraphQL read.
 * 3. What lone surrogates do (reject with 400, or store the U+FFFD-normalized form).
 */
import fc from 'fast-check';
import { HTTP_STATUS, type ErrorCode } from '../../src/domain/errors';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import {
  ERROR_CODES,
  KNOWN,
  echoText,
  NASTY_FRAGMENTS,
  cutUnits,
  fcParams,
  hasLoneSurrogate,
  leakIn,
  toWellFormed,
  nastyText,
  nastyUnit,
  pool,
  preview,
  trackUnhandledRejections,
} from './fuzz-helpers';

// Budget: < 60 s on an idle 2-core machine; generous timeouts for a loaded one.
jest.setTimeout(600_000);

const MINUTE = 60_000;
const DAY = 86_400_000;
const BATCH = 8; // bodies per fast-check run, sent concurrently
const IN_FLIGHT = 8;
const BODY_RUNS = Number(process.env.FUZZ_BODY_RUNS ?? 1_260); // × 8 = 10,080 bodies (a few are sent twice as retries)
const MIN_BODIES = 10_000;
const ROUND_TRIP_RUNS = 50; // × 1–4 records, one destination each
const FUZZ_WS = 'ws_fuzz_ingest';
const RT_WS = 'ws_fuzz_roundtrip';

const STEPS = ['received', 'failed_ingest', 'filtered_source', 'filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered'] as const;
const SOURCE_SIDE = new Set<string>(['received', 'failed_ingest', 'filtered_source']);
const DISCARD = new Set<string>(['failed_ingest', 'filtered_source', 'filtered_destination', 'failed_delivery']);
const RETRY = new Set<string>(['retry_enqueued', 'retry_resolved']);
const DELIVERY_FIELDS = ['timestamp', 'sourceId', 'destinationId', 'destinationKind', 'mappingId', 'step', 'reason', 'eventType', 'eventName', 'appVersion', 'enriched', 'count', 'messageId', 'sample', 'type'];
const SYNC_FIELDS = ['type', 'destinationId', 'destinationKind', 'syncId', 'startedAt', 'finishedAt', 'status', 'reason', 'collections'];

let t: TestGateway;
let ingestToken: string;
let rtToken: string;
let rejections: ReturnType<typeof trackUnhandledRejections>;

beforeAll(async () => {
  rejections = trackUnhandledRejections();
  // Rate limits off: the fuzzer is one very busy producer, and 429 is not what is under test.
  t = await startTestGateway('ingest_fuzz', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' });
  ingestToken = await t.token(FUZZ_WS, ['ingest']);
  rtToken = await t.token(RT_WS, ['ingest', 'read']);
});

afterAll(async () => {
  await t?.close();
  rejections?.stop();
});

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

/** Which lone surrogates valid-looking text may contain (none of the reported ones with FUZZ_AVOID_KNOWN=1). */
const LONE_MODE = KNOWN.loneHighSurrogateIngest && KNOWN.loneLowSurrogateIngest ? 'none' : KNOWN.loneHighSurrogateIngest ? 'low' : KNOWN.loneLowSurrogateIngest ? 'high' : 'any';
const text = (max: number, min = 0) => nastyText(max, { minUnits: min, lone: LONE_MODE });
const id = fc.oneof({ weight: 9, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,24}$/) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{128}$/) });
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
    agoMs: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 2 * MINUTE, max: 3 * 60 * MINUTE }) }, { weight: 1, arbitrary: fc.integer({ min: 2 * MINUTE, max: 13 * DAY }) }),
    offsetMin: fc.oneof(fc.constant(0), fc.integer({ min: -48, max: 56 }).map((q) => q * 15)),
    frac: fc.constantFrom(0, 1, 3, 6, 9),
    colon: fc.boolean(),
  })
  .map(({ agoMs, offsetMin, frac, colon }) => iso(Date.now() - agoMs, offsetMin, frac, colon));

const farTime = fc.oneof(
  fc.constantFrom(
    '1970-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z', '1900-02-29T00:00:00Z', '9999-12-31T23:59:59.999Z',
    '2100-01-01T00:00:00+14:00', '2038-01-19T03:14:08Z', '2106-02-07T06:28:16Z', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z',
    '2026-13-45T99:99:99+99:99', '2026-02-30T10:00:00Z', 'yesterday', 'now', '', ' ', 'T', '2026-11-25', '2026-11-25T10:00:00', '2026-11-25 10:00:00Z',
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
    arbitrary: fc.record({ pad: fc.integer({ min: 0, max: 3 }), unit: fc.constantFrom('x', 'é', '日', ...(KNOWN.truncationSplitsSurrogatePair ? [] : ['😀'])), n: fc.integer({ min: 4000, max: 9000 }) }).map(
      ({ pad, unit, n }) => ({ s: 'a'.repeat(pad) + unit.repeat(n) }),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...(KNOWN.deepSamplePayload ? [10, 100, 500] : [10, 500, 3_000, 10_000, 100_000])).map(DEEP) },
);

const sampleArb = fc.record({ payload: opt(payloadArb), error: opt(text(300)) }, { requiredKeys: [] });

interface Rec {
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
      r.destinationKind = g.destinationKind;
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
    if (DISCARD.has(g.step)) put('sample', g.sample);
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
        fc.record({ name: text(256, 1), rowsSynced: opt(fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER))), rowsFailed: opt(fc.nat()), reason: opt(text(300)) }, { requiredKeys: ['name'] }),
        { maxLength: 4 },
      ),
    ),
  })
  .map((g) => {
    const now = Date.now();
    const r: Rec = { type: 'sync', destinationId: g.destinationId, syncId: g.syncId, startedAt: new Date(now - Math.max(g.a, g.b)).toISOString(), finishedAt: new Date(now - Math.min(g.a, g.b)).toISOString(), status: g.status };
    if (g.kind) r.destinationKind = 'storage';
    if (g.reason !== undefined) r.reason = g.reason;
    if (g.collections !== undefined) r.collections = g.collections;
    return r;
  });

const validRecord = fc.oneof({ weight: 8, arbitrary: validDelivery }, { weight: 1, arbitrary: validSync });

const hugeString = fc.oneof(
  fc.integer({ min: 65, max: 3_000 }).map((n) => 'x'.repeat(n)),
  fc.tuple(nastyUnit, fc.integer({ min: 1, max: 2_000 })).map(([u, n]) => u.repeat(n)),
  fc.constantFrom(257, 2_049, 70_000).map((n) => 'y'.repeat(n)),
);
const weirdCount = fc.constantFrom(0, -1, 2 ** 53, 2 ** 53 + 2, 1_000_000_001, 4_294_967_296, 1.5, -0, 1e308, -1e308, 5e-324, 'NaN', '1', 'Infinity', '0x10', '', true, false, [], {}, [1]);
const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, 1, -1, '', ' ', [], {}, [null], { '': null }) },
  { weight: 2, arbitrary: weirdCount },
  { weight: 2, arbitrary: text(40) },
  { weight: 1, arbitrary: nastyText(40, { lone: LONE_MODE }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: farTime },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(...STEPS, 'RECEIVED', 'teleported', 'classic', 'actions', 'storage', 'sync', 'delivery', 'success') },
);
const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', 'destinationID', 'Step', 'step ', '', 'sample.error', 'payload', 'error', 'workspace_id', 'workspaceId', 'time'),
  fc.string({ maxLength: 12 }),
  text(12),
);

type Mutation = { op: 'delete'; field: string } | { op: 'set'; field: string; value: unknown } | { op: 'unknown'; key: string; value: unknown } | { op: 'sample'; key: string; value: unknown };
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), field: fc.constantFrom(...DELIVERY_FIELDS, ...SYNC_FIELDS) }),
  fc.record({ op: fc.constant('set' as const), field: fc.constantFrom(...DELIVERY_FIELDS, ...SYNC_FIELDS), value: weird }),
  fc.record({ op: fc.constant('set' as const), field: fc.constantFrom('count'), value: weirdCount }),
  fc.record({ op: fc.constant('set' as const), field: fc.constantFrom('timestamp', 'startedAt', 'finishedAt'), value: farTime }),
  fc.record({ op: fc.constant('unknown' as const), key: unknownKey, value: weird }),
  fc.record({ op: fc.constant('sample' as const), key: fc.constantFrom('payload', 'error', 'extra', '__proto__'), value: weird }),
);

function setOwn(r: Rec, key: string, value: unknown): void {
  Object.defineProperty(r, key, { value, enumerable: true, writable: true, configurable: true });
}

const mutatedRecord: fc.Arbitrary<Rec> = fc.tuple(validRecord, fc.array(mutationArb, { minLength: 1, maxLength: 3 })).map(([base, muts]) => {
  const r: Rec = { ...base };
  for (const m of muts) {
    if (m.op === 'delete') delete r[m.field];
    else if (m.op === 'set' || m.op === 'unknown') setOwn(r, m.op === 'set' ? m.field : m.key, m.value);
    else {
      const s: Rec = r.sample && typeof r.sample === 'object' && !Array.isArray(r.sample) ? { ...(r.sample as Rec) } : {};
      setOwn(s, m.key, m.value);
      r.sample = s;
    }
  }
  return r;
});

const nonObjectRecord: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(null, 1, 'x', true, [], [{}], ''), fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)));

// ---------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------

type Payload = string | Uint8Array | { repeat: string; times: number; prefix?: string; suffix?: string; stream?: boolean };

interface BodySpec {
  kind: string;
  method?: string;
  contentType: string | null;
  body: Payload;
  /** none, a fresh unique valid key, or a fixed (possibly invalid) header value. */
  key: { type: 'none' } | { type: 'unique'; base: string } | { type: 'raw'; value: string };
  /** Send twice with the same key (a producer retrying). */
  retry: boolean;
}

const JSON_TYPES = ['application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'Application/JSON', ' application/json ; x=y'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/x-ndjson', 'application/x-ndjson; charset=utf-8', 'application/jsonl'];
const WRONG_TYPES = ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/ndjson', 'application/json-seq', 'json', '*/*', 'application/octet-stream', 'text/json', 'application/json5', 'application/jsonx', 'ndjson', 'application'];

/** Serializes records; deep payload placeholders become raw nested arrays. */
function serialize(value: unknown): string {
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
  fc.record({ records, ct: fc.constantFrom(...JSON_TYPES), key: keyArb, retry: fc.boolean() }).map(({ records, ct, key, retry }): BodySpec => ({ kind, contentType: ct, body: serialize(records), key, retry: retry && key.type === 'unique' }));

const ndjsonBody = (records: fc.Arbitrary<unknown[]>, kind: string) =>
  fc
    .record({ records, ct: fc.constantFrom(...NDJSON_TYPES), sep: fc.constantFrom('\n', '\r\n', '\n\n', '\n  \n', '\n\t\n'), trailing: fc.constantFrom('', '\n', '\n\n', '   '), leading: fc.constantFrom('', '\n', ' \n'), key: keyArb })
    .map(({ records, ct, sep, trailing, leading, key }): BodySpec => ({ kind, contentType: ct, body: leading + records.map(serialize).join(sep) + trailing, key, retry: false }));

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
      case 'truncate': s = s.slice(0, i); break;
      case 'insert': s = s.slice(0, i) + ins + s.slice(i); break;
      case 'delete': s = s.slice(0, i) + s.slice(i + 1); break;
      case 'trailingComma': s = ndjson ? s + ',' : s.replace(/\]$/, ',]'); break;
      case 'singleQuotes': s = s.replace(/"/g, "'"); break;
      case 'comment': s = `/* c */${s}`; break;
      case 'bom': s = `\ufeff${s}`; break;
      case 'nan': s = s.replace(/"count":\d+/, '"count":NaN'); break;
      case 'concat': s = s + s; break;
      case 'object': s = ndjson ? `[${s}]` : JSON.stringify(records[0]); break;
    }
    return { kind: `broken:${op}`, contentType: ndjson ? 'application/x-ndjson' : 'application/json', body: s, key: { type: 'none' }, retry: false };
  })
  .filter((spec) => !(KNOWN.emptyNdjsonAccepted && blankNdjson(spec.body as string, spec.contentType)));

/** Raw bytes spliced into an otherwise valid record (invalid UTF-8, CESU-8 surrogates, overlong NUL, UTF-16). */
const invalidUtf8: fc.Arbitrary<BodySpec> = fc
  .record({
    record: validDelivery,
    bytes: fc.oneof(
      fc.constantFrom<number[]>([0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf0, 0x9f, 0x98]),
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
  .filter(({ bytes, ct }) => !(KNOWN.emptyNdjsonAccepted && blankNdjson(bytes, ct)))
  .map(({ bytes, ct }) => ({ kind: 'random-bytes', contentType: ct, body: bytes, key: { type: 'none' as const }, retry: false }));

const randomText: fc.Arbitrary<BodySpec> = fc
  .record({ s: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json({ maxDepth: 3 }), fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', ',', ':', '\n', ' ', '1', 'null', '\\', 'e') })), ct: fc.constantFrom('application/json', 'application/x-ndjson') })
  .filter(({ s, ct }) => !(KNOWN.emptyNdjsonAccepted && blankNdjson(s, ct)))
  .map(({ s, ct }) => ({ kind: 'random-text', contentType: ct, body: s, key: { type: 'none' as const }, retry: false }));

const wrongContentType: fc.Arbitrary<BodySpec> = fc
  .record({ records: validRecords, ct: fc.oneof(fc.constantFrom(...WRONG_TYPES, null), fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,15}$/).filter((c) => !/^application\/(json|x-ndjson|jsonl)$/.test(c))) })
  .map(({ records, ct }) => ({ kind: 'wrong-content-type', contentType: ct, body: JSON.stringify(records), key: { type: 'none' as const }, retry: false }));

/** Bodies with no records at all in NDJSON (blank lines only): a reported failure. */
const blankNdjson = (body: string | Uint8Array, ct: string | null) =>
  ct !== null && /ndjson|jsonl/.test(ct) && Buffer.from(typeof body === 'string' ? Buffer.from(body) : body).toString('utf8').split('\n').every((l) => l.trim() === '');

const emptyish: fc.Arbitrary<BodySpec> = fc
  .record({ body: fc.constantFrom('', ' ', '\n', '\r\n\r\n', '[]', '{}', 'null', '"str"', '123', 'true', '[[]]', '[null]', '\t\n  \n'), ct: fc.constantFrom('application/json', 'application/x-ndjson', null) })
  .filter(({ body, ct }) => !(KNOWN.emptyNdjsonAccepted && blankNdjson(body, ct)))
  .map(({ body, ct }) => ({ kind: 'emptyish', contentType: ct, body, key: { type: 'none' as const }, retry: false }));

/** Over the documented limits: records per batch, bytes per NDJSON line, body bytes (with and without Content-Length). */
const overLimits: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(10_000, 10_001, 10_500).map((n) => ({ kind: `records:${n}`, contentType: 'application/json', body: { repeat: '{},', times: n - 1, prefix: '[', suffix: '{}]' }, key: { type: 'none' as const }, retry: false })) },
  { weight: 2, arbitrary: fc.constantFrom(10_001).map((n) => ({ kind: `ndjson-records:${n}`, contentType: 'application/x-ndjson', body: { repeat: '{}\n', times: n }, key: { type: 'none' as const }, retry: false })) },
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
  { weight: 1, arbitrary: fc.record({ stream: fc.boolean(), ct: fc.constantFrom('application/json', 'text/plain') }).map(({ stream, ct }) => ({ kind: `body-bytes${stream ? ':chunked' : ''}`, contentType: ct, body: { repeat: ' ', times: 10 * 1024 * 1024 + 1, stream }, key: { type: 'none' as const }, retry: false })) },
);

const wrongMethod: fc.Arbitrary<BodySpec> = fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH').map((method) => ({ kind: `method:${method}`, method, contentType: 'application/json', body: '', key: { type: 'none' as const }, retry: false }));

// The first alternative is where shrinking takes innocent bodies of a failing batch: a cheap rejected one.
const bodyArb: fc.Arbitrary<BodySpec> = fc.oneof(
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

// ---------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------

let keyCounter = 0;
const stats = { bodies: 0, requests: 0, byStatus: {} as Record<string, number>, byKind: {} as Record<string, number>, msByKind: {} as Record<string, number>, sendMs: 0, acknowledgedEvents: 0 };

function materialize(p: Payload): Buffer | ReadableStream<Uint8Array> {
  if (typeof p === 'string') return Buffer.from(p, 'utf8');
  if (p instanceof Uint8Array) return Buffer.from(p);
  const middle = Buffer.alloc(p.repeat.length * p.times, p.repeat);
  const whole = Buffer.concat([Buffer.from(p.prefix ?? ''), middle, Buffer.from(p.suffix ?? '')]);
  if (!p.stream) return whole;
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= whole.length) return controller.close();
      controller.enqueue(whole.subarray(offset, offset + 256 * 1024));
      offset += 256 * 1024;
    },
  });
}

interface Sent {
  status: number;
  text: string;
  json: unknown;
  contentType: string | null;
}

async function send(spec: BodySpec, key: string | null): Promise<Sent> {
  const headers: Record<string, string> = { authorization: `Bearer ${ingestToken}` };
  if (spec.contentType !== null) headers['content-type'] = spec.contentType;
  if (key !== null) headers['idempotency-key'] = key;
  const method = spec.method ?? 'POST';
  const body = method === 'GET' ? undefined : materialize(spec.body);
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  let res: Response;
  try {
    res = await fetch(`${t.url}/v1/ingest`, init);
  } catch (err) {
    // The server may answer 413 and close before a streamed body is fully sent.
    throw new Error(`request failed (${spec.kind}): ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    /* checked below */
  }
  stats.requests++;
  return { status: res.status, text, json, contentType: res.headers.get('content-type') };
}

/** What the server should see: the records of a body (null when it is not a parseable batch). */
function recordsOf(spec: BodySpec): unknown[] | null {
  if (typeof spec.body !== 'string' && !(spec.body instanceof Uint8Array)) return null;
  const text = Buffer.from(typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : spec.body).toString('utf8');
  const mediaType = (spec.contentType ?? '').split(';')[0].trim().toLowerCase();
  try {
    if (mediaType === 'application/json') {
      const v = JSON.parse(text);
      return Array.isArray(v) ? v : null;
    }
    if (mediaType === 'application/x-ndjson' || mediaType === 'application/jsonl') return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  } catch {
    return null;
  }
  return null;
}

function fail(spec: BodySpec, res: Sent, why: string): never {
  throw new Error(`${why}\n  body kind: ${spec.kind}, content-type: ${JSON.stringify(spec.contentType)}, key: ${preview(spec.key)}\n  body: ${preview(spec.body, 1500)}\n  → ${res.status} ${preview(res.text, 800)}`);
}

const ALLOWED_STATUS = new Set([200, 400, 413, 415]);

function check(spec: BodySpec, res: Sent, bodyText: string): { events: number } {
  if (res.status >= 500) fail(spec, res, `5xx for client input`);
  if (!ALLOWED_STATUS.has(res.status)) fail(spec, res, `status ${res.status} is not one of 200, 400, 413, 415`);
  if (res.json === undefined || res.json === null || typeof res.json !== 'object') fail(spec, res, 'the body is not a JSON object');
  if (!/^application\/json\b/.test(res.contentType ?? '')) fail(spec, res, `content-type ${res.contentType}`);
  const body = res.json as Record<string, any>;
  if (res.status !== 200) {
    const e = body.error;
    if (!e || typeof e !== 'object') fail(spec, res, 'error response without an `error` object');
    if (!ERROR_CODES.has(e.code)) fail(spec, res, `error.code ${preview(e.code)} is not in the ErrorCode enum`);
    if (HTTP_STATUS[e.code as ErrorCode] !== res.status) fail(spec, res, `status ${res.status} does not match HTTP_STATUS[${e.code}] = ${HTTP_STATUS[e.code as ErrorCode]}`);
    if (typeof e.message !== 'string' || e.message === '') fail(spec, res, 'error.message missing');
    if (typeof e.requestId !== 'string' || e.requestId === '') fail(spec, res, 'error.requestId missing');
    const leak = leakIn(res.text, echoText(bodyText), [t.gateway.db.database]);
    if (leak) fail(spec, res, `the error leaks internals (${leak})`);
    if (e.errors !== undefined) {
      const records = recordsOf(spec);
      if (!Array.isArray(e.errors) || e.errors.length === 0 || e.errors.length > 100) fail(spec, res, 'error.errors must list 1–100 problems');
      for (const fe of e.errors) {
        if (typeof fe?.field !== 'string' || typeof fe?.reason !== 'string' || !Number.isInteger(fe?.index) || fe.index < 0) fail(spec, res, `malformed field error ${preview(fe)}`);
        if (records && fe.index >= records.length) fail(spec, res, `field error index ${fe.index} is outside the batch of ${records.length}`);
      }
      if (!(e.totalErrors >= e.errors.length) || !(e.invalidRecords >= 1) || (records && e.invalidRecords > records.length)) fail(spec, res, 'inconsistent totalErrors / invalidRecords');
    }
    return { events: 0 };
  }
  const records = recordsOf(spec);
  if (!records) fail(spec, res, '200 for a body that is not a batch of records');
  if (records.length === 0) fail(spec, res, '200 for an empty batch (the README: empty batch → 400 BAD_USER_INPUT)');
  if (body.accepted !== records.length) fail(spec, res, `accepted ${body.accepted} ≠ ${records.length} records sent`);
  const deliveries = records.filter((r) => (r as Rec).type !== 'sync') as Rec[];
  const events = deliveries.reduce((n, r) => n + (r.count === undefined || r.count === null ? 1 : Number(r.count)), 0);
  if (body.events !== events) fail(spec, res, `events ${body.events} ≠ ${events}`);
  if (body.syncs !== records.length - deliveries.length) fail(spec, res, `syncs ${body.syncs} ≠ ${records.length - deliveries.length}`);
  const withSample = deliveries.filter((r) => r.sample !== undefined && r.sample !== null).length;
  if (!(body.samples >= 0 && body.samples <= withSample)) fail(spec, res, `samples ${body.samples} outside 0..${withSample}`);
  return { events };
}

async function sendAndCheck(spec: BodySpec): Promise<void> {
  const key = spec.key.type === 'none' ? null : spec.key.type === 'raw' ? spec.key.value : `${spec.key.base}-${++keyCounter}`;
  const bodyText = typeof spec.body === 'string' ? spec.body : spec.body instanceof Uint8Array ? Buffer.from(spec.body).toString('latin1') : spec.body.repeat;
  const t0 = performance.now();
  const first = await send(spec, key);
  const kind0 = spec.kind.split(':')[0] + (first.status === 200 ? ':200' : '');
  stats.msByKind[kind0] = Math.round((stats.msByKind[kind0] ?? 0) + performance.now() - t0);
  stats.bodies++;
  stats.byStatus[first.status] = (stats.byStatus[first.status] ?? 0) + 1;
  stats.byKind[spec.kind.split(':')[0]] = (stats.byKind[spec.kind.split(':')[0]] ?? 0) + 1;
  const { events } = check(spec, first, bodyText);
  if (first.status === 200) stats.acknowledgedEvents += events;
  if (spec.retry) {
    const again = await send(spec, key);
    check(spec, again, bodyText);
    if (again.status !== first.status) fail(spec, again, `a retry with the same Idempotency-Key answered ${again.status}, the first attempt ${first.status}`);
  }
}

// ---------------------------------------------------------------------------------------
// 1. Ingest bodies
// ---------------------------------------------------------------------------------------

describe('POST /v1/ingest under ≥ 10,000 generated bodies', () => {
  it('answers every body with 200/400/413/415, a closed-set code and consistent counts; stores exactly what it acknowledged', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(bodyArb, { minLength: BATCH, maxLength: BATCH }), async (specs) => {
        const t0 = performance.now();
        await pool(specs, IN_FLIGHT, sendAndCheck);
        stats.sendMs += performance.now() - t0;
      }),
      fcParams(1, BODY_RUNS),
    );
    const seconds = (performance.now() - started) / 1000;
    // eslint-disable-next-line no-console
    console.log(`ingest fuzz: ${stats.bodies} bodies (${stats.requests} requests) in ${seconds.toFixed(1)} s, seed ${fcParams(1, 0).seed}; by status ${JSON.stringify(stats.byStatus)}; by kind ${JSON.stringify(stats.byKind)}; ms by kind ${JSON.stringify(stats.msByKind)}; sending ${(stats.sendMs / 1000).toFixed(1)} s`);
    expect(stats.bodies).toBeGreaterThanOrEqual(MIN_BODIES);

    // All or nothing: exactly the acknowledged events are stored (keys are unique; retries dedupe).
    const [row] = await t.sql<{ n: number }>(`SELECT sum(count) AS n FROM {{db}}.delivery_events WHERE workspace_id = '${FUZZ_WS}'`);
    expect(Number(row.n)).toBe(stats.acknowledgedEvents);

    expect(rejections.list).toEqual([]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------
// 2. Byte-identical round trip
// ---------------------------------------------------------------------------------------

/** Free text without lone surrogates: any code point, graphemes, quotes, backslashes, templates, SQL. */
const rtText = (max: number, min = 0) =>
  fc
    .oneof(
      { weight: 3, arbitrary: nastyText(max, { minUnits: min }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 60) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 30) }) },
      { weight: 1, arbitrary: fc.constantFrom(...NASTY_FRAGMENTS) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY_FRAGMENTS), fc.nat({ max: 300 })).map(([s, n]) => s.repeat(n)) },
    )
    .map((s) => cutUnits(s, max))
    .filter((s) => s.length >= min && !hasLoneSurrogate(s));

interface RtRecord {
  eventName: string;
  eventType: string;
  appVersion: string;
  reason: string;
  messageId: string;
  error: string;
  payloadText: string;
}

const rtRecord: fc.Arbitrary<RtRecord> = fc
  .record({ eventName: rtText(256), eventType: rtText(64), appVersion: rtText(64), reason: rtText(128, 1), messageId: rtText(256, 1), error: rtText(2048, 1), inPayload: rtText(256) })
  .map(({ inPayload, ...r }) => {
    const payload: Rec = { s: inPayload, list: [inPayload, { s: inPayload }] };
    setOwn(payload, inPayload, inPayload);
    return { ...r, payloadText: JSON.stringify(payload) };
  });

const hex = (s: string | null | undefined) => (s === null || s === undefined ? String(s) : Buffer.from(s, 'utf8').toString('hex'));

/**
 * Compares what a view returned with what was sent, as multisets of tuples (records of
 * one run share a destination, so equal tuples merge into one row). Equal JS strings
 * without lone surrogates are equal UTF-8 bytes; the failure shows both in hex.
 */
function sameRows(view: string, got: unknown[][], want: unknown[][], recs: RtRecord[]): void {
  const key = (row: unknown[]) => JSON.stringify(row);
  const g = got.map(key).sort();
  const w = want.map(key).sort();
  if (JSON.stringify(g) === JSON.stringify(w)) return;
  const missing = w.filter((x) => !g.includes(x));
  const extra = g.filter((x) => !w.includes(x));
  const show = (rows: string[]) => rows.map((r) => `${r}\n      utf8 ${(JSON.parse(r) as unknown[]).map((v) => (typeof v === 'string' ? hex(v) : String(v))).join(' | ')}`).join('\n    ');
  throw new Error(`${view} did not round-trip byte-identically\n  sent but not returned:\n    ${show(missing)}\n  returned but not sent:\n    ${show(extra)}\n  records ${preview(recs, 3000)}`);
}

/** One GraphQL request per run reads every view the free text appears in. */
function rtQuery(messageIds: number, reasons: number): string {
  const vars = ['$d: ID!', '$r: TimeRangeInput!', '$en: [String!]', '$et: [String!]', '$av: [String!]'];
  const parts: string[] = [];
  for (let i = 0; i < messageIds; i++) {
    vars.push(`$m${i}: String!`);
    parts.push(`t${i}: trace(messageId: $m${i}) { step destinationId reason eventType eventName appVersion count }`);
  }
  const byReason: string[] = [];
  for (let i = 0; i < reasons; i++) {
    vars.push(`$reason${i}: String`);
    byReason.push(`r${i}: breakdown(step: FAILED_DELIVERY, reason: $reason${i}, range: $r) { eventType eventName appVersion count }`);
  }
  return `query RoundTrip(${vars.join(', ')}) {
    ${parts.join('\n    ')}
    destination(id: $d) {
      breakdown(step: FAILED_DELIVERY, range: $r) { eventType eventName appVersion count }
      ${byReason.join('\n      ')}
      filtered: breakdown(step: FAILED_DELIVERY, range: $r, filter: { eventNames: $en, eventTypes: $et, appVersions: $av }) { eventType eventName appVersion count }
      discards(step: FAILED_DELIVERY, range: $r) { reason { code unknown } count samples { messageId error payload eventType eventName appVersion } }
      timeseries(step: FAILED_DELIVERY, range: $r, granularity: HOUR, groupBy: [REASON, EVENT_NAME, EVENT_TYPE, APP_VERSION]) { reason eventName eventType appVersion total }
    }
  }`;
}

/** Groups tuples and sums the last element (a count), like a GROUP BY. */
function grouped(rows: unknown[][]): unknown[][] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(JSON.stringify(r.slice(0, -1)), (m.get(JSON.stringify(r.slice(0, -1))) ?? 0) + Number(r[r.length - 1]));
  return [...m].map(([k, n]) => [...(JSON.parse(k) as unknown[]), n]);
}

let rtCounter = 0;
const PER_RECORD = 3; // count of every round-trip report

describe('free text round-trips byte-identically (ingest → GraphQL)', () => {
  it('eventName, eventType, appVersion, reason, messageId, sample.error and sample.payload', async () => {
    const started = performance.now();
    let records = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rtRecord, { minLength: 1, maxLength: 4 }), async (recs) => {
        const dst = `dst_rt_${++rtCounter}`;
        const at = new Date(Date.now() - 10 * MINUTE).toISOString();
        const body = recs.map((r) => ({
          timestamp: at, sourceId: 'src_rt', destinationId: dst, destinationKind: 'classic', step: 'failed_delivery', reason: r.reason,
          eventType: r.eventType, eventName: r.eventName, appVersion: r.appVersion, messageId: r.messageId, count: PER_RECORD,
          sample: { payload: JSON.parse(r.payloadText), error: r.error },
        }));
        const ing = await t.ingest(rtToken, body);
        if (ing.status !== 200) throw new Error(`ingest answered ${ing.status} ${preview(ing.body)} for ${preview(body, 2000)}`);
        expect(ing.body).toMatchObject({ accepted: recs.length, events: PER_RECORD * recs.length, samples: recs.length });

        const reasons = [...new Set(recs.map((r) => r.reason))];
        const distinct = (f: (r: RtRecord) => string) => [...new Set(recs.map(f))];
        const vars: Record<string, unknown> = { d: dst, r: { preset: 'LAST_HOUR' }, en: distinct((r) => r.eventName), et: distinct((r) => r.eventType), av: distinct((r) => r.appVersion) };
        recs.forEach((r, i) => (vars[`m${i}`] = r.messageId));
        reasons.forEach((reason, i) => (vars[`reason${i}`] = reason));
        const res = await t.gql<Record<string, any>>(rtToken, rtQuery(recs.length, reasons.length), vars);
        if (res.status !== 200 || res.body.errors) throw new Error(`GraphQL answered ${res.status} ${preview(res.body)}`);
        const data = res.body.data!;
        const d = data.destination;

        // trace(messageId): each message finds its own report(s) on this destination.
        recs.forEach((r, i) => {
          const entries = (data[`t${i}`] as Rec[]).filter((e) => e.destinationId === dst);
          const want = recs.filter((x) => x.messageId === r.messageId).map((x) => [x.reason, x.eventType, x.eventName, x.appVersion, PER_RECORD]);
          sameRows(`trace(messageId: ${preview(r.messageId, 80)})`, entries.map((e) => [e.reason, e.eventType, e.eventName, e.appVersion, e.count]), want, recs);
        });
        const tuples = grouped(recs.map((r) => [r.eventType, r.eventName, r.appVersion, PER_RECORD]));
        const rows = (list: Rec[]) => list.map((x) => [x.eventType, x.eventName, x.appVersion, x.count]);
        sameRows('breakdown { eventType eventName appVersion }', rows(d.breakdown), tuples, recs);
        sameRows('breakdown(filter: the stored values)', rows(d.filtered), tuples, recs);
        reasons.forEach((reason, i) =>
          sameRows(`breakdown(reason: ${preview(reason, 80)})`, rows(d[`r${i}`]), grouped(recs.filter((r) => r.reason === reason).map((r) => [r.eventType, r.eventName, r.appVersion, PER_RECORD])), recs),
        );
        sameRows('discards { reason { code } count }', (d.discards as Rec[]).map((x) => [(x.reason as Rec).code, (x.reason as Rec).unknown, x.count]), grouped(recs.map((r) => [r.reason, true, PER_RECORD])), recs);
        sameRows(
          'discards { samples { messageId error payload eventType eventName appVersion } }',
          (d.discards as Rec[]).flatMap((x) => (x.samples as Rec[]).map((s) => [(x.reason as Rec).code, s.messageId, s.error, s.payload, s.eventType, s.eventName, s.appVersion])),
          recs.map((r) => [r.reason, r.messageId, r.error, r.payloadText, r.eventType, r.eventName, r.appVersion]),
          recs,
        );
        sameRows(
          'timeseries(groupBy: [REASON, EVENT_NAME, EVENT_TYPE, APP_VERSION])',
          (d.timeseries as Rec[]).map((x) => [x.reason, x.eventName, x.eventType, x.appVersion, x.total]),
          grouped(recs.map((r) => [r.reason, r.eventName, r.eventType, r.appVersion, PER_RECORD])),
          recs,
        );
        records += recs.length;
      }),
      fcParams(2, ROUND_TRIP_RUNS),
    );
    // eslint-disable-next-line no-console
    console.log(`round trip: ${records} records in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${fcParams(2, 0).seed}`);
    expect(rejections.list).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// 3. Lone surrogates
// ---------------------------------------------------------------------------------------

/**
 * JSON.parse turns "\ud800" into a lone surrogate, which is not valid UTF-8. Acceptable
 * answers: 400 BAD_USER_INPUT naming the field (nothing stored), or 200 and the value
 * stored and read back in the normalized form String.prototype.toWellFormed() gives
 * (each lone surrogate → one U+FFFD). Anything else (5xx, partial writes, other
 * replacements) fails.
 */
describe('lone surrogates in free-text fields', () => {
  const FIELDS = ['eventName', 'eventType', 'appVersion', 'reason', 'messageId', 'sample.error'] as const;
  const LONE = { high: 'a\ud800b', low: 'a\udc00b' } as const;
  let n = 0;

  for (const field of FIELDS) {
    for (const [which, value] of Object.entries(LONE)) {
      it(`${field} with a lone ${which} surrogate: 400, or stored as ${JSON.stringify(toWellFormed(value))}`, async () => {
        const dst = `dst_lone_${++n}`;
        const mid = `m-lone-${n}`;
        const rec: Rec = {
          timestamp: new Date(Date.now() - 10 * MINUTE).toISOString(), sourceId: 'src_lone', destinationId: dst, destinationKind: 'classic', step: 'failed_delivery',
          reason: 'lone', messageId: mid, sample: { payload: { p: 1 }, error: 'e' },
        };
        if (field === 'sample.error') (rec.sample as Rec).error = value;
        else rec[field] = value;
        const res = await t.ingest(rtToken, [rec]);
        const stored = await t.sql<{ n: number }>(`SELECT count() AS n FROM {{db}}.delivery_events WHERE workspace_id = '${RT_WS}' AND destination_id = {d:String}`, { d: dst });
        if (res.status !== 200) {
          expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
          expect(JSON.stringify(res.body.error.errors)).toContain(field);
          expect(Number(stored[0].n)).toBe(0); // all or nothing
          return;
        }
        const q = await t.gql<Record<string, any>>(
          rtToken,
          'query($d: ID!, $m: String!) { trace(messageId: $m) { destinationId eventName eventType appVersion reason } destination(id: $d) { discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { reason { code } samples { messageId error } } } }',
          { d: dst, m: field === 'messageId' ? toWellFormed(value) : mid },
        );
        expect(q.body.errors).toBeUndefined();
        const want = toWellFormed(value);
        const trace = (q.body.data!.trace as Rec[]).find((e) => e.destinationId === dst);
        const sample = q.body.data!.destination.discards[0]?.samples[0];
        const got =
          field === 'sample.error' ? sample?.error : field === 'messageId' ? sample?.messageId : field === 'reason' ? q.body.data!.destination.discards[0]?.reason.code : trace?.[field];
        expect({ field, got: got === undefined ? undefined : hex(got as string) }).toEqual({ field, got: hex(want) });
      });
    }
  }

  it('sample.payload with lone surrogates is kept as JSON text that parses back to the same value', async () => {
    const dst = 'dst_lone_payload';
    const payload = { s: 'x\ud800y\udfffz', ['k\udbff']: ['\udc00'] };
    const res = await t.ingest(rtToken, [{ timestamp: new Date(Date.now() - 10 * MINUTE).toISOString(), sourceId: 'src_lone', destinationId: dst, destinationKind: 'classic', step: 'failed_delivery', reason: 'lone', sample: { payload } }]);
    expect(res.status).toBe(200);
    const q = await t.gql<Record<string, any>>(rtToken, `{ destination(id: "${dst}") { discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { samples { payload } } } }`);
    const text = q.body.data!.destination.discards[0].samples[0].payload as string;
    expect(text).toBe(JSON.stringify(payload)); // JSON.stringify escapes lone surrogates as \udXXX
    expect(JSON.parse(text)).toEqual(payload);
  });

  it('has no unhandled rejections', () => {
    expect(rejections.list).toEqual([]);
  });
});
