import os from 'node:os';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { parsePrometheusText, type Family } from '../helpers/prom-text';

/**
 * HTTP requests by route and status class (ingest 4xx and 5xx included), the route label a
 * closed set whatever path a client sends, and METRICS_PORT: /metrics only on its own port.
 */
const FAMILY = 'delivery_overview_http_request_duration_seconds';

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

/** `_count` of the family by `route status_class` (method summed). */
function counts(families: Map<string, Family>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of families.get(FAMILY)?.samples ?? []) {
    if (!s.name.endsWith('_count')) continue;
    const key = `${s.labels.route} ${s.labels.status_class}`;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

describe('HTTP request metrics', () => {
  let t: TestGateway;
  let token: string;
  beforeAll(async () => {
    t = await startTestGateway('http_metrics');
    token = await t.token('ws_http', ['read', 'ingest']);
  });
  afterAll(async () => t?.close());

  it('count every request by route and status class, ingest refusals included', async () => {
    const before = counts(await scrape(t.url));
    expect((await t.ingest(token, [report()])).status).toBe(200);
    expect((await t.ingest(token, '[{"nope": true}]')).status).toBe(400);
    expect((await t.ingest(token, '[]', { contentType: 'text/plain' })).status).toBe(415);
    expect((await t.ingest('dov_not_a_real_token_at_all_xxxxxxxxxx', [report()])).status).toBe(401);
    expect((await t.gql(token, '{ destinations { id } }')).status).toBe(200);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/docs/ingest.md`)).status).toBe(200);
    for (const path of ['/no/such/path-1', '/no/such/path-2', '/%2e%2e/etc/passwd']) expect((await fetch(`${t.url}${path}`)).status).toBe(404);
    const after = await scrape(t.url);
    const delta = Object.fromEntries(
      Object.entries(counts(after))
        .map(([k, v]) => [k, v - (before[k] ?? 0)])
        .filter(([, v]) => (v as number) > 0),
    );
    expect(delta).toMatchObject({ '/v1/ingest 2xx': 1, '/v1/ingest 4xx': 3, '/graphql 2xx': 1, '/healthz 2xx': 1, '/docs/{file} 2xx': 1, 'unmatched 4xx': 3 });
    // The scrape before counts itself.
    expect(delta['/metrics 2xx']).toBe(1);
  });

  it('labels routes from a closed set, never a raw path', async () => {
    for (let i = 0; i < 20; i++) await fetch(`${t.url}/random-${i}-${Math.random()}`);
    // The REST reads: a client-chosen endpoint name under the compat prefix folds into its template.
    for (let i = 0; i < 3; i++) await fetch(`${t.url}/compat/segment/delivery-overview/made-up-${i}`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${t.url}/v1/export/undelivered?destinationId=nope`, { headers: { authorization: `Bearer ${token}` } });
    const routes = new Set((await scrape(t.url)).get(FAMILY)!.samples.map((s) => s.labels.route));
    expect(routes).toContain('/compat/segment/{endpoint}');
    expect(routes).toContain('/v1/export/undelivered');
    const closed = [
      '/graphql',
      '/v1/ingest',
      '/v1/export/undelivered',
      '/compat/segment/{endpoint}',
      '/metrics',
      '/healthz',
      '/readyz',
      '/openapi.json',
      '/docs/{file}',
      '/ide/assets/{name}',
      'page',
      'unmatched',
    ];
    expect([...routes].filter((r) => !closed.includes(r))).toEqual([]);
    const methods = new Set((await scrape(t.url)).get(FAMILY)!.samples.map((s) => s.labels.method));
    expect([...methods].every((m) => ['GET', 'HEAD', 'POST', 'OPTIONS', 'other'].includes(m))).toBe(true);
  });
});

describe('METRICS_PORT', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('metrics_port', { METRICS_PORT: '0' });
  });
  afterAll(async () => t?.close());

  it('serves /metrics on its own port and no longer on PORT', async () => {
    expect(t.gateway.metricsUrl).not.toBe(t.url);
    const families = await scrape(t.gateway.metricsUrl);
    expect(families.has(FAMILY)).toBe(true);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('serves nothing else on the metrics port', async () => {
    for (const path of ['/healthz', '/graphql', '/v1/ingest', '/']) expect((await fetch(`${t.gateway.metricsUrl}${path}`)).status).toBe(404);
  });

  // Issue 23 item 8: /metrics needs no token; with HOST=0.0.0.0 its port stayed open on every interface.
  it('listens on loopback only by default, even when HOST is every interface', async () => {
    const open = await startTestGateway('metrics_port_host', { HOST: '0.0.0.0', METRICS_PORT: '0' });
    try {
      expect(new URL(open.gateway.metricsUrl).hostname).toBe('127.0.0.1');
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal);
      if (external) {
        // The API answers on the machine's other address; the metrics port does not.
        expect((await fetch(`http://${external.address}:${new URL(open.url).port}/healthz`)).status).toBe(200);
        await expect(fetch(`http://${external.address}:${new URL(open.gateway.metricsUrl).port}/metrics`)).rejects.toThrow();
      }
    } finally {
      await open.close();
    }
  });

  it('refuses METRICS_PORT equal to PORT', async () => {
    await expect(startTestGateway('metrics_port_same', { PORT: '4555', METRICS_PORT: '4555' })).rejects.toThrow(/METRICS_PORT must differ from PORT/);
  });
});
