import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let token: string;
const batches: [string, string[]][] = [];

beforeAll(async () => {
  t = await startTestGateway('analysis', {}, { recordBatch: (loader, keys) => batches.push([loader, keys]) });
  token = await t.token('ws_an', ['read', 'ingest']);
  const reports: Record<string, unknown>[] = [];
  for (let d = 0; d < 20; d++) {
    reports.push(report({ sourceId: `src_${d % 3}`, destinationId: `dst_${String(d).padStart(2, '0')}`, step: 'delivered', count: d + 1 }, 20));
  }
  for (let s = 0; s < 3; s++) reports.push(sourceReport({ sourceId: `src_${s}`, count: 1000 }, 20));
  // Timeseries material: received on src_0 at 70 and 20 minutes ago, split by app version.
  reports.push(sourceReport({ sourceId: 'src_0', count: 5, appVersion: '9.9.9' }, 70));
  // Insights material for dst_00: failed_delivery 429 jumps with app version 3.0.0.
  reports.push(report({ sourceId: 'src_0', destinationId: 'dst_00', step: 'failed_delivery', reason: '429', count: 2 }, 90));
  reports.push(report({ sourceId: 'src_0', destinationId: 'dst_00', step: 'failed_delivery', reason: '429', count: 300, appVersion: '3.0.0' }, 20));
  // Syncs for a storage destination.
  const iso = (minAgo: number) => new Date(Date.now() - minAgo * 60_000).toISOString();
  reports.push({
    type: 'sync',
    destinationId: 'dst_wh',
    syncId: 's1',
    startedAt: iso(50),
    finishedAt: iso(48),
    status: 'success',
    collections: [{ name: 'tracks', rowsSynced: 100, rowsFailed: 0 }],
  });
  reports.push({
    type: 'sync',
    destinationId: 'dst_wh',
    syncId: 's2',
    startedAt: iso(30),
    finishedAt: iso(28),
    status: 'partial',
    reason: 'one table failed',
    collections: [
      { name: 'tracks', rowsSynced: 90, rowsFailed: 0 },
      { name: 'pages', rowsSynced: 5, rowsFailed: 7, reason: 'type mismatch' },
    ],
  });
  reports.push({
    type: 'sync',
    destinationId: 'dst_wh',
    syncId: 's3',
    startedAt: iso(20),
    finishedAt: iso(19),
    status: 'failed',
    reason: 'credentials expired',
    collections: [],
  });
  reports.push(report({ sourceId: 'src_1', destinationId: 'dst_wh', destinationKind: 'storage', step: 'delivered', count: 40 }, 20));
  const res = await t.ingest(token, reports);
  expect(res.status).toBe(200);
});
afterAll(async () => t.close());

describe('per-destination fields batched across the list (security review, item 5)', () => {
  type One = { id: string; ts: unknown; rx: unknown; bd: unknown; bdSrc: unknown };
  const FIELDS = `ts: timeseries(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_24_HOURS }, granularity: HOUR) { total points { count } }
    rx: timeseries(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_24_HOURS }, granularity: HOUR, groupBy: [APP_VERSION]) { appVersion total }
    bd: breakdown(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_24_HOURS }, first: 5) { eventName appVersion count previousCount }
    bdSrc: breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_24_HOURS }, first: 2, groupBy: [APP_VERSION]) { appVersion count }`;

  it('answers every destination as a query for that destination alone does, one statement per field', async () => {
    // A workspace of its own: 8 classic destinations fed by 3 sources, several names and versions.
    const own = await t.token('ws_an_batch', ['read', 'ingest']);
    const reports: Record<string, unknown>[] = [];
    for (let d = 0; d < 8; d++) {
      for (let v = 0; v < 4; v++) {
        reports.push(
          report(
            {
              sourceId: `src_b${d % 3}`,
              destinationId: `dst_b${d}`,
              step: 'delivered',
              count: (d + 1) * (v + 2),
              eventName: `Event ${v % 3}`,
              appVersion: `1.${v}`,
            },
            30 + v * 60,
          ),
        );
      }
    }
    for (let s = 0; s < 3; s++)
      for (let v = 0; v < 3; v++) reports.push(sourceReport({ sourceId: `src_b${s}`, count: 10 * (s + 1) + v, appVersion: `1.${v}` }, 40 + v * 90));
    expect((await t.ingest(own, reports)).status).toBe(200);
    batches.length = 0;
    const { result: all, families } = await t.countQueries(() => t.gql<{ destinations: One[] }>(own, `{ destinations { id ${FIELDS} } }`));
    expect(all.body.errors).toBeUndefined();
    expect(all.body.data!.destinations).toHaveLength(8);
    // Two timeseries and two breakdowns (each grouping differs), whatever the number of destinations.
    expect(families.filter((f) => f === 'timeseries' || f === 'breakdown').sort()).toEqual(['breakdown', 'breakdown', 'timeseries', 'timeseries']);
    expect(batches.filter(([name]) => name === 'timeseries').map(([, keys]) => keys.length)).toEqual([8, 8]);
    for (const d of all.body.data!.destinations) {
      const alone = await t.gql<{ destination: One }>(own, `{ destination(id: "${d.id}") { id ${FIELDS} } }`);
      expect(alone.body.data!.destination).toEqual(d);
    }
  });
  it("gives every destination's intake (its kind's first box over time) in one statement, equal to its received series", async () => {
    const own = await t.token('ws_an_batch', ['read']);
    batches.length = 0;
    type Intake = { id: string; intake: { total: number; points: { count: number }[] }; rx: { total: number; points: { count: number }[] }[] };
    const { result, families } = await t.countQueries(() =>
      t.gql<{ destinations: Intake[] }>(own, `{ destinations { id intake(range: { preset: LAST_24_HOURS }, granularity: HOUR) { total points { count } } } }`),
    );
    expect(result.body.errors).toBeUndefined();
    expect(families.filter((f) => f === 'timeseries')).toEqual(['timeseries']);
    expect(batches.filter(([name]) => name === 'timeseries').map(([, keys]) => keys.length)).toEqual([8]);
    const d = result.body.data!.destinations.find((x) => x.id === 'dst_b4')!;
    const alone = await t.gql<{ destination: Intake }>(
      own,
      `{ destination(id: "dst_b4") { rx: timeseries(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_24_HOURS }, granularity: HOUR) { total points { count } } } }`,
    );
    expect(d.intake.total).toBeGreaterThan(0);
    expect(d.intake).toEqual(alone.body.data!.destination.rx[0]);
  });
});

describe('workspace overview in one round trip', () => {
  it('batches 20 destinations into a constant number of ClickHouse queries', async () => {
    batches.length = 0;
    const { result, families } = await t.countQueries(() =>
      t.gql<{
        destinations: { id: string; retryPending: number | null; pipeline: { retryPending: number | null; steps: { kind: string; count: number }[] } }[];
      }>(
        token,
        // As the overview page asks: each destination's own gauge field beside its pipeline.
        '{ destinations { id kind retryPending pipeline(range: { preset: LAST_HOUR }) { retryPending steps { kind count } } } }',
      ),
    );
    expect(result.body.errors).toBeUndefined();
    const dests = result.body.data!.destinations;
    expect(dests).toHaveLength(21);
    const d05 = dests.find((d) => d.id === 'dst_05')!;
    expect(d05.pipeline.steps.find((s) => s.kind === 'SUCCESSFUL_DELIVERY')!.count).toBe(6);
    expect(d05.pipeline.steps.find((s) => s.kind === 'SUCCESSFULLY_RECEIVED')!.count).toBe(1000); // src_2 only
    // One query per concern, not per destination (auth is cached after the first request; the
    // catalog is one snapshot, shared by the list, the connections and the pricing of the list).
    // The retry gauge rides in the pipeline statement, the destinations' own gauge fields too.
    expect(families.filter((f) => f !== 'auth' && f !== 'catalog').sort()).toEqual(['pipeline', 'sync_counts']);
    expect(batches.filter(([name]) => name === 'retryPending')).toEqual([]);
    for (const d of dests) expect(d.retryPending).toBe(d.pipeline.retryPending);
    expect(families.filter((f) => f === 'catalog').length).toBeLessThanOrEqual(1);
    const pipelineBatches = batches.filter(([name]) => name === 'pipelineCounts');
    expect(pipelineBatches).toHaveLength(1);
    expect(pipelineBatches[0][1]).toHaveLength(21);
    expect(batches.filter(([name]) => name === 'sourcesByDestination')).toHaveLength(1);
  });

  it('keeps keys with different ranges in separate batches, in key order', async () => {
    batches.length = 0;
    const res = await t.gql(
      token,
      `{
      a: destination(id: "dst_01") { pipeline(range: { preset: LAST_HOUR }) { retryPending } }
      b: destination(id: "dst_02") { pipeline(range: { preset: LAST_HOUR }) { retryPending } }
      c: destination(id: "dst_03") { pipeline(range: { preset: LAST_24_HOURS }) { retryPending } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(batches.filter(([n]) => n === 'destination')).toEqual([['destination', ['dst_01', 'dst_02', 'dst_03']]]);
    expect(batches.filter(([n]) => n === 'pipelineCounts')).toEqual([
      ['pipelineCounts', ['dst_01', 'dst_02']],
      ['pipelineCounts', ['dst_03']],
    ]);
  });
});

describe('syncs', () => {
  it('lists syncs with per-collection rows and totals; the pipeline counts failed and successful syncs', async () => {
    const res = await t.gql<{
      destination: {
        kind: string;
        syncs: {
          id: string;
          status: string;
          rowsSynced: number;
          rowsFailed: number;
          failedCollections: number;
          collections: { name: string; reason: string | null }[];
        }[];
        pipeline: { retryPending: number | null; steps: { kind: string; count: number; share: number | null }[] };
      };
    }>(
      token,
      `{ destination(id: "dst_wh") { kind
         syncs(range: { preset: LAST_HOUR }) { id status rowsSynced rowsFailed failedCollections collections { name reason } }
         pipeline(range: { preset: LAST_HOUR }) { retryPending steps { kind count share } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const d = res.body.data!.destination;
    expect(d.kind).toBe('STORAGE');
    expect(d.syncs.map((s) => [s.id, s.status, s.rowsSynced, s.rowsFailed, s.failedCollections])).toEqual([
      ['s3', 'FAILED', 0, 0, 0],
      ['s2', 'PARTIAL', 95, 7, 1],
      ['s1', 'SUCCESS', 100, 0, 0],
    ]);
    expect(d.pipeline.retryPending).toBeNull();
    const steps = Object.fromEntries(d.pipeline.steps.map((s) => [s.kind, s]));
    expect(Object.keys(steps)).toEqual([
      'SUCCESSFULLY_RECEIVED',
      'FAILED_ON_INGEST',
      'FILTERED_AT_SOURCE',
      'FILTERED_AT_DESTINATION',
      'EVENTS_TO_WAREHOUSE_ROWS',
      'FAILED_TO_SYNC',
      'SUCCESSFULLY_SYNCED',
    ]);
    expect(steps.EVENTS_TO_WAREHOUSE_ROWS.count).toBe(40);
    expect(steps.FAILED_TO_SYNC).toEqual({ kind: 'FAILED_TO_SYNC', count: 2, share: null });
    expect(steps.SUCCESSFULLY_SYNCED).toEqual({ kind: 'SUCCESSFULLY_SYNCED', count: 2, share: null });
    const failedOnly = await t.gql<{ destination: { syncs: { id: string }[] } }>(
      token,
      '{ destination(id: "dst_wh") { syncs(range: { preset: LAST_HOUR }, status: FAILED) { id } } }',
    );
    expect(failedOnly.body.data!.destination.syncs).toEqual([{ id: 's3' }]);
  });

  it('is an error on a non-storage destination', async () => {
    const res = await t.gql(token, '{ destination(id: "dst_01") { syncs(range: { preset: LAST_HOUR }) { id } } }');
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('timeseries', () => {
  const TS = `query($g: Granularity!, $range: TimeRangeInput!, $groupBy: [Dimension!]) { destination(id: "dst_00") {
    timeseries(step: SUCCESSFULLY_RECEIVED, range: $range, granularity: $g, groupBy: $groupBy) { appVersion total points { at count } } } }`;
  type TsResult = { destination: { timeseries: { appVersion: string | null; total: number; points: { at: string; count: number }[] }[] } };

  it('fills every minute with zeros and sums to the pipeline count', async () => {
    const res = await t.gql<TsResult>(token, TS, { g: 'MINUTE', range: { preset: 'LAST_HOUR' } });
    expect(res.body.errors).toBeUndefined();
    const [series] = res.body.data!.destination.timeseries;
    expect(series.points).toHaveLength(60);
    expect(series.total).toBe(1000);
    expect(series.points.reduce((s, p) => s + p.count, 0)).toBe(1000);
    expect(series.points.filter((p) => p.count > 0)).toHaveLength(1);
  });

  it('splits by app version, buckets hours in the caller zone, and gives the same totals in any zone', async () => {
    for (const timeZone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      const res = await t.gql<TsResult>(token, TS, { g: 'HOUR', range: { preset: 'LAST_24_HOURS', timeZone }, groupBy: ['APP_VERSION'] });
      expect(res.body.errors).toBeUndefined();
      const series = res.body.data!.destination.timeseries;
      expect(series.map((s) => [s.appVersion, s.total])).toEqual([
        ['2.3.1', 1000],
        ['9.9.9', 5],
      ]);
      expect(series[0].points.length).toBeGreaterThanOrEqual(24);
      expect(series[0].points.length).toBeLessThanOrEqual(25);
      const minutesPastHour = new Date(series[0].points[1].at).getUTCMinutes();
      expect(minutesPastHour).toBe(timeZone === 'Asia/Kolkata' ? 30 : 0);
    }
  });

  it('bounds minute granularity to 4 hours', async () => {
    const res = await t.gql(token, TS, { g: 'MINUTE', range: { preset: 'LAST_24_HOURS' } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'granularity' });
  });
});

describe('insights', () => {
  it('names the biggest mover and what explains it', async () => {
    const res = await t.gql<{
      destination: {
        insights: {
          step: string;
          reason: { code: string } | null;
          count: number;
          previousCount: number;
          contributors: { dimension: string; value: string; delta: number }[];
        }[];
      };
    }>(
      token,
      '{ destination(id: "dst_00") { insights(range: { preset: LAST_HOUR }) { step reason { code } count previousCount contributors { dimension value delta } } } }',
    );
    expect(res.body.errors).toBeUndefined();
    const [top] = res.body.data!.destination.insights;
    expect(top).toMatchObject({ step: 'FAILED_DELIVERY', reason: { code: '429' }, count: 300, previousCount: 2 });
    // Contributors explain the rate, not the count: 2 of 5 received before (40 %), 300 of 1,000
    // now (30 %). The rate fell because version 2.3.1 brought 1,000 events without a 429.
    expect(top.contributors[0]).toEqual({ dimension: 'APP_VERSION', value: '2.3.1', delta: -2 });
  });
});
