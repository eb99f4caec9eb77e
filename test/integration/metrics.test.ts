import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';
import { parsePrometheusText, sampleValue, type Family } from '../helpers/prom-text';

let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('metrics', { LIVE_POLL_INTERVAL_MS: '100' });
  token = await t.token('ws_metrics', ['read', 'ingest']);
});
afterAll(async () => t.close());

async function scrape(gateway: TestGateway = t): Promise<Map<string, Family>> {
  const res = await fetch(`${gateway.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

const P = 'delivery_overview_';

const FAMILIES: [string, string][] = [
  [`${P}graphql_request_duration_seconds`, 'histogram'],
  [`${P}graphql_resolver_duration_seconds`, 'histogram'],
  [`${P}graphql_errors_total`, 'counter'],
  [`${P}clickhouse_query_duration_seconds`, 'histogram'],
  [`${P}clickhouse_query_errors_total`, 'counter'],
  [`${P}ingest_batches_total`, 'counter'],
  [`${P}ingest_reports_total`, 'counter'],
  [`${P}ingest_bytes_total`, 'counter'],
  [`${P}ingest_events_total`, 'counter'],
  [`${P}active_subscriptions`, 'gauge'],
  [`${P}hub_active_keys`, 'gauge'],
  [`${P}hub_polls_total`, 'counter'],
  [`${P}alert_evaluations_total`, 'counter'],
  [`${P}alert_notifications_total`, 'counter'],
  ['process_cpu_user_seconds_total', 'counter'],
  ['process_resident_memory_bytes', 'gauge'],
  ['nodejs_heap_size_used_bytes', 'gauge'],
  ['nodejs_eventloop_lag_seconds', 'gauge'],
];

describe('GET /metrics', () => {
  it('serves every family in the Prometheus text format, with help text', async () => {
    const families = await scrape();
    for (const [name, type] of FAMILIES) {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type });
      expect(families.get(name)!.help.length).toBeGreaterThan(0);
    }
  });

  it('moves the ingest, GraphQL and ClickHouse counters after an ingest and a query', async () => {
    const before = await scrape();
    const batch = [
      sourceReport({ count: 40 }, 20),
      report({ step: 'delivered', count: 30 }, 20),
      report({ step: 'failed_delivery', reason: '429', count: 10 }, 20),
    ];
    const body = JSON.stringify(batch);
    expect((await t.ingest(token, body)).status).toBe(200);
    expect((await t.ingest(token, '[{"nope": true}]')).status).toBe(400);
    expect((await t.ingest('not-a-token', body)).status).toBe(401);
    const q = await t.gql(
      token,
      'query MetricsPipeline { destination(id: "dst_amplitude") { pipeline(range: { preset: LAST_HOUR }) { steps { kind count } } } }',
    );
    expect(q.body.errors).toBeUndefined();
    const bad = await t.gql(
      token,
      'query MetricsBroken { destination(id: "dst_amplitude") { pipeline(range: { preset: LAST_HOUR, timeZone: "Mars/Base" }) { from } } }',
    );
    expect(bad.body.errors![0].extensions!.code).toBe('TIME_RANGE_INVALID');
    const after = await scrape();

    const delta = (sample: string, labels: Record<string, string> = {}) => sampleValue(after, sample, labels) - sampleValue(before, sample, labels);
    expect(delta(`${P}ingest_batches_total`, { outcome: 'accepted' })).toBe(1);
    expect(delta(`${P}ingest_reports_total`, { outcome: 'accepted' })).toBe(3);
    expect(delta(`${P}ingest_events_total`)).toBe(80);
    expect(delta(`${P}ingest_bytes_total`, { outcome: 'accepted' })).toBe(Buffer.byteLength(body));
    expect(delta(`${P}ingest_batches_total`, { outcome: 'rejected', reason: 'BAD_USER_INPUT' })).toBe(1);
    expect(delta(`${P}ingest_reports_total`, { outcome: 'rejected', reason: 'BAD_USER_INPUT' })).toBe(1);
    expect(delta(`${P}ingest_batches_total`, { outcome: 'rejected', reason: 'UNAUTHENTICATED' })).toBe(1);

    expect(delta(`${P}graphql_request_duration_seconds_count`, { operation: 'MetricsPipeline', type: 'query', outcome: 'ok' })).toBe(1);
    expect(delta(`${P}graphql_request_duration_seconds_count`, { operation: 'MetricsBroken', type: 'query', outcome: 'error' })).toBe(1);
    expect(delta(`${P}graphql_errors_total`, { code: 'TIME_RANGE_INVALID' })).toBe(1);
    expect(delta(`${P}graphql_resolver_duration_seconds_count`, { operation: 'MetricsPipeline', field: 'Query.destination' })).toBe(1);
    expect(delta(`${P}graphql_resolver_duration_seconds_count`, { operation: 'MetricsPipeline', field: 'Destination.pipeline' })).toBe(1);
    // Plain property fields are not timed.
    expect(after.get(`${P}graphql_resolver_duration_seconds`)!.samples.some((s) => s.labels.field === 'PipelineStep.count')).toBe(false);

    const chCount = (f: Map<string, Family>) =>
      f
        .get(`${P}clickhouse_query_duration_seconds`)!
        .samples.filter((s) => s.name.endsWith('_count') && s.labels.outcome === 'ok')
        .reduce((n, s) => n + s.value, 0);
    expect(chCount(after)).toBeGreaterThan(chCount(before));
    expect(delta(`${P}clickhouse_query_duration_seconds_count`, { family: 'ingest', outcome: 'ok' })).toBe(1);
  });

  it('counts ClickHouse failures by query family and error code', async () => {
    const before = await scrape();
    await expect(t.gateway.db.query({ family: 'metrics_probe', sql: 'SELECT * FROM no_such_table_here' })).rejects.toThrow();
    const after = await scrape();
    const errors = after.get(`${P}clickhouse_query_errors_total`)!.samples.filter((s) => s.labels.family === 'metrics_probe');
    expect(errors).toEqual([{ name: `${P}clickhouse_query_errors_total`, labels: { family: 'metrics_probe', code: '60' }, value: 1 }]);
    expect(
      sampleValue(after, `${P}clickhouse_query_duration_seconds_count`, { family: 'metrics_probe', outcome: 'error' }) -
        sampleValue(before, `${P}clickhouse_query_duration_seconds_count`, { family: 'metrics_probe', outcome: 'error' }),
    ).toBe(1);
  });

  it('reports open live subscriptions and counts hub polls', async () => {
    const c = createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    const values: unknown[] = [];
    const dispose = c.subscribe(
      { query: 'subscription { retryPendingChanged(destinationId: "dst_amplitude") { count } }' },
      { next: (v) => values.push(v), error: () => undefined, complete: () => undefined },
    );
    try {
      const end = Date.now() + 5000;
      while (values.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(values.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 250));
      const during = await scrape();
      expect(sampleValue(during, `${P}active_subscriptions`)).toBe(1);
      expect(sampleValue(during, `${P}hub_active_keys`)).toBe(1);
      expect(sampleValue(during, `${P}hub_polls_total`, { outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    } finally {
      dispose();
      await c.dispose();
    }
    const end = Date.now() + 3000;
    let after = await scrape();
    while (sampleValue(after, `${P}active_subscriptions`) !== 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      after = await scrape();
    }
    expect(sampleValue(after, `${P}active_subscriptions`)).toBe(0);
  });

  it('keeps one registry per gateway: two gateways in one process count separately', async () => {
    const other = await startTestGateway('metrics_other');
    try {
      const otherToken = await other.token('ws_metrics_other', ['ingest']);
      const before = sampleValue(await scrape(), `${P}ingest_batches_total`, { outcome: 'accepted' });
      expect((await other.ingest(otherToken, [report()])).status).toBe(200);
      expect(sampleValue(await scrape(other), `${P}ingest_batches_total`, { outcome: 'accepted' })).toBe(1);
      expect(sampleValue(await scrape(), `${P}ingest_batches_total`, { outcome: 'accepted' })).toBe(before);
    } finally {
      await other.close();
    }
  });

  it('exposes the alert counters for the alerting module to record into', async () => {
    t.gateway.metrics.alertEvaluations.inc({ outcome: 'firing' });
    t.gateway.metrics.alertNotifications.inc({ outcome: 'sent', channel: 'webhook' });
    const f = await scrape();
    expect(sampleValue(f, `${P}alert_evaluations_total`, { outcome: 'firing' })).toBe(1);
    expect(sampleValue(f, `${P}alert_notifications_total`, { outcome: 'sent', channel: 'webhook' })).toBe(1);
  });
});

describe('the Prometheus text parser used here', () => {
  it('refuses malformed expositions', () => {
    expect(() => parsePrometheusText('x 1\n')).toThrow(/without a # TYPE/);
    expect(() => parsePrometheusText('# TYPE x counter\nx{a="1} 1\n')).toThrow();
    expect(() => parsePrometheusText('# TYPE x counter\nx one\n')).toThrow(/bad sample value/);
    expect(() => parsePrometheusText('# TYPE x counter\nx 1\nx 2\n')).toThrow(/duplicate series/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n')).toThrow(/\+Inf/);
    expect(parsePrometheusText('# HELP x a "thing"\n# TYPE x gauge\nx{a="q\\"\\\\"} -1.5e3\n').get('x')!.samples[0]).toEqual({
      name: 'x',
      labels: { a: 'q"\\' },
      value: -1500,
    });
  });
});
