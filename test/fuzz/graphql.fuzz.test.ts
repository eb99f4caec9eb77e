/**
 * Property-based fuzzing of GraphQL on /graphql (HTTP) and graphql-ws, against one real
 * gateway (embedded chDB).
 *
 *   npx jest test/fuzz/graphql.fuzz.test.ts
 *   FUZZ_SEED=123 npx jest test/fuzz/graphql.fuzz.test.ts   # another reproducible stream
 *
 * ≥ 10,000 generated documents (graphql.documents.ts) over HTTP, 4 in flight, and one
 * with every other batch (≥ 500) over two graphql-ws connections.
 * Properties: no 5xx; every error carries a code of the closed ErrorCode set and never
 * INTERNAL_SERVER_ERROR (client input is never an internal error); no message leaks SQL,
 * engine errors, stack frames or paths; every answer within LATENCY_BUDGET_MS (a
 * document that is slow even when sent alone stalls the gateway); no unhandled
 * rejection; /healthz and /readyz 200 and an ordinary query still answered afterwards.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { getOperationAST, parse, validate } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gatewaySchema } from '../../src/graphql/schema';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { ERROR_CODES, echoText, fcParams, leakIn, pool, preview, trackUnhandledRejections } from './fuzz-helpers';
import { httpDocArb, wsDocArb } from './graphql.documents';
import type { Doc } from './graphql.values';

// About 80 s on an idle 2-core machine; generous timeouts for a loaded one.
jest.setTimeout(600_000);

const BATCH = 8; // documents per fast-check run
const IN_FLIGHT = Number(process.env.FUZZ_IN_FLIGHT ?? 4);
const RUNS = Number(process.env.FUZZ_GQL_RUNS ?? 1_260); // × 8 = 10,080 documents over HTTP; 630 over graphql-ws
const MIN_HTTP = Number(process.env.FUZZ_MIN_HTTP ?? 10_000);
const MIN_WS = Number(process.env.FUZZ_MIN_WS ?? 500);
/** One answer slower than this means one document can stall the gateway. */
const LATENCY_BUDGET_MS = Number(process.env.FUZZ_LATENCY_BUDGET_MS ?? 5_000);
const WS_TIMEOUT_MS = 15_000;
const SUBSCRIPTION_QUIET_MS = 1_000;
const MAX_WS_PAYLOAD = 200 * 1024; // the server's graphql-ws maxPayload is 256 KiB
const WS_ID = 'ws_fuzz_gql';
const MINUTE = 60_000;

let t: TestGateway;
let token: string;
let rejections: ReturnType<typeof trackUnhandledRejections>;
const clients: Client[] = [];

beforeAll(async () => {
  rejections = trackUnhandledRejections();
  t = await startTestGateway('graphql_fuzz', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' });
  token = await t.token(WS_ID, ['read', 'admin']);
  const ingest = await t.token(WS_ID, ['ingest']);
  const started = new Date(Date.now() - 40 * MINUTE).toISOString();
  const finished = new Date(Date.now() - 35 * MINUTE).toISOString();
  const res = await t.ingest(
    ingest,
    [
      { ...report({ step: 'received', sourceId: 'src_web', messageId: 'm-1' }, 20), destinationId: undefined, destinationKind: undefined },
      report({ destinationId: 'dst_classic', sourceId: 'src_web', messageId: 'm-1' }, 20),
      report({ destinationId: 'dst_classic', step: 'failed_delivery', reason: '429', sample: { payload: { a: 1 }, error: 'rate limited' } }, 20),
      report({ destinationId: 'dst_classic', step: 'retry_enqueued', reason: '429', count: 3 }, 20),
      report({ destinationId: 'dst_actions', destinationKind: 'actions', mappingId: 'map_a' }, 20),
      report({ destinationId: 'dst_storage', destinationKind: 'storage' }, 20),
      {
        type: 'sync',
        destinationId: 'dst_storage',
        syncId: 'sync-1',
        startedAt: started,
        finishedAt: finished,
        status: 'partial',
        reason: 'x',
        collections: [{ name: 'tracks', rowsSynced: 5, rowsFailed: 1 }],
      },
    ].map((r) => JSON.parse(JSON.stringify(r))),
  );
  expect(res.status).toBe(200);
  for (let i = 0; i < 2; i++) {
    clients.push(
      createClient({
        url: t.gateway.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        lazy: true,
        keepAlive: 0,
      }),
    );
  }
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
  rejections?.stop();
});

// ---------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------

const stats = {
  http: 0,
  ws: 0,
  slowBatches: 0,
  httpMs: 0,
  wsMs: 0,
  dbQueries: 0,
  dbMs: 0,
  dbByFamily: {} as Record<string, number>,
  msByKind: {} as Record<string, number>,
  slow: [] as { ms: number; kind: string; query: string }[],
  byStatus: {} as Record<string, number>,
  byCode: {} as Record<string, number>,
  byKind: {} as Record<string, number>,
  slowest: { ms: 0, kind: '' },
};

function requestBody(doc: Doc): string {
  const vars = Object.entries(doc.variables ?? {})
    .map(([k, json]) => `${JSON.stringify(k)}:${json}`)
    .join(',');
  const parts = [`"query":${JSON.stringify(doc.query)}`, `"variables":{${vars}}`];
  if (doc.operationName !== undefined) parts.push(`"operationName":${JSON.stringify(doc.operationName)}`);
  return `{${parts.join(',')}}`;
}

function docFailure(doc: Doc, why: string, answer: string): Error {
  return new Error(
    `${why}\n  kind: ${doc.kind}\n  query: ${preview(doc.query, 1500)}\n  variables: ${preview(doc.variables ?? {}, 600)}\n  operationName: ${preview(doc.operationName)}\n  shape: ${preview(doc.shape)}\n  → ${preview(answer, 1200)}`,
  );
}

/** The checks shared by both transports, for one list of GraphQL errors. */
function checkErrors(doc: Doc, errors: unknown, answer: string, sentText: string, transport: 'http' | 'ws' = 'http'): void {
  if (errors === undefined) return;
  if (!Array.isArray(errors) || errors.length === 0) throw docFailure(doc, '`errors` must be a non-empty list', answer);
  const list = errors as { message?: unknown; extensions?: Record<string, unknown> }[];
  for (const e of list) {
    const code = e?.extensions?.code;
    stats.byCode[String(code)] = (stats.byCode[String(code)] ?? 0) + 1;
    if (typeof e?.message !== 'string') throw docFailure(doc, 'an error without a message', answer);
    if (typeof code !== 'string' || !ERROR_CODES.has(code)) throw docFailure(doc, `extensions.code ${preview(code)} is not in the ErrorCode enum`, answer);
    if (code === 'INTERNAL_SERVER_ERROR') throw docFailure(doc, `INTERNAL_SERVER_ERROR for client input (${transport})`, answer);
    const leak = leakIn(`${e.message} ${JSON.stringify(e.extensions)}`, echoText(sentText), [t.gateway.db.database]);
    if (leak) throw docFailure(doc, `an error leaks internals (${leak})`, answer);
  }
}

const ALLOWED_STATUS = new Set([200, 400, 405, 413, 415]);

/** Sends one document over HTTP, checks the answer, and returns how long it took. */
async function sendHttp(doc: Doc): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let url = `${t.url}/graphql`;
  let init: RequestInit;
  let sent: string;
  const shape = doc.shape ?? 'post';
  // GET only for URLs well under Node's 16 KiB header limit (beyond it Node answers 431 before the gateway sees the request).
  if (shape === 'get' && requestBody(doc).length < 3_000) {
    const params = new URLSearchParams({
      query: doc.query,
      variables: `{${Object.entries(doc.variables ?? {})
        .map(([k, j]) => `${JSON.stringify(k)}:${j}`)
        .join(',')}}`,
    });
    if (doc.operationName) params.set('operationName', doc.operationName);
    url += `?${params}`;
    headers['apollo-require-preflight'] = 'true';
    init = { method: 'GET', headers };
    sent = `${doc.query} ${params.get('variables')} ${doc.operationName ?? ''}`;
  } else if (typeof shape === 'object') {
    if (shape.contentType !== null) headers['content-type'] = shape.contentType;
    init = { method: 'POST', headers, body: Buffer.from(shape.body) };
    sent = shape.body;
  } else {
    headers['content-type'] = 'application/json';
    sent = requestBody(doc);
    init = { method: 'POST', headers, body: sent };
  }
  const started = performance.now();
  if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `> http ${doc.kind} ${sent.length} ${JSON.stringify({ doc })}\n`);
  const res = await fetch(url, init);
  const text = await res.text();
  const ms = performance.now() - started;
  if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `< http ${Math.round(ms)} ms ${res.status}\n`);
  stats.http++;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  stats.byKind[doc.kind.split(':').slice(0, 2).join(':')] = (stats.byKind[doc.kind.split(':').slice(0, 2).join(':')] ?? 0) + 1;
  if (ms > stats.slowest.ms) stats.slowest = { ms: Math.round(ms), kind: doc.kind };
  const k2 = doc.kind.split(':').slice(0, 2).join(':');
  stats.msByKind[k2] = Math.round((stats.msByKind[k2] ?? 0) + ms);
  if (process.env.FUZZ_PROFILE && ms > 300) stats.slow.push({ ms: Math.round(ms), kind: doc.kind, query: doc.query.slice(0, 300) });
  const answer = `${res.status} ${text}`;
  if (res.status >= 500) throw docFailure(doc, `HTTP ${res.status} for client input`, answer);
  if (!ALLOWED_STATUS.has(res.status)) throw docFailure(doc, `HTTP ${res.status} is not one of ${[...ALLOWED_STATUS].join(', ')}`, answer);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    throw docFailure(doc, 'the body is not JSON', answer);
  }
  if (body.error !== undefined) {
    // Answers from outside GraphQL (body too large, wrong method): { error: { code } }.
    const code = (body.error as Record<string, unknown>)?.code;
    if (typeof code !== 'string' || !ERROR_CODES.has(code) || code === 'INTERNAL_SERVER_ERROR') throw docFailure(doc, `error.code ${preview(code)}`, answer);
    return ms;
  }
  if (res.status !== 200 && body.errors === undefined) throw docFailure(doc, `HTTP ${res.status} without errors`, answer);
  checkErrors(doc, body.errors, answer, sent);
  return ms;
}

/**
 * Latency: when an answer of a concurrent batch was over budget, each document is sent
 * again alone; only a document that is over budget by itself fails (one request can
 * stall every other), not a batch that was merely slow together on a busy machine.
 */
async function checkLatency(docs: Doc[], times: number[]): Promise<void> {
  if (times.every((ms) => ms <= LATENCY_BUDGET_MS)) return;
  stats.slowBatches++;
  for (const doc of docs) {
    const alone = await sendHttp(doc);
    if (alone > LATENCY_BUDGET_MS)
      throw docFailure(doc, `answered after ${Math.round(alone)} ms when sent alone (budget ${LATENCY_BUDGET_MS} ms): one document stalls the gateway`, '');
  }
}

let wsTurn = 0;
let runNo = 0;

type WsOutcome = { errors?: unknown; closed?: unknown; timeout?: boolean; answer: string };

/**
 * The graphql-ws protocol by hand on a fresh socket, for payloads the client library cannot
 * serialize (variables nested deeper than JSON.stringify's stack allows): the frame is built
 * from the raw JSON text.
 */
function rawWsOperation(payloadText: string): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(t.gateway.wsUrl, 'graphql-transport-ws');
    let settled = false;
    const finish = (o: WsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ timeout: true, answer: 'no answer' }), WS_TIMEOUT_MS);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack') socket.send(`{"id":"1","type":"subscribe","payload":${payloadText}}`);
      else if (msg.type === 'next') finish({ errors: (msg.payload as { errors?: unknown }).errors, answer: String(data) });
      else if (msg.type === 'error') finish({ errors: msg.payload, answer: String(data) });
      else if (msg.type === 'complete') finish({ answer: 'complete' });
    });
    socket.on('close', (code, reason) => finish({ closed: code, answer: `${code} ${reason}` }));
    socket.on('error', (err) => finish({ closed: err, answer: String(err) }));
  });
}

/** One operation over graphql-ws: the first result (or error), then unsubscribe. */
async function sendWs(doc: Doc): Promise<void> {
  const text = requestBody(doc);
  if (Buffer.byteLength(text) > MAX_WS_PAYLOAD) return;
  const payload = JSON.parse(text) as { query: string; variables: Record<string, unknown>; operationName?: string | null };
  let serializable = true;
  try {
    JSON.stringify(payload);
  } catch {
    serializable = false;
  }
  // A subscription that parses and validates may legitimately stay silent (an event stream
  // with no events yet): after SUBSCRIPTION_QUIET_MS without a message it counts as accepted.
  let subscription = false;
  try {
    const document = parse(payload.query);
    subscription =
      validate(gatewaySchema(), document).length === 0 && getOperationAST(document, payload.operationName ?? undefined)?.operation === 'subscription';
  } catch {
    /* not a valid document: an answer is due */
  }
  const client = clients[wsTurn++ % clients.length];
  if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `> ws ${doc.kind} ${text.length} ${JSON.stringify({ doc })}\n`);
  const outcome = !serializable
    ? await rawWsOperation(text)
    : await new Promise<WsOutcome>((resolve) => {
        let settled = false;
        let dispose: () => void = () => {};
        const timer = setTimeout(
          () => finish(subscription ? { answer: 'silent subscription' } : { timeout: true, answer: 'no answer' }),
          subscription ? SUBSCRIPTION_QUIET_MS : WS_TIMEOUT_MS,
        );
        const finish = (o: WsOutcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          dispose();
          resolve(o);
        };
        dispose = client.subscribe(
          { query: payload.query, variables: payload.variables, operationName: payload.operationName ?? undefined },
          {
            next: (value) => finish({ errors: value.errors, answer: JSON.stringify(value) }),
            error: (err) =>
              Array.isArray(err)
                ? finish({ errors: err, answer: JSON.stringify(err) })
                : finish({
                    closed: err,
                    answer: String((err as { code?: unknown; reason?: unknown })?.code ?? err) + ' ' + String((err as { reason?: unknown })?.reason ?? ''),
                  }),
            complete: () => finish({ answer: 'complete' }),
          },
        );
      });
  stats.ws++;
  if (outcome.timeout) throw docFailure(doc, `graphql-ws: no answer within ${WS_TIMEOUT_MS} ms`, outcome.answer);
  if (outcome.closed !== undefined) throw docFailure(doc, 'graphql-ws: the connection failed or was closed', outcome.answer);
  checkErrors(doc, outcome.errors, outcome.answer, text, 'ws');
}

describe('GraphQL under ≥ 10,000 generated documents (HTTP) and ≥ 500 (graphql-ws)', () => {
  it('never 5xx, never an internal or unlisted error code, never leaks internals, never stalls', async () => {
    const started = performance.now();
    t.gateway.db.events.on('query', (e: { family: string; durationMs: number }) => {
      stats.dbQueries++;
      stats.dbMs += e.durationMs;
      stats.dbByFamily[e.family] = (stats.dbByFamily[e.family] ?? 0) + 1;
    });
    await fc.assert(
      fc.asyncProperty(fc.array(httpDocArb, { minLength: BATCH, maxLength: BATCH }), wsDocArb, async (docs, wsDoc) => {
        const t0 = performance.now();
        // Every other run also sends its graphql-ws document (≥ 630 of them in 1,260 runs).
        const ws = ++runNo % 2 === 0 ? sendWs(wsDoc).then(() => (stats.wsMs += performance.now() - t0)) : Promise.resolve();
        await Promise.all([
          pool(docs, IN_FLIGHT, sendHttp)
            .then((times) => checkLatency(docs, times))
            .then(() => (stats.httpMs += performance.now() - t0)),
          ws,
        ]);
      }),
      fcParams(101, RUNS),
    );
    const seconds = (performance.now() - started) / 1000;

    console.log(
      `graphql fuzz: ${stats.http} HTTP + ${stats.ws} graphql-ws documents in ${seconds.toFixed(1)} s, seed ${fcParams(101, 0).seed}; HTTP status ${JSON.stringify(stats.byStatus)}; error codes ${JSON.stringify(stats.byCode)}; kinds ${JSON.stringify(stats.byKind)}; slowest ${JSON.stringify(stats.slowest)}, batches re-timed alone ${stats.slowBatches}; HTTP batches ${(stats.httpMs / 1000).toFixed(1)} s, ws ${(stats.wsMs / 1000).toFixed(1)} s; ${stats.dbQueries} engine queries, ${(stats.dbMs / 1000).toFixed(1)} s, ${JSON.stringify(stats.dbByFamily)}`,
    );
    if (process.env.FUZZ_PROFILE) console.log(JSON.stringify(stats.msByKind), JSON.stringify(stats.slow.sort((a, b) => b.ms - a.ms).slice(0, 15), null, 1));
    expect(stats.http).toBeGreaterThanOrEqual(MIN_HTTP);
    expect(stats.ws).toBeGreaterThanOrEqual(MIN_WS);
    expect(rejections.list).toEqual([]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    const after = await t.gql(token, '{ destination(id: "dst_classic") { id pipeline(range: { preset: LAST_HOUR }) { steps { kind count } } } }');
    expect(after.body.errors).toBeUndefined();
  });
});
