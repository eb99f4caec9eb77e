import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Destination.health over GraphQL on the embedded engine: the rule of src/domain/health.ts (unit
 * tested on constructed counts) reads the same counts as the pipeline, and a firing alert rule of
 * the destination is one of its reasons.
 */
let t: TestGateway;
let token = '';
const WS = 'ws_health';
const RANGE = { preset: 'LAST_24_HOURS' };
const HOUR = 60;

beforeAll(async () => {
  t = await startTestGateway('health', { ALERT_EVAL_INTERVAL_MS: '0', ALERT_NOTIFY_ATTEMPTS: '1' });
  token = await t.token(WS, ['read', 'ingest', 'admin']);
  const at = (o: Record<string, unknown>, minutesAgo: number) => report({ sourceId: 'src_a', ...o }, minutesAgo);
  const res = await t.ingest(token, [
    sourceReport({ sourceId: 'src_a', count: 10_000 }, 30),
    sourceReport({ sourceId: 'src_a', count: 10_000 }, 30 * HOUR),
    // Filters take 70 % on purpose; nothing fails.
    at({ destinationId: 'dst_filtered', step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 7_000 }, 30),
    at({ destinationId: 'dst_filtered', step: 'delivered', count: 3_000 }, 30),
    at({ destinationId: 'dst_filtered', step: 'delivered', count: 10_000 }, 30 * HOUR),
    // 2 % of deliveries failed the day before, 6 % now.
    at({ destinationId: 'dst_failing', step: 'failed_delivery', reason: '500', count: 600 }, 30),
    at({ destinationId: 'dst_failing', step: 'delivered', count: 9_400 }, 30),
    at({ destinationId: 'dst_failing', step: 'failed_delivery', reason: '500', count: 200 }, 30 * HOUR),
    at({ destinationId: 'dst_failing', step: 'delivered', count: 9_800 }, 30 * HOUR),
  ]);
  expect(res.status).toBe(200);
}, 60_000);
afterAll(async () => t?.close());

type Health = { status: string; summary: string; reasons: { kind: string; message: string }[]; failureRate: number | null };

async function health(): Promise<Record<string, Health>> {
  const res = await t.gql<{ destinations: { id: string; health: Health }[] }>(
    token,
    'query($r: TimeRangeInput!) { destinations { id health(range: $r) { status summary reasons { kind message } failureRate } } }',
    { r: RANGE },
  );
  expect(res.body.errors).toBeUndefined();
  return Object.fromEntries(res.body.data!.destinations.map((d) => [d.id, d.health]));
}

it('70 % filtered on purpose is healthy; a tripled failure rate needs attention, saying both rates', async () => {
  const h = await health();
  expect(h.dst_filtered).toMatchObject({ status: 'HEALTHY', reasons: [], failureRate: 0 });
  expect(h.dst_failing).toMatchObject({ status: 'ATTENTION', reasons: [{ kind: 'FAILURE_RATE_ROSE', message: 'failure rate 6 % vs 2 % before' }] });
});

it('a firing alert rule of the destination is a reason', async () => {
  const rule = await t.gql(
    token,
    'mutation { createAlertRule(input: { name: "Filtered share", kind: DISCARD_RATE_ABOVE, destinationId: "dst_filtered", step: FILTERED_AT_DESTINATION, threshold: 50, windowMinutes: 120 }) { id } }',
  );
  expect(rule.body.errors).toBeUndefined();
  await t.gateway.alerts.evaluateOnce();
  const h = await health();
  expect(h.dst_filtered).toMatchObject({ status: 'ATTENTION', reasons: [{ kind: 'ALERT_FIRING', message: 'alert “Filtered share” is firing' }] });
});
