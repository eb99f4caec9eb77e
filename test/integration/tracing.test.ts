import fs from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
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
  // The result cache off: every operation here must reach ClickHouse to show its spans.
  t = await startTestGateway(
    'tracing',
    { LOG_LEVEL: 'info', ALERT_EVAL_INTERVAL_MS: '200', RESULT_CACHE_ENTRIES: '0' },
    { spanSink: exporter, log: createLogger('info', false, logs.stream) },
  );
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
    spans = (await finished((s) => s.some((x) => x.kind === SpanKind.SERVER && x.name === 'POST /graphql'))).filter(
      (s) => s.spanContext().traceId === TRACE_ID,
    );
  });

  it('is an HTTP server span continuing the incoming traceparent', () => {
    const server = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(server.map((s) => [s.name, parentOf(s), s.attributes['http.route'], s.attributes['http.response.status_code']])).toEqual([
      ['POST /graphql', PARENT_ID, '/graphql', 200],
    ]);
  });

  it('holds a GraphQL span named after the operation, with its type and name', () => {
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const gql = spans.filter((s) => s.attributes['graphql.operation.type'] !== undefined);
    expect(
      gql.map((s) => [s.name, parentOf(s), s.attributes['graphql.operation.type'], s.attributes['graphql.operation.name'], s.attributes['graphql.transport']]),
    ).toEqual([['query Overview', idOf(server), 'query', 'Overview', 'http']]);
  });

  it('holds a span per ClickHouse call below the GraphQL span, with family and backend but no SQL', () => {
    const gql = spans.find((s) => s.name === 'query Overview')!;
    const ch = spans.filter((s) => s.attributes['db.system.name'] === 'clickhouse');
    // The catalogue snapshot and the pipeline (its retry gauge rides in the same statement).
    expect(ch.length).toBeGreaterThanOrEqual(2);
    for (const s of ch) {
      expect([s.name, s.kind, parentOf(s)]).toEqual([`clickhouse ${s.attributes['delivery_overview.query.family']}`, SpanKind.CLIENT, idOf(gql)]);
      expect(Object.keys(s.attributes).sort()).toEqual([
        'db.namespace',
        'db.operation.name',
        'db.query.summary',
        'db.system.name',
        'delivery_overview.clickhouse.backend',
        'delivery_overview.query.family',
      ]);
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
    const shape = (t: string) =>
      t
        .split('\n')
        .slice(1)
        .map((l) =>
          l
            .replace(/[├└]─ /, '─ ')
            .replace(/\[(\w+), [\d.]+ ms\]/, '[$1]')
            .replace(/parent=\w+/, 'parent')
            .trimEnd(),
        );
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
    const res = await fetch(`${t.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: TRACEPARENT },
      body: JSON.stringify([report({ destinationId: 'dst_t' }, 5)]),
    });
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
    await expect(
      t.gateway.db.tracing.span('test', {}, () =>
        t.gateway.db.query({ family: 'probe', sql: 'SELECT throwIf(1, {m:String})', params: { m: 'a secret value' } }),
      ),
    ).rejects.toThrow();
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
    const client = createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}`, traceparent: TRACEPARENT },
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const run = (extensions?: Record<string, unknown>) =>
        new Promise<unknown>((resolve, reject) =>
          client.subscribe(
            { query: QUERY, variables: { r: { preset: 'LAST_24_HOURS' } }, extensions },
            { next: resolve, error: reject, complete: () => undefined },
          ),
        );
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
    for (const op of ops)
      expect(spans.filter((s) => parentOf(s) === idOf(op) && s.attributes['db.system.name'] === 'clickhouse').length).toBeGreaterThanOrEqual(1);
  });
});

describe('outgoing alert webhooks', () => {
  it('carry the traceparent of their span, inside the evaluator sweep that sent them', async () => {
    exporter.reset();
    const rule = await t.gql<{ createAlertRule: { id: string } }>(admin, 'mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }', {
      i: {
        name: 'trace me',
        kind: 'DELIVERY_RATE_BELOW',
        destinationId: 'dst_t',
        threshold: 90,
        windowMinutes: 60,
        minVolume: 1,
        webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      },
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

describe('exporting and loading', () => {
  /** A stand-in collector: what OTLP/HTTP exports it receives. */
  async function collector(): Promise<{ url: string; posts: { path: string; type: string; key: string; body: Buffer }[]; close: () => Promise<void> }> {
    const posts: { path: string; type: string; key: string; body: Buffer }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posts.push({
          path: req.url ?? '',
          type: String(req.headers['content-type']),
          key: String(req.headers['x-collector-key']),
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { 'content-type': String(req.headers['content-type']) }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, close: () => new Promise((r) => server.close(() => r())) };
  }

  /** A gateway of the build (dist/) in its own process: the OTLP exporters load their transport with import(), which Jest's module sandbox refuses. */
  function gatewayProcess(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
    const dist = path.resolve(__dirname, '../../dist');
    const script = `require('reflect-metadata');
      const { loadConfig } = require('${dist}/config/config');
      const { startGateway } = require('${dist}/app/gateway');
      const { createLogger } = require('${dist}/log');
      (async () => {
        const g = await startGateway({ config: loadConfig(process.env), log: createLogger('silent') });
        if ((await fetch(g.url + '/readyz')).status !== 200) process.exitCode = 3;
        await g.close();
      })().catch((e) => { console.error(e); process.exitCode = 1; });`;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['-e', script], {
        cwd: path.resolve(__dirname, '../..'),
        env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'do-otlp-')), LOG_LEVEL: 'silent', ...env },
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stderr }));
    });
  }

  it.each([
    ['http/protobuf', 'application/x-protobuf'],
    ['http/json', 'application/json'],
  ])('OTEL_EXPORTER_OTLP_ENDPOINT sends spans to the collector over OTLP/HTTP (%s), with the headers asked for', async (protocol, type) => {
    const c = await collector();
    try {
      const run = await gatewayProcess({
        OTEL_EXPORTER_OTLP_ENDPOINT: c.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_SERVICE_NAME: 'do-test',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%201',
      });
      expect(run).toEqual({ status: 0, stderr: '' });
    } finally {
      await c.close();
    }
    expect(c.posts.map((p) => [p.path, p.type, p.key])).toContainEqual(['/v1/traces', type, 'k 1']);
    const text = c.posts.map((p) => p.body.toString('latin1')).join('');
    for (const expected of ['do-test', 'GET /readyz', 'clickhouse ping']) expect(text).toContain(expected);
  });

  it('loads no OpenTelemetry SDK package when tracing is off, and loads it when on', () => {
    const dist = path.resolve(__dirname, '../../dist');
    const probe = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        [
          '-e',
          `require('reflect-metadata'); require('${dist}/app/gateway'); const { loadConfig } = require('${dist}/config/config'); const { startTracing } = require('${dist}/observability/tracing.start'); const t = startTracing(loadConfig(process.env).tracing); console.log(JSON.stringify({ enabled: t.enabled, sdk: Object.keys(require.cache).filter((k) => /@opentelemetry[\\\\/](sdk-|exporter-|resources|core)/.test(k)).length })); t.shutdown();`,
        ],
        { encoding: 'utf8', cwd: path.resolve(__dirname, '../..'), env: { PATH: process.env.PATH, ...env } },
      );
    const off = JSON.parse(probe({}).stdout);
    const on = JSON.parse(probe({ OTEL_TRACES_EXPORTER: 'console' }).stdout);
    expect(off).toEqual({ enabled: false, sdk: 0 });
    expect(on.enabled).toBe(true);
    expect(on.sdk).toBeGreaterThan(10);
  });
});
