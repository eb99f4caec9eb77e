import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createLogger } from '../../src/log';
import { captureLogLines } from '../helpers/log-capture';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { traceText } from '../helpers/trace-text';

/**
 * OpenTelemetry tracing against a real gateway, spans collected by the SDK's in-memory exporter:
 * one GraphQL request is an HTTP server span continuing the caller's traceparent, a GraphQL span
 * below it and a span per ClickHouse call below that; the same over graphql-ws; the trace id in
 * the request's log lines; a failed ClickHouse call carries its error code; an alert webhook
 * carries the sweep's traceparent. Nothing of a query's text, SQL or values lands in a span.
 */
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

const exporter = new InMemorySpanExporter();
const logs = captureLogLines();
let t: TestGateway;
let token: string;
let admin: string;
const hooks: { headers: http.IncomingHttpHeaders }[] = [];
let receiver: http.Server;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    hooks.push({ headers: req.headers });
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t = await startTestGateway('tracing', { LOG_LEVEL: 'info', ALERT_EVAL_INTERVAL_MS: '200' }, { spanSink: exporter, log: createLogger('info', false, logs.stream) });
  token = await t.token('ws_trace', ['read', 'ingest']);
  admin = await t.token('ws_trace', ['admin', 'read']);
  expect((await t.ingest(token, [report({ destinationId: 'dst_t', count: 5 }, 30)])).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => receiver.close(r));
});

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const idOf = (s: ReadableSpan) => s.spanContext().spanId;

async function finished(pred: (spans: ReadableSpan[]) => boolean, ms = 5000): Promise<ReadableSpan[]> {
  const end = Date.now() + ms;
  for (;;) {
    const spans = exporter.getFinishedSpans();
    if (pred(spans)) return spans;
    if (Date.now() > end) throw new Error(`spans not as expected: ${spans.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const QUERY = 'query Overview($r: TimeRangeInput!) { destinations { id pipeline(range: $r) { steps { kind count } } } }';

describe('a GraphQL request over HTTP', () => {
  let spans: ReadableSpan[];
  beforeAll(async () => {
    exporter.reset();
    logs.lines.length = 0;
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: TRACEPARENT, 'x-request-id': 'req-traced-1' },
      body: JSON.stringify({ query: QUERY, variables: { r: { preset: 'LAST_24_HOURS' } } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
    spans = (await finished((s) => s.some((x) => x.kind === SpanKind.SERVER && x.name === 'POST /graphql'))).filter((s) => s.spanContext().traceId === TRACE_ID);
  });

  it('is an HTTP server span continuing the incoming traceparent', () => {
    const server = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(server.map((s) => [s.name, parentOf(s), s.attributes['http.route'], s.attributes['http.response.status_code']])).toEqual([['POST /graphql', PARENT_ID, '/graphql', 200]]);
  });

  it('holds a GraphQL span named after the operation, with its type and name', () => {
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const gql = spans.filter((s) => s.attributes['graphql.operation.type'] !== undefined);
    expect(gql.map((s) => [s.name, parentOf(s), s.attributes['graphql.operation.type'], s.attributes['graphql.operation.name'], s.attributes['graphql.transport']])).toEqual([['query Overview', idOf(server), 'query', 'Overview', 'http']]);
  });

  it('holds a span per ClickHouse call below the GraphQL span, with family and backend but no SQL', () => {
    const gql = spans.find((s) => s.name === 'query Overview')!;
    const ch = spans.filter((s) => s.attributes['db.system.name'] === 'clickhouse');
    expect(ch.length).toBeGreaterThanOrEqual(3);
    for (const s of ch) {
      expect([s.name, s.kind, parentOf(s)]).toEqual([`clickhouse ${s.attributes['delivery_overview.query.family']}`, SpanKind.CLIENT, idOf(gql)]);
      expect(Object.keys(s.attributes).sort()).toEqual(['db.namespace', 'db.operation.name', 'db.query.summary', 'db.system.name', 'delivery_overview.clickhouse.backend', 'delivery_overview.query.family']);
    }
    expect(ch.map((s) => s.attributes['db.operation.name'])).toEqual(ch.map(() => 'SELECT'));
  });

  it('writes the trace id in the request log line', () => {
    const line = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === 'req-traced-1');
    expect(line).toMatchObject({ msg: 'graphql request', traceId: TRACE_ID, spanId: idOf(spans.find((s) => s.name === 'query Overview')!) });
  });

  it('is the trace docs/operations.md shows (span names and nesting; ids and durations differ per run)', () => {
    const text = traceText(spans);
    if (process.env.PRINT_TRACE) process.stdout.write(`${text}\n`);
    const shape = (t: string) => t.split('\n').slice(1).map((l) => l.replace(/[├└]─ /, '─ ').replace(/\[(\w+), [\d.]+ ms\]/, '[$1]').replace(/parent=\w+/, 'parent').trimEnd());
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/operations.md'), 'utf8');
    const printed = /```text\n(trace [0-9a-f]{32}\n[\s\S]*?)```/.exec(doc)?.[1] ?? '';
    expect(new Set(shape(printed.trim()))).toEqual(new Set(shape(text)));
  });

  it('never records the query text, variables or token', () => {
    const text = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    for (const secret of [token, 'LAST_24_HOURS', 'pipeline(range', 'Bearer']) expect(text).not.toContain(secret);
  });
});

describe('other requests', () => {
  it('an ingest request is a server span with its inserts below it, and its log line has the trace id', async () => {
    exporter.reset();
    logs.lines.length = 0;
    const res = await fetch(`${t.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: TRACEPARENT }, body: JSON.stringify([report({ destinationId: 'dst_t' }, 5)]) });
    expect(res.status).toBe(200);
    const spans = await finished((s) => s.some((x) => x.name === 'POST /v1/ingest'));
    const server = spans.find((s) => s.name === 'POST /v1/ingest')!;
    const inserts = spans.filter((s) => s.attributes['db.operation.name'] === 'INSERT');
    expect(inserts.length).toBeGreaterThanOrEqual(1);
    expect(inserts.every((s) => parentOf(s) === idOf(server) && s.spanContext().traceId === TRACE_ID)).toBe(true);
    expect(logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'ingest')).toMatchObject({ traceId: TRACE_ID });
  });

  it('a refused request is a failed span with its status; a request without traceparent starts a new trace', async () => {
    exporter.reset();
    expect((await fetch(`${t.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status).toBe(401);
    const [span] = (await finished((s) => s.some((x) => x.name === 'POST /v1/ingest'))).filter((s) => s.name === 'POST /v1/ingest');
    expect(span.attributes['http.response.status_code']).toBe(401);
    expect(parentOf(span)).toBeUndefined();
    expect(span.spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('a failed ClickHouse call carries the ClickHouse error code and the gateway error code', async () => {
    exporter.reset();
    await expect(t.gateway.db.tracing.span('test', {}, () => t.gateway.db.query({ family: 'probe', sql: 'SELECT throwIf(1, {m:String})', params: { m: 'a secret value' } }))).rejects.toThrow();
    const [ch] = (await finished((s) => s.some((x) => x.name === 'clickhouse probe'))).filter((s) => s.name === 'clickhouse probe');
    expect(ch.attributes).toMatchObject({ 'db.response.status_code': '395', 'error.type': 'INTERNAL_SERVER_ERROR' });
    expect(ch.status.code).toBe(2);
    expect(JSON.stringify([ch.attributes, ch.events])).not.toContain('a secret value');
  });
});

describe('graphql-ws', () => {
  it('an operation continues the traceparent of connection_init, or of its own extensions, and holds its ClickHouse spans', async () => {
    exporter.reset();
    const other = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    const client = createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}`, traceparent: TRACEPARENT }, retryAttempts: 0, lazy: true });
    try {
      const run = (extensions?: Record<string, unknown>) =>
        new Promise<unknown>((resolve, reject) => client.subscribe({ query: QUERY, variables: { r: { preset: 'LAST_24_HOURS' } }, extensions }, { next: resolve, error: reject, complete: () => undefined }));
      await run();
      await run({ traceparent: other });
    } finally {
      await client.dispose();
    }
    const spans = await finished((s) => s.filter((x) => x.name === 'query Overview').length === 2);
    const ops = spans.filter((s) => s.name === 'query Overview');
    expect(ops.map((s) => [s.spanContext().traceId, parentOf(s), s.attributes['graphql.transport']])).toEqual([
      [TRACE_ID, PARENT_ID, 'ws'],
      ['ab'.repeat(16), 'cd'.repeat(8), 'ws'],
    ]);
    // The second finds the catalog snapshot the first one read (cached 10 s): fewer calls, still its own.
    for (const op of ops) expect(spans.filter((s) => parentOf(s) === idOf(op) && s.attributes['db.system.name'] === 'clickhouse').length).toBeGreaterThanOrEqual(1);
  });
});

describe('outgoing alert webhooks', () => {
  it('carry the traceparent of their span, inside the evaluator sweep that sent them', async () => {
    exporter.reset();
    const rule = await t.gql<{ createAlertRule: { id: string } }>(admin, 'mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', {
      i: { name: 'trace me', kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_t', threshold: 90, windowMinutes: 60, minVolume: 1, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` },
    });
    expect(rule.body.errors).toBeUndefined();
    expect((await t.ingest(token, [report({ destinationId: 'dst_t', step: 'failed_delivery', reason: '500', count: 500 }, 5)])).status).toBe(200);
    const end = Date.now() + 10_000;
    while (hooks.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const traceparent = String(hooks[0]?.headers.traceparent ?? '');
    const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent) ?? [];
    const spans = await finished((s) => s.some((x) => x.name === 'alerts.webhook'));
    const webhook = spans.find((s) => s.name === 'alerts.webhook')!;
    expect([traceId, spanId]).toEqual([webhook.spanContext().traceId, idOf(webhook)]);
    const sweep = spans.find((s) => idOf(s) === parentOf(webhook));
    expect(sweep?.name).toBe('alerts.sweep');
  });
});
