import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/** The per-workspace catalog snapshot (performance round 2, item 2): shared while warm, dropped when ingest names a new id. */
let t: TestGateway;
let token: string;
beforeAll(async () => {
  t = await startTestGateway('catalog_cache');
  token = await t.token('ws_cc', ['read', 'ingest', 'admin']);
  expect((await t.ingest(token, [sourceReport({ sourceId: 'src_a' }), report({ sourceId: 'src_a', destinationId: 'dst_a' })])).status).toBe(200);
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

  it('sees a new destination, a new connection and a new name at once', async () => {
    await t.gql(token, LIST); // warm
    expect((await t.ingest(token, [report({ sourceId: 'src_b', destinationId: 'dst_new' }), report({ sourceId: 'src_b', destinationId: 'dst_a' })])).status).toBe(200);
    const list = await t.gql<{ destinations: { id: string; name: string }[] }>(token, LIST);
    expect(list.body.data!.destinations.map((d) => d.id)).toEqual(['dst_a', 'dst_new']);
    const page = await t.gql<{ destination: { sources: { id: string }[] } }>(token, PAGE);
    expect(page.body.data!.destination.sources.map((s) => s.id)).toEqual(['src_a', 'src_b']);
    expect((await t.gql(token, 'mutation { setDisplayName(entity: DESTINATION, id: "dst_new", name: "New one") }')).body.errors).toBeUndefined();
    const renamed = await t.gql<{ destinations: { id: string; name: string }[] }>(token, LIST);
    expect(renamed.body.data!.destinations.find((d) => d.id === 'dst_new')!.name).toBe('New one');
  });
});
