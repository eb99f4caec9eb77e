import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/** The per-workspace catalog snapshot (performance round 2, item 2): shared while warm, dropped when ingest names a new id. */
let t: TestGateway;
let token: string;
let gaugeToken: string;
beforeAll(async () => {
  t = await startTestGateway('catalog_cache', { RESULT_CACHE_ENTRIES: '0' });
  token = await t.token('ws_cc', ['read', 'ingest', 'admin']);
  expect((await t.ingest(token, [sourceReport({ sourceId: 'src_a' }), report({ sourceId: 'src_a', destinationId: 'dst_a' })])).status).toBe(200);
  gaugeToken = await t.token('ws_cc_gauge', ['read', 'ingest']);
  const gauge = { sourceId: 'src_a', destinationId: 'dst_gauge', destinationKind: 'actions', step: 'retry_enqueued', reason: '429' };
  const res = await t.ingest(gaugeToken, [
    report({ ...gauge, step: 'delivered', reason: undefined, mappingId: 'map_1', count: 4 }),
    report({ ...gauge, mappingId: 'map_1', count: 3 }),
    report({ ...gauge, mappingId: 'map_2', count: 2 }),
  ]);
  expect(res.status).toBe(200);
});
afterAll(async () => t.close());

const PAGE = '{ destination(id: "dst_a") { name sources { id } pipeline(range: { preset: LAST_24_HOURS }) { steps { count } } } }';
const LIST = '{ destinations { id name } }';

describe('catalog snapshot', () => {
  it('serves a warm destination page without a catalog statement', async () => {
    await t.gql(token, PAGE);
    const { families } = await t.countQueries(() => t.gql(token, PAGE));
    expect(families.filter((f) => f === 'catalog')).toEqual([]);
    expect(families).toContain('pipeline');
  });

  it('answers a warm 24-hour pipeline request, retry gauge included, with one engine statement', async () => {
    const q = '{ destination(id: "dst_a") { pipeline(range: { preset: LAST_24_HOURS }) { retryPending steps { kind count } } } }';
    await t.gql(token, q);
    const { result, families } = await t.countQueries(() => t.gql(token, q));
    expect(result.body.errors).toBeUndefined();
    expect(families.filter((f) => f !== 'auth')).toEqual(['pipeline']);
  });

  it("answers the pipeline and the destination's own retry gauge together with one engine statement, as the separate statements do", async () => {
    type Both = { destination: { retryPending?: number; pipeline?: { retryPending: number; steps: unknown[] } } };
    for (const [args, pending] of [
      ['', 5],
      ['(mappingId: "map_1")', 3],
    ] as const) {
      const pipeline = `pipeline(range: { preset: LAST_24_HOURS }${args && ', mappingId: "map_1"'}) { retryPending steps { kind count previousCount } }`;
      const q = `{ destination(id: "dst_gauge") { retryPending${args} ${pipeline} } }`;
      await t.gql(gaugeToken, q);
      const { result, families } = await t.countQueries(() => t.gql<Both>(gaugeToken, q));
      expect(result.body.errors).toBeUndefined();
      expect(families.filter((f) => f !== 'auth')).toEqual(['pipeline']);
      // Each field asked alone: the gauge alone is one gauge statement, no pipeline computed.
      const gauge = await t.countQueries(() => t.gql<Both>(gaugeToken, `{ destination(id: "dst_gauge") { retryPending${args} } }`));
      expect(gauge.families.filter((f) => f !== 'auth')).toEqual(['retry_pending']);
      const alone = await t.gql<Both>(gaugeToken, `{ destination(id: "dst_gauge") { ${pipeline} } }`);
      const d = result.body.data!.destination;
      expect(d.retryPending).toBe(pending);
      expect(d.retryPending).toBe(gauge.result.body.data!.destination.retryPending);
      expect(d.pipeline).toEqual(alone.body.data!.destination.pipeline);
      expect(d.pipeline!.retryPending).toBe(pending);
    }
  });

  it('sees a new destination, a new connection and a new name at once', async () => {
    await t.gql(token, LIST); // warm
    expect(
      (await t.ingest(token, [report({ sourceId: 'src_b', destinationId: 'dst_new' }), report({ sourceId: 'src_b', destinationId: 'dst_a' })])).status,
    ).toBe(200);
    const list = await t.gql<{ destinations: { id: string; name: string }[] }>(token, LIST);
    expect(list.body.data!.destinations.map((d) => d.id)).toEqual(['dst_a', 'dst_new']);
    const page = await t.gql<{ destination: { sources: { id: string }[] } }>(token, PAGE);
    expect(page.body.data!.destination.sources.map((s) => s.id)).toEqual(['src_a', 'src_b']);
    expect((await t.gql(token, 'mutation { setDisplayName(entity: DESTINATION, id: "dst_new", name: "New one") }')).body.errors).toBeUndefined();
    const renamed = await t.gql<{ destinations: { id: string; name: string }[] }>(token, LIST);
    expect(renamed.body.data!.destinations.find((d) => d.id === 'dst_new')!.name).toBe('New one');
  });
});
