import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Answers that read right (issue 13): where a range ends and whether the lookback moved it,
 * partial buckets, a misspelled id, steps a question does not apply to, shares within a
 * mapping, breakdown grouping, insights that explain a rate, trace in pipeline words, and
 * HEAD on /graphql. Every number here is computed by hand from the reports ingested below.
 */
let t: TestGateway;
let token: string;
const MIN = 60_000;
const HOUR = 60 * MIN;

beforeAll(async () => {
  t = await startTestGateway('answers');
  token = await t.token('ws_ans', ['read', 'ingest']);
  const now = 30; // minutes ago: inside LAST_HOUR with the lookback
  const before = 90; // inside the hour before it
  const reports = [
    // A classic destination and its source.
    sourceReport({ sourceId: 'src_a', count: 1000 }, now),
    report({ sourceId: 'src_a', destinationId: 'dst_amplitude', step: 'delivered', count: 900, eventName: 'Order Completed', appVersion: '1.0' }, now),
    report({ sourceId: 'src_a', destinationId: 'dst_amplitude', step: 'delivered', count: 50, eventName: 'Order Completed', appVersion: '2.0' }, now),
    report({ sourceId: 'src_a', destinationId: 'dst_amplitude', step: 'delivered', count: 40, eventName: 'Signed Up', appVersion: '1.0' }, now),
    report({ sourceId: 'src_a', destinationId: 'dst_mixpanel', step: 'delivered', count: 10 }, now),
    // An Actions destination: the purchase mapping gets few events, the page mapping most.
    sourceReport({ sourceId: 'src_b', count: 1700 }, now),
    report({ sourceId: 'src_b', destinationId: 'dst_braze', destinationKind: 'actions', mappingId: 'track_purchase', step: 'delivered', count: 94 }, now),
    report(
      {
        sourceId: 'src_b',
        destinationId: 'dst_braze',
        destinationKind: 'actions',
        mappingId: 'track_purchase',
        step: 'failed_delivery',
        reason: '400',
        count: 6,
      },
      now,
    ),
    report({ sourceId: 'src_b', destinationId: 'dst_braze', destinationKind: 'actions', mappingId: 'track_page_view', step: 'delivered', count: 1600 }, now),
    // A storage destination.
    report({ sourceId: 'src_a', destinationId: 'dst_bigquery', destinationKind: 'storage', step: 'delivered', count: 5 }, now),
    // One message through the pipeline, reported step by step.
    sourceReport({ sourceId: 'src_t', messageId: 'm-trace-1', count: 1 }, 40),
    report({ sourceId: 'src_t', destinationId: 'dst_t', step: 'retry_enqueued', reason: '429', messageId: 'm-trace-1' }, 39),
    report({ sourceId: 'src_t', destinationId: 'dst_t', step: 'retry_resolved', reason: '429', messageId: 'm-trace-1' }, 38),
    report({ sourceId: 'src_t', destinationId: 'dst_t', step: 'delivered', messageId: 'm-trace-1' }, 38),
    report({ sourceId: 'src_t', destinationId: 'dst_t_wh', destinationKind: 'storage', step: 'delivered', messageId: 'm-trace-1' }, 37),
  ];
  // Insights: version 1.0 keeps its volume and its failure rate jumps from 1 % to 20 %;
  // version 2.0 keeps its 1 % rate while its volume grows fiftyfold (its raw failures grow most).
  for (const [minutes, v1, v2] of [
    [before, [1000, 10], [1000, 10]],
    [now, [1000, 200], [50_000, 500]],
  ] as const) {
    reports.push(sourceReport({ sourceId: 'src_i', appVersion: '1.0', count: v1[0] }, minutes));
    reports.push(sourceReport({ sourceId: 'src_i', appVersion: '2.0', count: v2[0] }, minutes));
    reports.push(report({ sourceId: 'src_i', destinationId: 'dst_i', step: 'failed_delivery', reason: '503', appVersion: '1.0', count: v1[1] }, minutes));
    reports.push(report({ sourceId: 'src_i', destinationId: 'dst_i', step: 'failed_delivery', reason: '503', appVersion: '2.0', count: v2[1] }, minutes));
    reports.push(report({ sourceId: 'src_i', destinationId: 'dst_i', step: 'delivered', appVersion: '1.0', count: v1[0] - v1[1] }, minutes));
    reports.push(report({ sourceId: 'src_i', destinationId: 'dst_i', step: 'delivered', appVersion: '2.0', count: v2[0] - v2[1] }, minutes));
  }
  const res = await t.ingest(token, reports);
  expect(res.status).toBe(200);
  // Fresh reports: one minute old, inside the 5-minute lookback window.
  expect(
    (
      await t.ingest(token, [
        sourceReport({ sourceId: 'src_fresh', count: 100 }, 1),
        report({ sourceId: 'src_fresh', destinationId: 'dst_fresh', count: 100 }, 1),
      ])
    ).status,
  ).toBe(200);
});
afterAll(async () => t.close());

describe('where a range ends (item 2)', () => {
  type P = {
    destination: { pipeline: { to: string; lookback: boolean; steps: { kind: string; count: number }[] } };
    timeRange: { from: string; to: string; lookback: boolean };
  };
  const Q = `query($range: TimeRangeInput!) {
    destination(id: "dst_fresh") { pipeline(range: $range) { to lookback steps { kind count } } }
    timeRange(range: $range) { from to lookback } }`;
  const received = (p: P) => p.destination.pipeline.steps.find((s) => s.kind === 'SUCCESSFULLY_RECEIVED')!.count;

  it('says the lookback held the end back, so fresh reports are not in the range yet', async () => {
    const res = await t.gql<P>(token, Q, { range: { preset: 'LAST_10_MINUTES' } });
    expect(res.body.errors).toBeUndefined();
    const d = res.body.data!;
    expect(d.destination.pipeline.lookback).toBe(true);
    expect(received(d)).toBe(0);
    expect(Date.now() - Date.parse(d.destination.pipeline.to)).toBeGreaterThanOrEqual(5 * MIN);
    expect(d.timeRange).toMatchObject({ to: d.destination.pipeline.to, lookback: true });
  });

  it('says it did not when the lookback is off, or a custom range ends before it', async () => {
    const off = await t.gql<P>(token, Q, { range: { preset: 'LAST_10_MINUTES', lookback: false } });
    expect(off.body.data!.destination.pipeline.lookback).toBe(false);
    expect(received(off.body.data!)).toBe(100);
    const early = new Date(Math.floor(Date.now() / MIN) * MIN - 30 * MIN).toISOString();
    const custom = await t.gql<P>(token, Q, { range: { from: new Date(Date.parse(early) - HOUR).toISOString(), to: early } });
    expect(custom.body.data!.destination.pipeline).toMatchObject({ to: early, lookback: false });
    const untilNow = await t.gql<P>(token, Q, { range: { from: new Date(Date.now() - HOUR).toISOString(), to: new Date().toISOString() } });
    expect(untilNow.body.data!.timeRange.lookback).toBe(true);
  });
});

describe('partial buckets (item 11)', () => {
  it('marks the buckets the range covers only in part', async () => {
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const range = { from: new Date(hour - 5 * HOUR + 30 * MIN).toISOString(), to: new Date(hour - 2 * HOUR).toISOString() };
    const q = `query($range: TimeRangeInput!, $g: Granularity!) { destination(id: "dst_amplitude") {
      timeseries(step: SUCCESSFULLY_RECEIVED, range: $range, granularity: $g) { points { at partial } } } }`;
    const hours = await t.gql<{ destination: { timeseries: { points: { at: string; partial: boolean }[] }[] } }>(token, q, { range, g: 'HOUR' });
    expect(hours.body.errors).toBeUndefined();
    expect(hours.body.data!.destination.timeseries[0].points).toEqual([
      { at: new Date(hour - 5 * HOUR).toISOString(), partial: true },
      { at: new Date(hour - 4 * HOUR).toISOString(), partial: false },
      { at: new Date(hour - 3 * HOUR).toISOString(), partial: false },
    ]);
    const minutes = await t.gql<{ destination: { timeseries: { points: { partial: boolean }[] }[] } }>(token, q, { range, g: 'MINUTE' });
    expect(minutes.body.data!.destination.timeseries[0].points.some((p) => p.partial)).toBe(false);
    const day = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR;
    const dayRange = { from: new Date(day - 48 * HOUR + 6 * HOUR).toISOString(), to: new Date(day - 24 * HOUR + 6 * HOUR).toISOString() };
    const days = await t.gql<{ destination: { timeseries: { points: { partial: boolean }[] }[] } }>(token, q, { range: dayRange, g: 'DAY' });
    expect(days.body.data!.destination.timeseries[0].points.map((p) => p.partial)).toEqual([true, true]);
  });
});

describe('a misspelled destination id (item 3)', () => {
  it('is null data and a NOT_FOUND error at its path with close matches', async () => {
    const res = await t.gql<{ destination: null }>(token, '{ destination(id: "dst_amplitud") { id } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ destination: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]).toMatchObject({ path: ['destination'], extensions: { code: 'NOT_FOUND', field: 'id' } });
    const suggestions = res.body.errors![0].extensions!.suggestions as string[];
    expect(suggestions[0]).toBe('dst_amplitude');
    expect(suggestions.length).toBeLessThanOrEqual(5);
    const far = await t.gql(token, '{ destination(id: "nothing_like_it_at_all") { id } }');
    expect(far.body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', suggestions: [] });
  });

  it('suggests close mapping ids too', async () => {
    const res = await t.gql(token, '{ destination(id: "dst_braze") { pipeline(range: { preset: LAST_HOUR }, mappingId: "track_purchas") { to } } }');
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'mappingId', suggestions: ['track_purchase'] });
  });
});

describe('steps a question does not apply to (item 4)', () => {
  it('lists only real discard steps, and points sync failures to syncs', async () => {
    const storage = await t.gql(token, '{ destination(id: "dst_bigquery") { discards(step: FAILED_TO_SYNC, range: { preset: LAST_HOUR }) { count } } }');
    const e = storage.body.errors![0];
    expect(e.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'step',
      allowed: ['FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION'],
    });
    expect(e.message).toMatch(/syncs\(/);
    const classic = await t.gql(token, '{ destination(id: "dst_amplitude") { discards(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_HOUR }) { count } } }');
    expect(classic.body.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      allowed: ['FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'FAILED_DELIVERY'],
    });
  });
});

describe('shares within a mapping (item 6)', () => {
  type S = { kind: string; share: number | null; mappingShare: number | null };
  it('adds, for destination-side steps, the share of what reached the selected mapping', async () => {
    const q = `query($m: ID) { destination(id: "dst_braze") {
      pipeline(range: { preset: LAST_HOUR }, mappingId: $m) { steps { kind share mappingShare } }
      discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }, mappingId: $m) { count share mappingShare } } }`;
    const res = await t.gql<{ destination: { pipeline: { steps: S[] }; discards: { count: number; share: number; mappingShare: number | null }[] } }>(
      token,
      q,
      { m: 'track_purchase' },
    );
    expect(res.body.errors).toBeUndefined();
    const steps = Object.fromEntries(res.body.data!.destination.pipeline.steps.map((s) => [s.kind, s]));
    expect(steps.SUCCESSFUL_DELIVERY.share).toBeCloseTo((94 / 1700) * 100, 6);
    expect(steps.SUCCESSFUL_DELIVERY.mappingShare).toBeCloseTo(94, 6);
    expect(steps.FAILED_DELIVERY.mappingShare).toBeCloseTo(6, 6);
    expect(steps.FILTERED_AT_DESTINATION.mappingShare).toBe(0);
    expect(steps.SUCCESSFULLY_RECEIVED.mappingShare).toBeNull();
    expect(steps.RETRY_PENDING.mappingShare).toBeNull();
    expect(res.body.data!.destination.discards[0]).toMatchObject({ count: 6, mappingShare: 6 });
    const all = await t.gql<{ destination: { pipeline: { steps: S[] } } }>(token, q, { m: null });
    expect(all.body.data!.destination.pipeline.steps.every((s) => s.mappingShare === null)).toBe(true);
  });
});

describe('breakdown grouping (item 8)', () => {
  type Row = { eventType: string | null; eventName: string | null; appVersion: string | null; count: number };
  const q = `query($g: [Dimension!]) { destination(id: "dst_amplitude") {
    breakdown(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_HOUR }, groupBy: $g) { eventType eventName appVersion count } } }`;

  it('groups by the dimensions asked for, and by all three by default', async () => {
    const byName = await t.gql<{ destination: { breakdown: Row[] } }>(token, q, { g: ['EVENT_NAME'] });
    expect(byName.body.errors).toBeUndefined();
    expect(byName.body.data!.destination.breakdown).toEqual([
      { eventType: null, eventName: 'Order Completed', appVersion: null, count: 950 },
      { eventType: null, eventName: 'Signed Up', appVersion: null, count: 40 },
    ]);
    const all = await t.gql<{ destination: { breakdown: Row[] } }>(token, q, {});
    expect(all.body.data!.destination.breakdown.map((r) => [r.eventName, r.appVersion, r.count])).toEqual([
      ['Order Completed', '1.0', 900],
      ['Order Completed', '2.0', 50],
      ['Signed Up', '1.0', 40],
    ]);
  });

  it('refuses REASON, which the discard table already splits by', async () => {
    const res = await t.gql(token, q, { g: ['REASON'] });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
  });
});

describe('insights that explain a rate (item 7)', () => {
  it('names first the app version whose failure rate jumped, not the one whose volume grew', async () => {
    const res = await t.gql<{
      destination: {
        insights: { step: string; percentagePoints: number; contributors: { dimension: string; value: string; delta: number; percentagePoints: number }[] }[];
      };
    }>(
      token,
      '{ destination(id: "dst_i") { insights(range: { preset: LAST_HOUR }) { step percentagePoints contributors { dimension value delta percentagePoints } } } }',
    );
    expect(res.body.errors).toBeUndefined();
    const failed = res.body.data!.destination.insights.find((i) => i.step === 'FAILED_DELIVERY')!;
    // 20 of 2,000 (1 %) before; 700 of 51,000 now: +0.3725 points.
    expect(failed.percentagePoints).toBeCloseTo((700 / 51_000 - 20 / 2000) * 100, 6);
    const versions = failed.contributors.filter((c) => c.dimension === 'APP_VERSION');
    expect(versions[0]).toMatchObject({ value: '1.0', delta: 190 });
    expect(versions[0].percentagePoints).toBeCloseTo(failed.percentagePoints, 6);
    expect(versions.find((c) => c.value === '2.0')).toBeUndefined();
  });
});

describe('trace in pipeline words (item 5)', () => {
  it('names each report by its pipeline step, and keeps the reported step beside it', async () => {
    const res = await t.gql<{ trace: { step: string; reportStep: string; destinationId: string | null }[] }>(
      token,
      '{ trace(messageId: "m-trace-1") { step reportStep destinationId } }',
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.trace).toEqual([
      { step: 'SUCCESSFULLY_RECEIVED', reportStep: 'RECEIVED', destinationId: null },
      { step: 'RETRY_PENDING', reportStep: 'RETRY_ENQUEUED', destinationId: 'dst_t' },
      { step: 'RETRY_PENDING', reportStep: 'RETRY_RESOLVED', destinationId: 'dst_t' },
      { step: 'SUCCESSFUL_DELIVERY', reportStep: 'DELIVERED', destinationId: 'dst_t' },
      { step: 'EVENTS_TO_WAREHOUSE_ROWS', reportStep: 'DELIVERED', destinationId: 'dst_t_wh' },
    ]);
  });
});

describe('HEAD /graphql (item 15)', () => {
  it('is 405 with Allow, and no body', async () => {
    const res = await fetch(`${t.url}/graphql`, { method: 'HEAD' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(await res.text()).toBe('');
  });
});

describe('alias codes of one reason (item 9)', () => {
  type Row = { count: number; reason: { code: string; aliases: string[]; unknown: boolean }; samples: { reason: string; error: string | null }[] };
  const sample = (error: string) => ({ sample: { payload: { event: 'x' }, error } });

  it('stores and shows one canonical code, keeps the code as sent in samples, and keeps apart what the catalogue keeps apart', async () => {
    const at = { sourceId: 'src_alias', destinationId: 'dst_alias', step: 'failed_delivery' };
    const res = await t.ingest(token, [
      sourceReport({ sourceId: 'src_alias', count: 100 }, 20),
      report({ ...at, reason: 'etimedout', count: 3, ...sample('lowercase timeout') }, 20),
      report({ ...at, reason: 'ETIMEDOUT', count: 4 }, 20),
      report({ ...at, reason: 'BAD_REQUEST', count: 5, ...sample('bad request by name') }, 20),
      report({ ...at, reason: '400', count: 6 }, 20),
      report({ ...at, reason: 'weird_Code', count: 1 }, 20),
      sourceReport({ sourceId: 'src_alias', step: 'failed_ingest', reason: 'SOURCE_DISABLED', count: 7 }, 20),
      sourceReport({ sourceId: 'src_alias', step: 'failed_ingest', reason: 'source_disabled', count: 8 }, 20),
      sourceReport({ sourceId: 'src_alias', step: 'failed_ingest', reason: 'bad_request', count: 9 }, 20),
      sourceReport({ sourceId: 'src_alias', step: 'failed_ingest', reason: 'BAD_REQUEST', count: 10 }, 20),
    ]);
    expect(res.status).toBe(200);
    const q = `{ destination(id: "dst_alias") {
      delivery: discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { count reason { code aliases unknown } samples { reason error } }
      ingest: discards(step: FAILED_ON_INGEST, range: { preset: LAST_HOUR }) { count reason { code aliases unknown } samples { reason error } }
      breakdown(step: FAILED_DELIVERY, reason: "etimedout", range: { preset: LAST_HOUR }, groupBy: []) { count } }
      discardReasons(step: FAILED_DELIVERY) { code aliases } }`;
    const out = await t.gql<{
      destination: { delivery: Row[]; ingest: Row[]; breakdown: { count: number }[] };
      discardReasons: { code: string; aliases: string[] }[];
    }>(token, q);
    expect(out.body.errors).toBeUndefined();
    const d = out.body.data!.destination;
    expect(d.delivery.map((r) => [r.reason.code, r.count, r.reason.aliases, r.reason.unknown])).toEqual([
      ['400', 11, ['BAD_REQUEST'], false],
      ['ETIMEDOUT', 7, ['etimedout'], false],
      ['weird_Code', 1, [], true],
    ]);
    expect(d.delivery[0].samples).toEqual([{ reason: 'BAD_REQUEST', error: 'bad request by name' }]);
    expect(d.delivery[1].samples).toEqual([{ reason: 'etimedout', error: 'lowercase timeout' }]);
    expect(d.ingest.map((r) => [r.reason.code, r.count])).toEqual([
      ['source_disabled', 15],
      ['BAD_REQUEST', 10],
      ['bad_request', 9],
    ]);
    expect(d.breakdown).toEqual([{ count: 7 }]);
    const catalogue = out.body.data!.discardReasons;
    expect(catalogue.find((r) => r.code === 'ETIMEDOUT')!.aliases).toEqual(['etimedout']);
    expect(catalogue.map((r) => r.code)).not.toContain('etimedout');
    const stored = await t.sql<{ reason: string }>("SELECT DISTINCT reason FROM {{db}}.delivery_events WHERE destination_id = 'dst_alias' ORDER BY reason");
    expect(stored.map((r) => r.reason)).toEqual(['400', 'ETIMEDOUT', 'weird_Code']);
  });
});
