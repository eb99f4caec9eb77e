import { probeWhile, PROBE_BUDGET_MS } from '../helpers/loop-probe';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The most expensive legal inputs of the public endpoints, each sent while `/healthz` is
 * probed every 20 ms: no probe may wait over 250 ms (docs/security.md). One source with
 * 3,000 event names reported every hour of the last two weeks (1,008,000 reports).
 */
const WORKSPACE = 'ws_loop';
const NAMES = 3_000;
const HOURS = 336;
const DESTINATIONS = 20;

let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('event_loop_budget');
  token = await t.token(WORKSPACE, ['read', 'ingest']);
  const db = t.gateway.db;
  // Engine-side rows (an HTTP ingest of 336k reports would only slow the test down).
  await db.command({
    family: 'test',
    sql: `INSERT INTO ${db.database}.delivery_events (time, workspace_id, source_id, destination_id, destination_kind, step, event_type, event_name, count)
          SELECT now64(3) - toIntervalMinute(30 + 60 * (number % ${HOURS})), {ws:String}, 'src_many', '', '', 'received', 'track', concat('Event ', toString(intDiv(number, ${HOURS}))), 1
          FROM numbers(${NAMES * HOURS})`,
    params: { ws: WORKSPACE },
  });
  // Destinations with long ids, for the close-id suggestions.
  await db.command({
    family: 'test',
    sql: `INSERT INTO ${db.database}.delivery_events (time, workspace_id, source_id, destination_id, destination_kind, step, count)
          SELECT now64(3) - toIntervalHour(1), {ws:String}, 'src_many', concat('dst_', repeat('x', 120), toString(number)), 'classic', 'delivered', 1
          FROM numbers(${DESTINATIONS})`,
    params: { ws: WORKSPACE },
  });
}, 120_000);
afterAll(async () => t.close());

function iso(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString();
}

describe('item 1: a compat timeseries of a source with thousands of event names', () => {
  it('pages in the engine: one series answered, the loop never held', async () => {
    const url = `${t.url}/compat/segment/delivery-overview/successfully-received?sourceId=src_many&startTime=${iso(14 * 86_400_000 - 600_000)}&endTime=${iso(0)}&granularity=hour&groupBy=eventName&pagination.count=1`;
    const { result, worstMs } = await probeWhile(t.url, async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return {
        status: res.status,
        body: (await res.json()) as {
          data: {
            total: number;
            dataset: { eventName: string; total: number; series: unknown[] }[];
            pagination: { totalEntries: number; next: string | null };
          };
        },
      };
    });
    expect(result.status).toBe(200);
    expect(result.body.data.total).toBe(NAMES * HOURS);
    expect(result.body.data.pagination.totalEntries).toBe(NAMES);
    expect(result.body.data.dataset).toHaveLength(1);
    expect(result.body.data.dataset[0].total).toBe(HOURS);
    expect(result.body.data.pagination.next).not.toBeNull();
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  }, 60_000);

  it('the same on GraphQL: a split timeseries returns its 50 largest series, the loop never held', async () => {
    const query = `{ destination(id: "dst_${'x'.repeat(120)}0") {
      timeseries(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS, lookback: false }, granularity: HOUR, groupBy: [EVENT_NAME]) { eventName total } } }`;
    const { result, worstMs } = await probeWhile(t.url, () => t.gql<{ destination: { timeseries: { eventName: string; total: number }[] } }>(token, query));
    expect(result.body.errors).toBeUndefined();
    const series = result.body.data!.destination.timeseries;
    expect(series).toHaveLength(50);
    // Equal totals: byte order of the names decides ('Event 0', 'Event 1', 'Event 10', …).
    expect(series.slice(0, 3)).toEqual([
      { eventName: 'Event 0', total: HOURS },
      { eventName: 'Event 1', total: HOURS },
      { eventName: 'Event 10', total: HOURS },
    ]);
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  }, 60_000);
});

describe('item 2: a 30,000-character id', () => {
  it('is refused at once, without comparing it to every known id', async () => {
    const id = 'd'.repeat(30_000);
    const { result, worstMs } = await probeWhile(t.url, () => t.gql(token, `query ($id: ID!) { destination(id: $id) { id } }`, { id }));
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.body.errors?.[0]?.message).toMatch(/at most 128 characters/);
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  });

  it('a long id of the allowed length still gets its suggestions', async () => {
    const id = `dst_${'x'.repeat(120)}7z`;
    const res = await t.gql(token, `query ($id: ID!) { destination(id: $id) { id } }`, { id });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(res.body.errors?.[0]?.extensions?.suggestions).toContain(`dst_${'x'.repeat(120)}7`);
  });
});

/**
 * A failed delivery whose sample's exchange is as costly to redact as a 64 KiB record allows:
 * a 2,048-character URL of secret parameters, and 4 KB header values that are URLs full of them.
 */
function heaviestReport(i: number): Record<string, unknown> {
  const params = Array.from({ length: 200 }, (_, j) => `token${j}=${'s'.repeat(4)}`)
    .join('&')
    .slice(0, 1900);
  const value = `https://u:p@h.example/?${Array.from({ length: 400 }, (_, j) => `access_token=${j}`).join(';')}`.slice(0, 4096);
  const headers = Object.fromEntries(Array.from({ length: 13 }, (_, j) => [j % 2 ? `X-Api-Key-${j}` : `X-Forwarded-For-${j}`, value]));
  return {
    timestamp: new Date(Date.now() - 120_000).toISOString(),
    sourceId: 'src_many',
    destinationId: 'dst_heavy',
    destinationKind: 'classic',
    step: 'failed_delivery',
    reason: '500',
    messageId: `heavy-${i}`,
    sample: {
      payload: { n: i },
      error: 'x',
      request: { method: 'POST', url: `https://h.example/p?${params}`, headers, body: 'b' },
      response: { status: 500, headers: { Location: value }, body: 'r' },
    },
  };
}

describe('item 9: the other endpoints at their most expensive legal inputs', () => {
  it('ingest: the largest batch of the largest samples', async () => {
    // As many as fit in the 10 MiB body limit.
    const one = JSON.stringify(heaviestReport(0)).length;
    const records = Array.from({ length: Math.min(10_000, Math.floor((10 * 1024 * 1024) / (one + 2))) }, (_, i) => heaviestReport(i));
    const { result, worstMs } = await probeWhile(t.url, () => t.ingest(token, records));
    expect(result.status).toBe(200);
    expect(result.body.accepted).toBe(records.length);
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  }, 60_000);

  it('ingest: 10,000 records of the smallest kind', async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => ({
      timestamp: new Date(Date.now() - 60_000 - i).toISOString(),
      sourceId: 'src_many',
      step: 'received',
      eventName: `Event ${i % 3000}`,
    }));
    const { result, worstMs } = await probeWhile(t.url, () => t.ingest(token, records));
    expect(result.status).toBe(200);
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  }, 60_000);

  it('GraphQL: every destination with its pipeline, breakdown and timeseries over two weeks', async () => {
    const query = `{ destinations { id
      pipeline(range: { preset: LAST_2_WEEKS }) { steps { count share } }
      breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, first: 100) { eventName count }
      timeseries(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, granularity: DAY, groupBy: [EVENT_NAME]) { eventName total } } }`;
    const { result, worstMs } = await probeWhile(t.url, () => t.gql(token, query));
    expect(result.status).toBe(200);
    expect(result.body.errors ?? []).toEqual([]);
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  }, 60_000);

  it('GraphQL: a document at the token limit', async () => {
    const fields = Array.from({ length: 29 }, (_, i) => `a${i}: destinations { id name kind }`).join(' ');
    const padding = Array.from({ length: 1200 }, () => '__typename').join(' ');
    const { result, worstMs } = await probeWhile(t.url, () => t.gql(token, `{ ${fields} ${padding} }`));
    expect(result.status).toBeLessThan(500);
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  });

  it('export: the failed deliveries as CSV, and the undelivered list at its largest page', async () => {
    const { result, worstMs } = await probeWhile(t.url, async () => {
      const csv = await fetch(`${t.url}/v1/export/undelivered?destinationId=dst_heavy&range=LAST_24_HOURS&format=csv`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await csv.text();
      const list = await t.gql(token, '{ destination(id: "dst_heavy") { undelivered(range: { preset: LAST_24_HOURS }, first: 1000) { messageId } } }');
      return { status: csv.status, lines: text.split('\n').length, errors: list.body.errors };
    });
    expect(result.status).toBe(200);
    expect(result.lines).toBeGreaterThan(100);
    expect(result.errors).toBeUndefined();
    expect(worstMs).toBeLessThan(PROBE_BUDGET_MS);
  }, 60_000);
});
