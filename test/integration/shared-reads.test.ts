import { resolveTimeRange, type TimeRangeRequest } from '../../src/domain/time-range';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { parsePrometheusText } from '../helpers/prom-text';
import { mulberry32 } from '../helpers/seeded';
import { Recount, type Range, type Rec } from '../helpers/recount';

/**
 * The result cache never serves what a fresh statement would answer differently: seeded
 * random interleavings of ingest (recent, hours old, days late) and reads (a few repeated
 * questions, so answers are reused), every answer compared with a brute-force recount of
 * everything acknowledged so far (test/helpers/recount.ts). Seen failing with the
 * invalidation on ingest switched off. Also: identical concurrent reads run once.
 */
const SEED = process.env.CACHE_SEED ? Number(process.env.CACHE_SEED) : 0xcac4e;
const STEPS = 120;
const WS = 'ws_cache';
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const rnd = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const DESTS = ['dst_c1', 'dst_c2'];
const SOURCES = ['src_a', 'src_b'];
const REASONS = ['429', '500', 'ETIMEDOUT'];
const NAMES = ['Order Completed', 'Signed Up', 'Page Viewed'];
const RANGES: TimeRangeRequest[] = [
  { preset: 'LAST_HOUR' as TimeRangeRequest['preset'], lookback: false },
  { preset: 'LAST_24_HOURS' as TimeRangeRequest['preset'], lookback: false },
  { preset: 'LAST_7_DAYS' as TimeRangeRequest['preset'], lookback: false },
  { from: new Date(NOW - 3 * 86_400_000), to: new Date(NOW - 86_400_000), lookback: false },
];

let t: TestGateway;
let token: string;
const sent: Rec[] = [];

beforeAll(async () => {
  t = await startTestGateway('shared_reads', {}, { now: () => NOW + 30_000 });
  token = await t.token(WS, ['read', 'ingest']);
});
afterAll(async () => t.close());

/** When a report happened: mostly minutes ago, sometimes hours, sometimes days late. */
function reportTime(): number {
  const r = rnd();
  if (r < 0.6) return NOW - int(1, 55) * MIN + int(0, 59_000);
  if (r < 0.85) return NOW - int(2, 20) * 60 * MIN;
  return NOW - int(2, 6) * 86_400_000 - int(0, 600) * MIN;
}

function randomBatch(): Rec[] {
  return Array.from({ length: int(1, 12) }, (): Rec => {
    const dest = pick(DESTS);
    const step = pick(['received', 'received', 'filtered_destination', 'failed_delivery', 'delivered', 'delivered', 'retry_enqueued', 'retry_resolved']);
    const sourceSide = step === 'received';
    return {
      time: reportTime(),
      sourceId: pick(SOURCES),
      destinationId: sourceSide ? '' : dest,
      destinationKind: sourceSide ? '' : 'classic',
      mappingId: '',
      step,
      reason: step === 'failed_delivery' || step === 'filtered_destination' ? pick(REASONS) : '',
      eventType: 'track',
      eventName: pick(NAMES),
      appVersion: '1.0.0',
      enriched: false,
      count: int(1, 5),
    };
  });
}

async function ingest(batch: Rec[]): Promise<void> {
  const body = batch.map((r) => ({
    timestamp: new Date(r.time).toISOString(),
    sourceId: r.sourceId,
    ...(r.destinationId ? { destinationId: r.destinationId, destinationKind: r.destinationKind } : {}),
    step: r.step,
    ...(r.reason ? { reason: r.reason } : {}),
    eventType: r.eventType,
    eventName: r.eventName,
    appVersion: r.appVersion,
    count: r.count,
  }));
  const res = await t.ingest(token, body);
  expect(res.status).toBe(200);
  sent.push(...batch);
}

const rangeOf = (req: TimeRangeRequest): Range => resolveTimeRange(req, NOW + 30_000, true);

async function checkRead(dest: string, req: TimeRangeRequest, what: 'pipeline' | 'discards' | 'breakdown'): Promise<void> {
  const recount = new Recount(sent);
  const range = rangeOf(req);
  const vars = { range: req };
  if (what === 'pipeline') {
    const res = await t.gql<{ destination: { pipeline: { retryPending: number; steps: { kind: string; count: number; previousCount: number | null }[] } } }>(
      token,
      `query($range: TimeRangeInput!) { destination(id: "${dest}") { pipeline(range: $range) { retryPending steps { kind count previousCount } } } }`,
      vars,
    );
    const expected = recount.pipeline(dest, range, null, null);
    expect(res.body.data!.destination.pipeline).toEqual({
      retryPending: expected.retryPending,
      steps: expected.steps.map((s) => ({ kind: s.kind, count: s.count, previousCount: s.previousCount })),
    });
  } else if (what === 'discards') {
    const res = await t.gql<{ destination: { discards: { reason: { code: string }; count: number; previousCount: number }[] } }>(
      token,
      `query($range: TimeRangeInput!) { destination(id: "${dest}") { discards(step: FAILED_DELIVERY, range: $range) { reason { code } count previousCount } } }`,
      vars,
    );
    const expected = recount
      .discards(dest, 'FAILED_DELIVERY', range, null, null)
      .map((d) => ({ reason: { code: d.code }, count: d.count, previousCount: d.previousCount }));
    expect(res.body.data!.destination.discards).toEqual(expected);
  } else {
    const res = await t.gql<{ destination: { breakdown: { eventName: string; count: number; previousCount: number }[] } }>(
      token,
      `query($range: TimeRangeInput!) { destination(id: "${dest}") { breakdown(step: SUCCESSFUL_DELIVERY, range: $range, first: 20) { eventName count previousCount } } }`,
      vars,
    );
    const expected = recount
      .breakdown(dest, 'SUCCESSFUL_DELIVERY', range, null, null, null, 20)
      .map((b) => ({ eventName: b.eventName, count: b.count, previousCount: b.previousCount }));
    expect(res.body.data!.destination.breakdown).toEqual(expected);
  }
}

async function readCacheCounts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${t.gateway.metricsUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const s of parsePrometheusText(text).get('delivery_overview_read_cache_requests_total')?.samples ?? []) out[s.labels.outcome] = s.value;
  return out;
}

describe('the result cache against a recount, through random interleavings of ingest and reads', () => {
  it(`answers every read as a fresh statement would (seed ${SEED}, ${STEPS} steps)`, async () => {
    // Every destination exists before the first read (the catalog is not what is tested here).
    await ingest(
      DESTS.map((d) => ({ ...randomBatch()[0], destinationId: d, destinationKind: 'classic', step: 'delivered', reason: '', time: NOW - 10 * MIN })),
    );
    for (let i = 0; i < STEPS; i++) {
      if (rnd() < 0.35) await ingest(randomBatch());
      else await checkRead(pick(DESTS), pick(RANGES), pick(['pipeline', 'pipeline', 'discards', 'breakdown'] as const));
    }
    const counts = await readCacheCounts();
    // The cache was used: reads were answered from kept answers between writes.
    expect(counts.hit ?? 0).toBeGreaterThan(20);
    expect(counts.miss ?? 0).toBeGreaterThan(20);
  }, 120_000);
});

describe('identical reads at once', () => {
  it('run one statement for ten concurrent requests, and a kept answer needs none', async () => {
    const query = '{ destination(id: "dst_c1") { pipeline(range: { preset: LAST_2_WEEKS, lookback: false }) { steps { count } } } }';
    await ingest([{ ...randomBatch()[0], destinationId: 'dst_c1', destinationKind: 'classic', step: 'delivered', reason: '', time: NOW - 5 * MIN }]);
    const { result, families } = await t.countQueries(() => Promise.all(Array.from({ length: 10 }, () => t.gql(token, query))));
    expect(result.every((r) => r.status === 200 && !r.body.errors)).toBe(true);
    expect(families.filter((f) => f === 'pipeline')).toHaveLength(1);
    const again = await t.countQueries(() => t.gql(token, query));
    expect(again.families.filter((f) => f === 'pipeline')).toHaveLength(0);
  });
});
