import { DeliveryOverviewApi } from '@segment/public-api-sdk-typescript';
import { mulberry32 } from '../helpers/seeded';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The per-source view (issue 16 item 2): `source(id)`, a source's own steps and its connected
 * destinations narrowed to it, batched into one pipeline statement for any list; conserved
 * against the destination pipelines and equal to the compat endpoints, on the real engine.
 */
let t: TestGateway;
let token: string;
let api: DeliveryOverviewApi;
const batches: [string, string[]][] = [];
const MINUTE = 60_000;
const now = Date.now();
const startTime = new Date(Math.floor((now - 180 * MINUTE) / MINUTE) * MINUTE).toISOString();
const endTime = new Date(Math.floor(now / MINUTE) * MINUTE + MINUTE).toISOString();
const RANGE = { from: startTime, to: endTime, lookback: false };

/** Who feeds whom: src_0 → dst_a, dst_b; src_1 → dst_b, dst_c (actions), dst_wh (storage); src_2 → dst_c; src_3 → none. */
const FEEDS: Record<string, { id: string; kind: string }[]> = {
  src_0: [
    { id: 'dst_a', kind: 'classic' },
    { id: 'dst_b', kind: 'classic' },
  ],
  src_1: [
    { id: 'dst_b', kind: 'classic' },
    { id: 'dst_c', kind: 'actions' },
    { id: 'dst_wh', kind: 'storage' },
  ],
  src_2: [{ id: 'dst_c', kind: 'actions' }],
  src_3: [],
};

/** A seeded random dataset over the last three hours (and the three before, for changes). */
function dataset(seed: number): Record<string, unknown>[] {
  const rnd = mulberry32(seed);
  const n = (max: number) => 1 + Math.floor(rnd() * max);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 24; i++) {
    const ago = 3 + i * 15;
    for (const [sourceId, dests] of Object.entries(FEEDS)) {
      const received = 20 + n(40);
      out.push(sourceReport({ sourceId, count: received }, ago));
      out.push(sourceReport({ sourceId, step: 'failed_ingest', reason: 'id_required', count: n(3) }, ago));
      if (rnd() < 0.7) out.push(sourceReport({ sourceId, step: 'filtered_source', reason: 'tracking_plan', count: n(4) }, ago));
      for (const d of dests) {
        const base = {
          sourceId,
          destinationId: d.id,
          destinationKind: d.kind,
          ...(d.kind === 'actions' ? { mappingId: rnd() < 0.5 ? 'map_x' : 'map_y' } : {}),
        };
        if (d.kind !== 'storage') out.push(report({ ...base, step: 'failed_delivery', reason: '429', count: n(5) }, ago));
        out.push(report({ ...base, step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: n(3) }, ago));
        out.push(report({ ...base, step: 'delivered', count: received - 12 }, ago));
      }
    }
  }
  // A Reverse ETL destination and its model source: no streamed steps, its entry step is destination-side.
  const retl = {
    sourceId: 'src_models',
    destinationId: 'dst_retl',
    destinationKind: 'retl',
    syncId: 'run_1',
    operation: 'added',
    eventType: undefined,
    eventName: undefined,
    appVersion: undefined,
  };
  out.push(report({ ...retl, step: 'extracted', count: 50 }, 30));
  out.push(report({ ...retl, step: 'delivered', mappingId: 'map_r', count: 47 }, 29));
  return out;
}

type Step = { kind: string; label: string; count: number; previousCount: number | null; share: number | null; change: { count: number | null } };
type Row = { destination: { id: string; kind: string }; pipeline: { steps: Step[]; retryPending: number | null } };
type SourceValue = { id: string; pipeline: { steps: Step[]; retryPending: number | null }; destinations: Row[] };
const STEPS = 'steps { kind label count previousCount share change { count } } retryPending';
const SOURCE_FIELDS = `id pipeline(range: $range) { ${STEPS} } destinations { destination { id kind } pipeline(range: $range) { ${STEPS} } }`;
const count = (steps: Step[], kind: string) => steps.find((s) => s.kind === kind)?.count;

beforeAll(async () => {
  t = await startTestGateway('sources', {}, { recordBatch: (loader, keys) => batches.push([loader, keys]) });
  token = await t.token('ws_src', ['read', 'ingest']);
  const rows = dataset(16);
  for (let i = 0; i < rows.length; i += 2000) {
    const res = await t.ingest(token, rows.slice(i, i + 2000));
    expect([res.status, res.status === 200 ? null : JSON.stringify(res.body).slice(0, 600)]).toEqual([200, null]);
  }
  api = new DeliveryOverviewApi(`${t.url}/compat/segment`);
  api.accessToken = token;
});
afterAll(async () => t.close());

describe('source(id)', () => {
  it('is null with NOT_FOUND and close ids for an unknown id', async () => {
    const res = await t.gql<{ source: unknown }>(token, '{ source(id: "src_O") { id } }');
    expect(res.body.data!.source).toBeNull();
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(res.body.errors![0].extensions!.suggestions).toContain('src_0');
  });

  it("gives the source-side steps with shares of received, and each connected destination's steps narrowed to it", async () => {
    const res = await t.gql<{ source: SourceValue }>(token, `query($range: TimeRangeInput!) { source(id: "src_1") { ${SOURCE_FIELDS} } }`, { range: RANGE });
    expect(res.body.errors).toBeUndefined();
    const s = res.body.data!.source;
    expect(s.pipeline.steps.map((x) => x.label)).toEqual(['Successfully received', 'Failed on ingest', 'Filtered at source']);
    expect(s.pipeline.retryPending).toBeNull();
    const received = count(s.pipeline.steps, 'SUCCESSFULLY_RECEIVED')!;
    expect(received).toBeGreaterThan(0);
    expect(s.pipeline.steps[1].share).toBeCloseTo((100 * s.pipeline.steps[1].count) / received, 6);
    expect(s.destinations.map((d) => d.destination.id)).toEqual(['dst_b', 'dst_c', 'dst_wh']);
    // No gauge and no sync boxes: they are not kept per source.
    expect(s.destinations[0].pipeline.steps.map((x) => x.kind)).toEqual([
      'SUCCESSFULLY_RECEIVED',
      'FAILED_ON_INGEST',
      'FILTERED_AT_SOURCE',
      'FILTERED_AT_DESTINATION',
      'FAILED_DELIVERY',
      'SUCCESSFUL_DELIVERY',
    ]);
    expect(s.destinations[2].pipeline.steps.map((x) => x.kind)).toEqual([
      'SUCCESSFULLY_RECEIVED',
      'FAILED_ON_INGEST',
      'FILTERED_AT_SOURCE',
      'FILTERED_AT_DESTINATION',
      'EVENTS_TO_WAREHOUSE_ROWS',
    ]);
    for (const d of s.destinations) expect(count(d.pipeline.steps, 'SUCCESSFULLY_RECEIVED')).toBe(received);
  });

  it('lists a Reverse ETL destination under its model source, with its own first box as the share base', async () => {
    const res = await t.gql<{ source: SourceValue }>(token, `query($range: TimeRangeInput!) { source(id: "src_models") { ${SOURCE_FIELDS} } }`, {
      range: RANGE,
    });
    const s = res.body.data!.source;
    expect(s.pipeline.steps.every((x) => x.count === 0)).toBe(true);
    expect(s.destinations).toHaveLength(1);
    const steps = s.destinations[0].pipeline.steps;
    expect(steps.map((x) => x.kind)).toEqual(['RECORDS_EXTRACTED', 'FAILED_TO_EXTRACT', 'FILTERED_AT_MAPPING', 'FAILED_DELIVERY', 'SUCCESSFUL_DELIVERY']);
    expect(count(steps, 'SUCCESSFUL_DELIVERY')).toBe(47);
    expect(steps.find((x) => x.kind === 'SUCCESSFUL_DELIVERY')!.share).toBeCloseTo(94, 6);
  });
});

describe('sources × destinations batched', () => {
  it('answers every source and connected destination in one pipeline statement, as each source alone does', async () => {
    batches.length = 0;
    const { result, families } = await t.countQueries(() =>
      t.gql<{ sources: SourceValue[] }>(token, `query($range: TimeRangeInput!) { sources { ${SOURCE_FIELDS} } }`, { range: RANGE }),
    );
    expect(result.body.errors).toBeUndefined();
    const sources = result.body.data!.sources;
    expect(sources.map((s) => s.id).sort()).toEqual(['src_0', 'src_1', 'src_2', 'src_3', 'src_models']);
    // The catalogue snapshot is warm from ingest's lookups or read once; the counts are one statement.
    expect(families.filter((f) => f !== 'auth' && f !== 'catalog')).toEqual(['pipeline']);
    const keys = batches.filter(([name]) => name === 'sourcePipelineCounts');
    expect(keys).toHaveLength(1);
    expect(keys[0][1]).toHaveLength(5 + 2 + 3 + 1 + 0 + 1);
    for (const s of sources) {
      const alone = await t.gql<{ source: SourceValue }>(token, `query($range: TimeRangeInput!) { source(id: "${s.id}") { ${SOURCE_FIELDS} } }`, {
        range: RANGE,
      });
      expect(alone.body.data!.source).toEqual(s);
    }
  });
});

describe('conservation against the destination pipelines and the compat endpoints', () => {
  const DEST = `query($id: ID!, $range: TimeRangeInput!) { destination(id: $id) { pipeline(range: $range) { steps { kind count } } sources { id } } }`;

  it('sums the narrowed destination-side steps over sources to the destination pipeline, and the sources received to its received', async () => {
    const all = (await t.gql<{ sources: SourceValue[] }>(token, `query($range: TimeRangeInput!) { sources { ${SOURCE_FIELDS} } }`, { range: RANGE })).body.data!
      .sources;
    const byId = new Map(all.map((s) => [s.id, s]));
    for (const dest of ['dst_a', 'dst_b', 'dst_c', 'dst_wh', 'dst_retl']) {
      const d = (await t.gql<{ destination: { pipeline: { steps: Step[] }; sources: { id: string }[] } }>(token, DEST, { id: dest, range: RANGE })).body.data!
        .destination;
      const rows = all.flatMap((s) => s.destinations.filter((r) => r.destination.id === dest));
      expect(rows.length).toBe(d.sources.length);
      for (const step of rows[0].pipeline.steps) {
        const summed = rows.reduce((sum, r) => sum + count(r.pipeline.steps, step.kind)!, 0);
        expect([dest, step.kind, summed]).toEqual([dest, step.kind, count(d.pipeline.steps, step.kind)]);
      }
      // The destination's Successfully received is its sources' received, each counted once.
      const received = d.sources.reduce((sum, s) => sum + count(byId.get(s.id)!.pipeline.steps, 'SUCCESSFULLY_RECEIVED')!, 0);
      expect(count(d.pipeline.steps, 'SUCCESSFULLY_RECEIVED') ?? 0).toBe(dest === 'dst_retl' ? 0 : received);
    }
  });

  it('equals the compat endpoints for the same range', async () => {
    const s = (await t.gql<{ source: SourceValue }>(token, `query($range: TimeRangeInput!) { source(id: "src_1") { ${SOURCE_FIELDS} } }`, { range: RANGE }))
      .body.data!.source;
    const p = { count: 1000 };
    const total = async (call: Promise<{ body: { data?: { total?: number } } }>) => (await call).body.data!.total;
    expect(await total(api.getIngressSuccessMetricsFromDeliveryOverview('src_1', startTime, endTime, 'hour', p))).toBe(
      count(s.pipeline.steps, 'SUCCESSFULLY_RECEIVED'),
    );
    expect(await total(api.getIngressFailedMetricsFromDeliveryOverview('src_1', startTime, endTime, 'hour', p))).toBe(
      count(s.pipeline.steps, 'FAILED_ON_INGEST'),
    );
    expect(await total(api.getFilteredAtSourceMetricsFromDeliveryOverview('src_1', startTime, endTime, 'hour', p))).toBe(
      count(s.pipeline.steps, 'FILTERED_AT_SOURCE'),
    );
    for (const row of s.destinations) {
      const id = row.destination.id;
      expect(await total(api.getFilteredAtDestinationMetricsFromDeliveryOverview('src_1', id, startTime, endTime, 'hour', p))).toBe(
        count(row.pipeline.steps, 'FILTERED_AT_DESTINATION'),
      );
      const delivered = count(row.pipeline.steps, 'SUCCESSFUL_DELIVERY') ?? count(row.pipeline.steps, 'EVENTS_TO_WAREHOUSE_ROWS');
      expect(await total(api.getEgressSuccessMetricsFromDeliveryOverview('src_1', id, startTime, endTime, 'hour', p))).toBe(delivered);
      if (row.destination.kind !== 'STORAGE') {
        expect(await total(api.getEgressFailedMetricsFromDeliveryOverview('src_1', id, startTime, endTime, 'hour', p))).toBe(
          count(row.pipeline.steps, 'FAILED_DELIVERY'),
        );
      }
    }
  });
});
