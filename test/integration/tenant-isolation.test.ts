import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Canary rows in three workspaces that share destination, source and mapping ids; then
 * ≥ 1,000 seeded random probes (HTTP, graphql-ws, and many aliased fields per request so
 * per-request loaders batch ids of every kind together, with tenants firing concurrently).
 * No response of one tenant may contain another tenant's canary.
 */
const WORKSPACES = ['iso_a', 'iso_b', 'iso_c'] as const;
type Ws = (typeof WORKSPACES)[number];
const canary = (ws: Ws) => `canary-${ws}-7f3e`;
const COUNTS: Record<Ws, number> = { iso_a: 1_000_003, iso_b: 2_000_017, iso_c: 3_000_029 };
const SHARED_IDS = ['dst_shared', 'dst_actions_shared', 'dst_wh_shared'];

let t: TestGateway;
const tokens = {} as Record<Ws, string>;
let seed = 20261125;
const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

beforeAll(async () => {
  t = await startTestGateway('isolation', { QUERY_MAX_ALIASES: '100', QUERY_MAX_COST: '1000000' });
  for (const ws of WORKSPACES) {
    tokens[ws] = await t.token(ws, ['read', 'ingest']);
    const c = COUNTS[ws];
    const mark = canary(ws);
    const own = { eventName: mark, appVersion: mark, eventType: 'track' };
    const res = await t.ingest(tokens[ws], [
      sourceReport({ sourceId: 'src_shared', count: c, ...own }, 30),
      sourceReport({ sourceId: `src_only_${ws}`, count: c, ...own }, 30),
      report({ sourceId: 'src_shared', destinationId: 'dst_shared', step: 'delivered', count: c, ...own }, 30),
      report(
        {
          sourceId: 'src_shared',
          destinationId: 'dst_shared',
          step: 'failed_delivery',
          reason: mark,
          count: c,
          messageId: mark,
          sample: { payload: { secret: mark }, error: mark },
          ...own,
        },
        30,
      ),
      report({ sourceId: 'src_shared', destinationId: 'dst_shared', step: 'retry_enqueued', reason: '429', count: c }, 30),
      report(
        {
          sourceId: 'src_shared',
          destinationId: 'dst_actions_shared',
          destinationKind: 'actions',
          mappingId: 'map_shared',
          step: 'delivered',
          count: c,
          ...own,
        },
        30,
      ),
      report({ sourceId: `src_only_${ws}`, destinationId: `dst_only_${ws}`, step: 'delivered', count: c, ...own }, 30),
      report({ sourceId: 'src_shared', destinationId: 'dst_wh_shared', destinationKind: 'storage', step: 'delivered', count: c, ...own }, 30),
      {
        type: 'sync',
        destinationId: 'dst_wh_shared',
        syncId: mark,
        startedAt: new Date(Date.now() - 1_800_000).toISOString(),
        finishedAt: new Date(Date.now() - 1_700_000).toISOString(),
        status: 'partial',
        reason: mark,
        collections: [{ name: mark, rowsSynced: c, rowsFailed: 1, reason: mark }],
      },
    ]);
    expect(res.status).toBe(200);
  }
});
afterAll(async () => t.close());

const R = '{ preset: LAST_HOUR }';
/** Field selections a probe can ask for, each possibly touching another tenant's ids. */
function randomField(i: number): string {
  const id = pick([...SHARED_IDS, ...WORKSPACES.map((w) => `dst_only_${w}`)]);
  const alias = `f${i}`;
  switch (Math.floor(rnd() * 10)) {
    case 0:
      return `${alias}: destinations { id name sources { id name } mappings { id } }`;
    case 1:
      return `${alias}: sources { id name }`;
    case 2:
      return `${alias}: destination(id: "${id}") { id pipeline(range: ${R}) { retryPending steps { kind count } } }`;
    case 3:
      return `${alias}: destination(id: "dst_shared") { breakdown(step: SUCCESSFUL_DELIVERY, range: ${R}) { eventName appVersion count } }`;
    case 4:
      return `${alias}: destination(id: "dst_shared") { discards(step: FAILED_DELIVERY, range: ${R}) { count reason { code } samples { messageId payload error } } }`;
    case 5:
      return `${alias}: trace(messageId: "${canary(pick(WORKSPACES))}") { step destinationId reason count }`;
    case 6:
      return `${alias}: destination(id: "dst_shared") { timeseries(step: SUCCESSFULLY_RECEIVED, range: ${R}, granularity: MINUTE, groupBy: [EVENT_NAME]) { eventName total } }`;
    case 7:
      return `${alias}: destination(id: "dst_wh_shared") { syncs(range: ${R}) { id reason collections { name reason rowsSynced } } }`;
    case 8:
      return `${alias}: destination(id: "dst_actions_shared") { pipeline(range: ${R}, mappingId: "map_shared") { steps { kind count } } retryPending }`;
    default:
      return `${alias}: destination(id: "${id}") { insights(range: ${R}) { step reason { code } count contributors { value } } }`;
  }
}

const foreignMarkers = (ws: Ws) => WORKSPACES.filter((w) => w !== ws).flatMap((w) => [canary(w), String(COUNTS[w]), `dst_only_${w}`, `src_only_${w}`]);

function assertIsolated(ws: Ws, body: unknown): void {
  const text = JSON.stringify(body);
  for (const marker of foreignMarkers(ws)) {
    if (text.includes(marker)) throw new Error(`tenant ${ws} saw ${marker}: ${text.slice(0, 500)}`);
  }
  expect(text).not.toMatch(/INTERNAL_SERVER_ERROR/);
}

describe('tenant isolation under randomized probes', () => {
  it('answers ≥ 1,000 probes over HTTP and graphql-ws with only the caller workspace data', async () => {
    let probes = 0;
    let sawOwn = 0;
    // HTTP: rounds of concurrent requests from every tenant, each with several aliased fields.
    for (let round = 0; round < 42; round++) {
      await Promise.all(
        WORKSPACES.flatMap((ws) =>
          Array.from({ length: 2 }, async () => {
            const fields = Array.from({ length: 4 }, (_, i) => randomField(i));
            const res = await t.gql(tokens[ws], `{ ${fields.join('\n')} }`);
            expect(res.status).toBe(200);
            assertIsolated(ws, res.body);
            if (JSON.stringify(res.body).includes(canary(ws)) || JSON.stringify(res.body).includes(String(COUNTS[ws]))) sawOwn++;
            probes += fields.length;
          }),
        ),
      );
    }
    // graphql-ws: queries and live subscriptions on shared keys from every tenant.
    const clients = Object.fromEntries(
      WORKSPACES.map((ws) => [
        ws,
        createClient({
          url: t.gateway.wsUrl,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${tokens[ws]}` },
          retryAttempts: 0,
          lazy: true,
        }),
      ]),
    ) as Record<Ws, Client>;
    const once = (ws: Ws, query: string) =>
      new Promise<unknown>((resolve, reject) => {
        const dispose = clients[ws].subscribe({ query }, { next: (v) => (resolve(v), dispose()), error: reject, complete: () => undefined });
      });
    for (let round = 0; round < 30; round++) {
      await Promise.all(
        WORKSPACES.map(async (ws) => {
          const query =
            rnd() < 0.5
              ? `subscription { retryPendingChanged(destinationId: "dst_shared") { count } }`
              : `{ ${Array.from({ length: 3 }, (_, i) => randomField(i)).join('\n')} }`;
          const value = await once(ws, query);
          assertIsolated(ws, value);
          if (query.startsWith('subscription')) expect(JSON.stringify(value)).toContain(String(COUNTS[ws]));
          probes += query.startsWith('subscription') ? 1 : 3;
        }),
      );
    }
    await Promise.all(WORKSPACES.map((ws) => clients[ws].dispose()));
    expect(probes).toBeGreaterThanOrEqual(1000);
    expect(sawOwn).toBeGreaterThan(100); // the probes do reach real data, so "no leak" means something
  }, 120_000);
});
