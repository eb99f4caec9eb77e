import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let token: string;

const PIPELINE = `query($id: ID!, $range: TimeRangeInput!, $mapping: ID, $filter: EventFilter) {
  destination(id: $id) { id kind pipeline(range: $range, mappingId: $mapping, filter: $filter) {
    from to previousFrom previousTo retryPending
    steps { kind label count previousCount share isDiscard change { count relativePercent percentagePoints } } } } }`;

type Step = {
  kind: string;
  count: number;
  previousCount: number | null;
  share: number | null;
  change: { count: number | null; relativePercent: number | null; percentagePoints: number | null };
};

beforeAll(async () => {
  t = await startTestGateway('pipeline');
  token = await t.token('ws_p', ['read', 'ingest']);
  const now = 30; // minutes ago, inside LAST_HOUR (with lookback)
  const before = 90; // inside the previous hour
  const res = await t.ingest(token, [
    sourceReport({ sourceId: 'src_1', count: 200 }, now),
    sourceReport({ sourceId: 'src_1', step: 'failed_ingest', reason: 'id_required', count: 10 }, now),
    sourceReport({ sourceId: 'src_1', step: 'filtered_source', reason: 'schema_violation', count: 20 }, now),
    sourceReport({ sourceId: 'src_2', count: 100, eventName: 'Signed Up' }, now),
    sourceReport({ sourceId: 'src_other', count: 999 }, now), // not connected to dst_c
    report({ sourceId: 'src_1', destinationId: 'dst_c', step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 30 }, now),
    report({ sourceId: 'src_1', destinationId: 'dst_c', step: 'failed_delivery', reason: '400', count: 15 }, now),
    report({ sourceId: 'src_1', destinationId: 'dst_c', step: 'delivered', count: 200 }, now),
    report({ sourceId: 'src_2', destinationId: 'dst_c', step: 'delivered', count: 20, eventName: 'Signed Up' }, now),
    report({ sourceId: 'src_1', destinationId: 'dst_c', step: 'retry_enqueued', reason: '429', count: 8 }, now),
    report({ sourceId: 'src_1', destinationId: 'dst_c', step: 'retry_resolved', count: 3 }, now),
    sourceReport({ sourceId: 'src_1', count: 100 }, before),
    report({ sourceId: 'src_1', destinationId: 'dst_c', step: 'failed_delivery', reason: '400', count: 15 }, before),
    report({ sourceId: 'src_other', destinationId: 'dst_x', step: 'delivered', count: 1 }, now),
  ]);
  expect(res.status).toBe(200);
});
afterAll(async () => t.close());

function byKind(steps: Step[]): Record<string, Step> {
  return Object.fromEntries(steps.map((s) => [s.kind, s]));
}

describe('pipeline view', () => {
  it('counts each step for a classic destination, with shares and the three changes', async () => {
    const res = await t.gql<{ destination: { pipeline: { steps: Step[]; retryPending: number } } }>(token, PIPELINE, {
      id: 'dst_c',
      range: { preset: 'LAST_HOUR' },
    });
    expect(res.body.errors).toBeUndefined();
    const p = res.body.data!.destination.pipeline;
    expect(p.steps.map((s) => s.kind)).toEqual([
      'SUCCESSFULLY_RECEIVED',
      'FAILED_ON_INGEST',
      'FILTERED_AT_SOURCE',
      'FILTERED_AT_DESTINATION',
      'RETRY_PENDING',
      'FAILED_DELIVERY',
      'SUCCESSFUL_DELIVERY',
    ]);
    const s = byKind(p.steps);
    expect(s.SUCCESSFULLY_RECEIVED).toMatchObject({
      count: 300,
      previousCount: 100,
      share: 100,
      change: { count: 200, relativePercent: 200, percentagePoints: 0 },
    });
    expect(s.FAILED_ON_INGEST).toMatchObject({ count: 10, share: 10 / 3 });
    expect(s.FILTERED_AT_SOURCE).toMatchObject({ count: 20 });
    expect(s.FILTERED_AT_DESTINATION).toMatchObject({ count: 30, share: 10 });
    // 15 of 300 now (5%) vs 15 of 100 before (15%): −10 points, 0% relative.
    expect(s.FAILED_DELIVERY).toMatchObject({ count: 15, previousCount: 15, share: 5, change: { count: 0, relativePercent: 0, percentagePoints: -10 } });
    expect(s.SUCCESSFUL_DELIVERY).toMatchObject({ count: 220, previousCount: 0, change: { count: 220, relativePercent: null } });
    expect(s.RETRY_PENDING).toMatchObject({ count: 5, share: null, previousCount: null });
    expect(p.retryPending).toBe(5);
  });

  it('filters by event name on every step', async () => {
    const res = await t.gql<{ destination: { pipeline: { steps: Step[] } } }>(token, PIPELINE, {
      id: 'dst_c',
      range: { preset: 'LAST_HOUR' },
      filter: { eventNames: ['Signed Up'] },
    });
    const s = byKind(res.body.data!.destination.pipeline.steps);
    expect(s.SUCCESSFULLY_RECEIVED.count).toBe(100);
    expect(s.SUCCESSFUL_DELIVERY.count).toBe(20);
    expect(s.FAILED_DELIVERY.count).toBe(0);
  });

  it('rejects a mapping on a classic destination and a bad range with typed errors', async () => {
    const m = await t.gql(token, PIPELINE, { id: 'dst_c', range: { preset: 'LAST_HOUR' }, mapping: 'm1' });
    expect(m.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mappingId' });
    const r = await t.gql(token, PIPELINE, { id: 'dst_c', range: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } });
    expect(r.body.errors![0].extensions).toMatchObject({ code: 'TIME_RANGE_INVALID', field: 'from' });
    const z = await t.gql(token, PIPELINE, { id: 'dst_c', range: { preset: 'LAST_HOUR', timeZone: 'Mars/Olympus' } });
    expect(z.body.errors![0].extensions).toMatchObject({ code: 'TIME_RANGE_INVALID', field: 'timeZone' });
  });
});

describe('breakdown and discard tables', () => {
  const BREAKDOWN = `query($id: ID!, $step: PipelineStepKind!, $reason: String, $first: Int) { destination(id: $id) {
    breakdown(step: $step, reason: $reason, range: { preset: LAST_HOUR }, first: $first) { eventType eventName appVersion count previousCount share change { count percentagePoints } } } }`;
  const DISCARDS = `query($id: ID!, $step: PipelineStepKind!) { destination(id: $id) {
    discards(step: $step, range: { preset: LAST_HOUR }) { count share reason { code title remedy docsUrl unknown step } samples(limit: 2) { messageId error payload } } } }`;

  it('breaks the first step down by event name, largest first, bounded by first', async () => {
    const res = await t.gql<{ destination: { breakdown: { eventName: string; count: number; share: number }[] } }>(token, BREAKDOWN, {
      id: 'dst_c',
      step: 'SUCCESSFULLY_RECEIVED',
    });
    expect(res.body.errors).toBeUndefined();
    const rows = res.body.data!.destination.breakdown;
    expect(rows.map((r) => [r.eventName, r.count])).toEqual([
      ['Order Completed', 200],
      ['Signed Up', 100],
    ]);
    expect(rows[0].share).toBeCloseTo(200 / 3, 10);
    expect(rows[1].share).toBeCloseTo(100 / 3, 10);
    const one = await t.gql<{ destination: { breakdown: unknown[] } }>(token, BREAKDOWN, { id: 'dst_c', step: 'SUCCESSFULLY_RECEIVED', first: 1 });
    expect(one.body.data!.destination.breakdown).toHaveLength(1);
    const bad = await t.gql(token, BREAKDOWN, { id: 'dst_c', step: 'SUCCESSFULLY_RECEIVED', first: 5000 });
    expect(bad.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('rejects steps the destination kind does not have', async () => {
    const res = await t.gql(token, BREAKDOWN, { id: 'dst_c', step: 'FAILED_TO_SYNC' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'step' });
    const reason = await t.gql(token, BREAKDOWN, { id: 'dst_c', step: 'SUCCESSFUL_DELIVERY', reason: '400' });
    expect(reason.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
  });

  it('lists discards per reason with the catalogue entry; unknown codes are shown, not dropped', async () => {
    expect(
      (
        await t.ingest(token, [
          report(
            {
              sourceId: 'src_1',
              destinationId: 'dst_c',
              step: 'failed_delivery',
              reason: 'WEIRD_NEW_CODE',
              count: 2,
              messageId: 'mx',
              sample: { payload: { a: 1 }, error: 'boom' },
            },
            20,
          ),
        ])
      ).status,
    ).toBe(200);
    const res = await t.gql<{
      destination: {
        discards: {
          count: number;
          reason: { code: string; unknown: boolean; step: string; title: string };
          samples: { messageId: string; error: string; payload: string }[];
        }[];
      };
    }>(token, DISCARDS, { id: 'dst_c', step: 'FAILED_DELIVERY' });
    expect(res.body.errors).toBeUndefined();
    const rows = res.body.data!.destination.discards;
    expect(rows.map((r) => [r.reason.code, r.count, r.reason.unknown])).toEqual([
      ['400', 15, false],
      ['WEIRD_NEW_CODE', 2, true],
    ]);
    expect(rows[0].reason.step).toBe('FAILED_DELIVERY');
    expect(rows[1].reason.title).toBe('Unknown reason');
    expect(rows[1].samples).toEqual([{ messageId: 'mx', error: 'boom', payload: '{"a":1}' }]);
  });

  it('serves the remedy catalogue per step and traces a message', async () => {
    const res = await t.gql<{ discardReasons: { code: string; step: string }[]; trace: { step: string; destinationId: string; reason: string }[] }>(
      token,
      '{ discardReasons(step: FILTERED_AT_SOURCE) { code step } trace(messageId: "mx") { step destinationId reason } }',
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.discardReasons.map((r) => r.code)).toEqual(expect.arrayContaining(['schema_violation', 'unplanned']));
    expect(new Set(res.body.data!.discardReasons.map((r) => r.step))).toEqual(new Set(['FILTERED_AT_SOURCE']));
    expect(res.body.data!.trace).toEqual([{ step: 'FAILED_DELIVERY', destinationId: 'dst_c', reason: 'WEIRD_NEW_CODE' }]);
  });
});
