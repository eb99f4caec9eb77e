/**
 * Property-based fuzzing of POST /v1/ingest against one real gateway (embedded chDB).
 *
 *   npx jest test/fuzz/ingest.fuzz.test.ts
 *   FUZZ_SEED=123 npx jest test/fuzz/ingest.fuzz.test.ts   # another reproducible stream
 *
 * ≥ 10,000 generated bodies (ingest.bodies.ts), 8 in flight: every answer is
 * 200/400/413/415 with a JSON body, a closed-set error code whose HTTP status matches,
 * no leaked internals and a consistent field-error list; a body of valid records is
 * stored (refused only for a lone surrogate, naming the field), invalid UTF-8 is refused;
 * for 200, `accepted`/`events`/`syncs` match the records sent; what is stored equals what
 * was acknowledged (all or nothing, retries with the same key counted once); no
 * unhandled rejection; /healthz and /readyz still 200.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { HTTP_STATUS, type ErrorCode } from '../../src/domain/errors';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { ERROR_CODES, echoText, fcParams, hasLoneSurrogate, leakIn, pool, preview, trackUnhandledRejections } from './fuzz-helpers';
import { bodyArb, type BodySpec, type Payload, type Rec } from './ingest.bodies';

// About 20–30 s on an idle 2-core machine; generous timeouts for a loaded one.
jest.setTimeout(600_000);

const BATCH = 8; // bodies per fast-check run, sent concurrently
const IN_FLIGHT = 8;
const BODY_RUNS = Number(process.env.FUZZ_BODY_RUNS ?? 1_260); // × 8 = 10,080 bodies (a few are sent twice as retries)
const MIN_BODIES = Number(process.env.FUZZ_MIN_BODIES ?? 10_000);
const FUZZ_WS = 'ws_fuzz_ingest';

let t: TestGateway;
let ingestToken: string;
let rejections: ReturnType<typeof trackUnhandledRejections>;

beforeAll(async () => {
  rejections = trackUnhandledRejections();
  // Rate limits off: the fuzzer is one very busy producer, and 429 is not what is under test.
  t = await startTestGateway('ingest_fuzz', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' });
  ingestToken = await t.token(FUZZ_WS, ['ingest']);
});

afterAll(async () => {
  await t?.close();
  rejections?.stop();
});

// ---------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------

let keyCounter = 0;
const stats = {
  bodies: 0,
  requests: 0,
  byStatus: {} as Record<string, number>,
  byKind: {} as Record<string, number>,
  msByKind: {} as Record<string, number>,
  sendMs: 0,
  acknowledgedEvents: 0,
  engineQueries: 0,
  engineMs: 0,
};

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
    if (mediaType === 'application/x-ndjson' || mediaType === 'application/jsonl')
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
  } catch {
    return null;
  }
  return null;
}

function fail(spec: BodySpec, res: Sent, why: string): never {
  throw new Error(
    `${why}\n  body kind: ${spec.kind}, content-type: ${JSON.stringify(spec.contentType)}, key: ${preview(spec.key)}\n  body: ${preview(spec.body, 1500)}\n  → ${res.status} ${preview(res.text, 800)}`,
  );
}

const ALLOWED_STATUS = new Set([200, 400, 413, 415]);

/** The raw bytes of a body (null for the generated large ones). */
function bytesOf(spec: BodySpec): Buffer | null {
  return typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : spec.body instanceof Uint8Array ? Buffer.from(spec.body) : null;
}

/**
 * Every string of every record, decoded, but the free JSON of samples (where lone surrogates are
 * fine: they are kept as JSON escapes): the payload, and request and response bodies that are
 * not strings (a string body is text, and refused with one).
 */
function textFieldsOf(records: unknown[]): string {
  const jsonBody = (part: unknown) => (part && typeof part === 'object' && typeof (part as Rec).body !== 'string' ? { ...(part as Rec), body: null } : part);
  const withoutPayload = records.map((r) => {
    const sample = (r as Rec)?.sample as Rec | undefined;
    return sample && typeof sample === 'object'
      ? { ...(r as Rec), sample: { ...sample, payload: null, request: jsonBody(sample.request), response: jsonBody(sample.response) } }
      : r;
  });
  return echoText(JSON.stringify(withoutPayload));
}

/**
 * What the generator knows the answer must be: records built valid are stored unless
 * their text holds a lone surrogate (then 400, and every listed problem says so) or the
 * Idempotency-Key is malformed; bytes that are not UTF-8 are refused.
 */
function checkOracle(spec: BodySpec, res: Sent): void {
  const body = res.json as Record<string, any>;
  if (spec.kind.startsWith('valid-') && (spec.method ?? 'POST') === 'POST') {
    const records = recordsOf(spec);
    if (spec.key.type === 'raw') {
      if (res.status !== 400 || !/Idempotency-Key/.test(body.error?.message ?? ''))
        fail(spec, res, 'valid records with a malformed Idempotency-Key: want 400 naming the header');
    } else if (!hasLoneSurrogate(textFieldsOf(records ?? []))) {
      if (res.status !== 200) fail(spec, res, 'a body of valid records was refused');
    } else if (res.status !== 400 || !(body.error?.errors ?? []).every((e: { reason: string }) => /valid Unicode/.test(e.reason))) {
      fail(spec, res, 'valid records but for lone surrogates: want 400 naming only the lone surrogates');
    }
  }
  const bytes = bytesOf(spec);
  const parsedType = /^\s*application\/(json|x-ndjson|jsonl)\s*(;|$)/i.test(spec.contentType ?? '');
  if (bytes && parsedType && res.status !== 413 && !isUtf8(bytes) && !(res.status === 400 && /UTF-8/.test(body.error?.message ?? ''))) {
    fail(spec, res, 'a body that is not UTF-8 must be refused as such');
  }
}

function check(spec: BodySpec, res: Sent, bodyText: string): { events: number } {
  if (res.status >= 500) fail(spec, res, `5xx for client input`);
  if (!ALLOWED_STATUS.has(res.status)) fail(spec, res, `status ${res.status} is not one of 200, 400, 413, 415`);
  if (res.json === undefined || res.json === null || typeof res.json !== 'object') fail(spec, res, 'the body is not a JSON object');
  if (!/^application\/json\b/.test(res.contentType ?? '')) fail(spec, res, `content-type ${res.contentType}`);
  checkOracle(spec, res);
  const body = res.json as Record<string, any>;
  if (res.status !== 200) {
    const e = body.error;
    if (!e || typeof e !== 'object') fail(spec, res, 'error response without an `error` object');
    if (!ERROR_CODES.has(e.code)) fail(spec, res, `error.code ${preview(e.code)} is not in the ErrorCode enum`);
    if (HTTP_STATUS[e.code as ErrorCode] !== res.status)
      fail(spec, res, `status ${res.status} does not match HTTP_STATUS[${e.code}] = ${HTTP_STATUS[e.code as ErrorCode]}`);
    if (typeof e.message !== 'string' || e.message === '') fail(spec, res, 'error.message missing');
    if (typeof e.requestId !== 'string' || e.requestId === '') fail(spec, res, 'error.requestId missing');
    const leak = leakIn(res.text, echoText(bodyText), [t.gateway.db.database]);
    if (leak) fail(spec, res, `the error leaks internals (${leak})`);
    if (e.errors !== undefined) {
      const records = recordsOf(spec);
      if (!Array.isArray(e.errors) || e.errors.length === 0 || e.errors.length > 100) fail(spec, res, 'error.errors must list 1–100 problems');
      for (const fe of e.errors) {
        if (typeof fe?.field !== 'string' || typeof fe?.reason !== 'string' || !Number.isInteger(fe?.index) || fe.index < 0)
          fail(spec, res, `malformed field error ${preview(fe)}`);
        if (records && fe.index >= records.length) fail(spec, res, `field error index ${fe.index} is outside the batch of ${records.length}`);
      }
      if (!(e.totalErrors >= e.errors.length) || !(e.invalidRecords >= 1) || (records && e.invalidRecords > records.length))
        fail(spec, res, 'inconsistent totalErrors / invalidRecords');
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

describe('POST /v1/ingest under ≥ 10,000 generated bodies', () => {
  it('answers every body with 200/400/413/415, a closed-set code and consistent counts; stores exactly what it acknowledged', async () => {
    const started = performance.now();
    t.gateway.db.events.on('query', (e: { family: string; durationMs: number }) => {
      stats.engineQueries++;
      stats.engineMs += e.durationMs;
    });
    await fc.assert(
      fc.asyncProperty(fc.array(bodyArb, { minLength: BATCH, maxLength: BATCH }), async (specs) => {
        const t0 = performance.now();
        await pool(specs, IN_FLIGHT, sendAndCheck);
        stats.sendMs += performance.now() - t0;
      }),
      fcParams(1, BODY_RUNS),
    );
    const seconds = (performance.now() - started) / 1000;

    console.log(
      `ingest fuzz: ${stats.bodies} bodies (${stats.requests} requests) in ${seconds.toFixed(1)} s, seed ${fcParams(1, 0).seed}; by status ${JSON.stringify(stats.byStatus)}; by kind ${JSON.stringify(stats.byKind)}; ms by kind ${JSON.stringify(stats.msByKind)}; sending ${(stats.sendMs / 1000).toFixed(1)} s; ${stats.engineQueries} engine statements, ${(stats.engineMs / 1000).toFixed(1)} s`,
    );
    expect(stats.bodies).toBeGreaterThanOrEqual(MIN_BODIES);

    // All or nothing: exactly the acknowledged events are stored (keys are unique; retries dedupe).
    const [row] = await t.sql<{ n: number }>(`SELECT sum(count) AS n FROM {{db}}.delivery_events WHERE workspace_id = '${FUZZ_WS}'`);
    expect(Number(row.n)).toBe(stats.acknowledgedEvents);

    expect(rejections.list).toEqual([]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});
