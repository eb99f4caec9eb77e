import { OUTCOME_PRECEDENCE } from '../../src/metrics/undelivered.query';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * `Destination.undelivered` against a brute-force recount of the reports sent: a message
 * is listed when its last destination-side report (per mapping) is a failed delivery.
 */
let t: TestGateway;
let token: string;
const MINUTE = 60_000;
const now = Date.now();
/** Minute-aligned bounds well inside the data, so the gateway's flooring changes nothing. */
const from = Math.floor((now - 120 * MINUTE) / MINUTE) * MINUTE;
const to = Math.floor((now - 20 * MINUTE) / MINUTE) * MINUTE;

type Report = Record<string, unknown> & { timestamp: string; step: string; destinationId: string; messageId?: string; mappingId?: string; reason?: string };
const sent: Report[] = [];

const UNDELIVERED = `query($id: ID!, $range: TimeRangeInput!, $mapping: ID, $reason: String, $first: Int, $after: String) {
  destination(id: $id) { undelivered(range: $range, mappingId: $mapping, reason: $reason, first: $first, after: $after) {
    cursor messageId mappingId sourceId reason at eventType eventName appVersion } } }`;

interface Item {
  cursor: string;
  messageId: string;
  mappingId: string | null;
  sourceId: string;
  reason: string;
  at: string;
  eventType: string;
  eventName: string;
  appVersion: string;
}

/** A report at an exact instant (ms) before now. */
function at(msAgo: number, overrides: Record<string, unknown>): Report {
  return { ...report(overrides), timestamp: new Date(now - msAgo).toISOString() } as Report;
}

/** The hand-written cases of the brief, on dst_u (classic) and dst_a (actions). */
function namedCases(): Report[] {
  const u = (msAgo: number, o: Record<string, unknown>) => at(msAgo, { destinationId: 'dst_u', ...o });
  return [
    u(50 * MINUTE, { messageId: 'failed-then-delivered', step: 'failed_delivery', reason: '500' }),
    u(40 * MINUTE, { messageId: 'failed-then-delivered', step: 'delivered' }),
    u(30 * MINUTE, { messageId: 'failed-last', step: 'failed_delivery', reason: '500' }),
    u(50 * MINUTE, { messageId: 'retried-then-failed', step: 'retry_enqueued', reason: '429' }),
    u(45 * MINUTE, { messageId: 'retried-then-failed', step: 'retry_resolved' }),
    u(40 * MINUTE, { messageId: 'retried-then-failed', step: 'failed_delivery', reason: '429' }),
    u(30 * MINUTE, { messageId: 'failed-then-retrying', step: 'failed_delivery', reason: '503' }),
    u(25 * MINUTE, { messageId: 'failed-then-retrying', step: 'retry_enqueued', reason: '503' }),
    u(35 * MINUTE, { step: 'failed_delivery', reason: '500', count: 7 }), // no messageId: cannot be listed
    u(33 * MINUTE, { messageId: 'bad-request', step: 'failed_delivery', reason: '400', eventName: 'Signed Up', appVersion: '9.9.9', sourceId: 'src_ios' }),
    u(60 * MINUTE, { messageId: 'failed-in-range-delivered-after', step: 'failed_delivery', reason: '500' }),
    u(5 * MINUTE, { messageId: 'failed-in-range-delivered-after', step: 'delivered' }),
    u(300 * MINUTE, { messageId: 'failed-before-range', step: 'failed_delivery', reason: '500' }),
    u(31 * MINUTE, { messageId: 'tie', step: 'failed_delivery', reason: '500' }),
    u(31 * MINUTE, { messageId: 'tie', step: 'delivered' }),
    at(40 * MINUTE, {
      destinationId: 'dst_a',
      destinationKind: 'actions',
      mappingId: 'map_1',
      messageId: 'per-mapping',
      step: 'failed_delivery',
      reason: '401',
    }),
    at(40 * MINUTE, { destinationId: 'dst_a', destinationKind: 'actions', mappingId: 'map_2', messageId: 'per-mapping', step: 'delivered' }),
    at(39 * MINUTE, { destinationId: 'dst_a', destinationKind: 'actions', mappingId: 'map_2', messageId: 'other', step: 'failed_delivery', reason: '500' }),
  ];
}

/** Random histories on dst_r: 300 messages, 1-5 reports each, ties included (whole seconds). */
function randomCases(): Report[] {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const out: Report[] = [];
  for (let m = 0; m < 300; m++) {
    const n = 1 + Math.floor(rand() * 5);
    for (let k = 0; k < n; k++) {
      const step = pick(OUTCOME_PRECEDENCE);
      const reason = step === 'delivered' || step === 'retry_resolved' ? undefined : pick(['500', '429', '400']);
      const msAgo = Math.floor(rand() * 150) * MINUTE + Math.floor(rand() * 3) * 1000;
      out.push(at(msAgo, { destinationId: 'dst_r', messageId: `r${m}`, step, ...(reason ? { reason } : {}), eventName: pick(['A', 'B']) }));
    }
  }
  return out;
}

/** The oracle: last report per (message, mapping) by (time, precedence, reason); listed when a failure in [from, to). */
function expected(
  destinationId: string,
  q: { mappingId?: string; reason?: string } = {},
): { messageId: string; mappingId: string | null; reason: string; at: string }[] {
  const last = new Map<string, Report>();
  const key = (r: Report) => [Date.parse(r.timestamp), OUTCOME_PRECEDENCE.indexOf(r.step as never), r.reason ?? ''] as const;
  const later = (a: Report, b: Report) => {
    const [x, y] = [key(a), key(b)];
    return x[0] !== y[0] ? x[0] > y[0] : x[1] !== y[1] ? x[1] > y[1] : x[2] > y[2];
  };
  for (const r of sent) {
    if (r.destinationId !== destinationId || !r.messageId) continue;
    if (q.mappingId && r.mappingId !== q.mappingId) continue;
    const k = `${r.messageId}\u0000${r.mappingId ?? ''}`;
    const seen = last.get(k);
    if (!seen || later(r, seen)) last.set(k, r);
  }
  return [...last.values()]
    .filter((r) => r.step === 'failed_delivery' && Date.parse(r.timestamp) >= from && Date.parse(r.timestamp) < to && (!q.reason || r.reason === q.reason))
    .map((r) => ({ messageId: r.messageId!, mappingId: r.mappingId ?? null, reason: r.reason!, at: new Date(Date.parse(r.timestamp)).toISOString() }))
    .sort(
      (a, b) =>
        a.at.localeCompare(b.at) ||
        (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0) ||
        (a.mappingId ?? '').localeCompare(b.mappingId ?? ''),
    );
}

async function list(id: string, vars: Record<string, unknown> = {}): Promise<Item[]> {
  const res = await t.gql<{ destination: { undelivered: Item[] } }>(token, UNDELIVERED, {
    id,
    range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    first: 1000,
    ...vars,
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.destination.undelivered;
}

const brief = (items: Item[]) => items.map((i) => ({ messageId: i.messageId, mappingId: i.mappingId, reason: i.reason, at: i.at }));

beforeAll(async () => {
  t = await startTestGateway('undelivered');
  token = await t.token('ws_u', ['read', 'ingest']);
  sent.push(...namedCases(), ...randomCases());
  for (let i = 0; i < sent.length; i += 500) expect((await t.ingest(token, sent.slice(i, i + 500))).status).toBe(200);
});
afterAll(async () => t.close());

describe('undelivered', () => {
  it('lists a message failed last, retried then failed, and none failed then delivered, still retrying, without id, or delivered at the same instant', async () => {
    const items = await list('dst_u');
    expect(items.map((i) => i.messageId)).toEqual(['retried-then-failed', 'bad-request', 'failed-last']);
    expect(brief(items)).toEqual(expected('dst_u'));
    expect(items.find((i) => i.messageId === 'bad-request')).toMatchObject({
      sourceId: 'src_ios',
      reason: '400',
      eventType: 'track',
      eventName: 'Signed Up',
      appVersion: '9.9.9',
      mappingId: null,
    });
  });

  it('judges each mapping apart and narrows to one mapping', async () => {
    expect(brief(await list('dst_a'))).toEqual(expected('dst_a'));
    expect((await list('dst_a')).map((i) => [i.messageId, i.mappingId])).toEqual([
      ['per-mapping', 'map_1'],
      ['other', 'map_2'],
    ]);
    expect((await list('dst_a', { mapping: 'map_2' })).map((i) => i.messageId)).toEqual(['other']);
    expect(brief(await list('dst_a', { mapping: 'map_1' }))).toEqual(expected('dst_a', { mappingId: 'map_1' }));
  });

  it('filters by reason', async () => {
    expect((await list('dst_u', { reason: '400' })).map((i) => i.messageId)).toEqual(['bad-request']);
    for (const reason of ['500', '429', '400']) expect(brief(await list('dst_r', { reason }))).toEqual(expected('dst_r', { reason }));
  });

  it('equals the recount on random histories with ties, and pages through them with cursors', async () => {
    const all = await list('dst_r');
    expect(all.length).toBeGreaterThan(20);
    expect(brief(all)).toEqual(expected('dst_r'));
    const paged: Item[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Item[] = await list('dst_r', { first: 7, after });
      paged.push(...page);
      if (page.length < 7) break;
      after = page[page.length - 1].cursor;
    }
    expect(paged).toEqual(all);
  });

  it('refuses a cursor it did not write, a page over 1000, a mapping on a classic destination, and a storage destination', async () => {
    const range = { preset: 'LAST_HOUR' };
    const bad = await t.gql(token, UNDELIVERED, { id: 'dst_u', range, after: 'nope' });
    expect(bad.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const big = await t.gql(token, UNDELIVERED, { id: 'dst_u', range, first: 1001 });
    expect(big.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const mapping = await t.gql(token, UNDELIVERED, { id: 'dst_u', range, mapping: 'map_1' });
    expect(mapping.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mappingId' });
    await t.ingest(token, [report({ destinationId: 'dst_wh', destinationKind: 'storage', step: 'delivered' })]);
    const storage = await t.gql(token, UNDELIVERED, { id: 'dst_wh', range });
    expect(storage.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('reads the raw reports in one statement', async () => {
    const { families } = await t.countQueries(() => list('dst_u'));
    expect(families.filter((f) => f === 'undelivered')).toHaveLength(1);
  });
});
