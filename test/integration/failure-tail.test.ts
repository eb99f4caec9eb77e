import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The live failure tail over real graphql-ws: reports reach subscribers as ingest stores them,
 * at most LIVE_TAIL_MAX_PER_SECOND (20) a second each, the rest counted; nothing is polled.
 */
let t: TestGateway;
let token: string;
let client: Client;

interface Batch {
  failures: {
    at: string;
    messageId: string | null;
    step: string;
    reason: string;
    mappingId: string | null;
    eventName: string;
    attempt: number | null;
    count: number;
  }[];
  more: number;
}
const TAIL = `subscription($d: ID!, $s: PipelineStepKind, $m: ID, $f: EventFilter) {
  deliveryFailures(destinationId: $d, step: $s, mappingId: $m, filter: $f) { failures { at messageId step reason mappingId eventName attempt count } more at } }`;

function tail(variables: Record<string, unknown>) {
  const batches: Batch[] = [];
  const errors: unknown[] = [];
  const dispose = client.subscribe<{ deliveryFailures: Batch }>(
    { query: TAIL, variables },
    { next: (v) => (v.errors ? errors.push(v.errors) : batches.push(v.data!.deliveryFailures)), error: (e) => errors.push(e), complete: () => undefined },
  );
  const until = async (pred: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify({ batches, errors })}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const failures = () => batches.flatMap((b) => b.failures);
  const more = () => batches.reduce((n, b) => n + b.more, 0);
  return { batches, errors, until, failures, more, dispose };
}

beforeAll(async () => {
  t = await startTestGateway('failure_tail', { ALERT_EVAL_INTERVAL_MS: '0', REPLAY_SEND_INTERVAL_MS: '0' });
  token = await t.token('ws_tail', ['read', 'ingest']);
  const seen = [
    report({ destinationId: 'dst_t', step: 'delivered' }, 600),
    report({ destinationId: 'dst_act', destinationKind: 'actions', mappingId: 'map_1', step: 'delivered' }, 600),
    report({ destinationId: 'dst_act', destinationKind: 'actions', mappingId: 'map_2', step: 'delivered' }, 600),
  ];
  expect((await t.ingest(token, seen)).status).toBe(200);
  client = createClient({
    url: t.gateway.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
});
afterAll(async () => {
  await client?.dispose();
  await t?.close();
});

describe('deliveryFailures', () => {
  it('pushes stored failures at most 20 a second to a subscriber, then says how many more, and polls nothing', async () => {
    const sub = tail({ d: 'dst_t', s: 'FAILED_DELIVERY' });
    await sub.until(() => sub.batches.length === 1);
    expect(sub.batches[0]).toEqual({ failures: [], more: 0, at: expect.any(String) });
    // Subscribed and idle: no statement runs for it.
    const idle = await t.countQueries(() => new Promise((r) => setTimeout(r, 1500)));
    expect(idle.families).toEqual([]);

    const failed = Array.from({ length: 100 }, (_, i) =>
      report({ destinationId: 'dst_t', step: 'failed_delivery', reason: '503', messageId: `m${i}`, attempt: 1 + (i % 3) }, 1),
    );
    const others = [
      ...Array.from({ length: 7 }, () => report({ destinationId: 'dst_t', step: 'delivered' }, 1)),
      ...Array.from({ length: 5 }, () => report({ destinationId: 'dst_t', step: 'filtered_destination', reason: 'filtered_by_rule' }, 1)),
      ...Array.from({ length: 5 }, () => report({ destinationId: 'dst_other', step: 'failed_delivery', reason: '503' }, 1)),
    ];
    expect((await t.ingest(token, [...failed, ...others])).status).toBe(200);
    await sub.until(() => sub.failures().length + sub.more() === 100);
    await new Promise((r) => setTimeout(r, 1200)); // a second later: nothing else comes
    expect(sub.failures()).toHaveLength(20);
    expect(sub.more()).toBe(80);
    expect(sub.failures().every((f) => f.step === 'FAILED_DELIVERY' && f.reason === '503' && f.count === 1)).toBe(true);
    expect(sub.failures()[0]).toMatchObject({ messageId: 'm0', attempt: 1, mappingId: null, eventName: 'Order Completed' });
    expect(Math.max(...sub.batches.map((b) => b.failures.length))).toBeLessThanOrEqual(20);
    sub.dispose();
  });

  it('narrows to a step, a mapping and an event filter, and refuses what it cannot show', async () => {
    const filtered = tail({ d: 'dst_t', s: 'FILTERED_AT_DESTINATION' });
    const mapping = tail({ d: 'dst_act', m: 'map_2', f: { eventNames: ['Signed Up'] } });
    await filtered.until(() => filtered.batches.length === 1);
    await mapping.until(() => mapping.batches.length === 1);
    const act = (mappingId: string, eventName: string, messageId: string) =>
      report({ destinationId: 'dst_act', destinationKind: 'actions', mappingId, step: 'failed_delivery', reason: '400', eventName, messageId }, 1);
    expect(
      (
        await t.ingest(token, [
          act('map_1', 'Signed Up', 'a'),
          act('map_2', 'Order Completed', 'b'),
          act('map_2', 'Signed Up', 'c'),
          report({ destinationId: 'dst_t', step: 'filtered_destination', reason: 'x', messageId: 'f' }, 1),
        ])
      ).status,
    ).toBe(200);
    await mapping.until(() => mapping.failures().length === 1);
    await filtered.until(() => filtered.failures().length === 1);
    expect(mapping.failures().map((f) => [f.messageId, f.mappingId])).toEqual([['c', 'map_2']]);
    expect(filtered.failures().map((f) => [f.messageId, f.step])).toEqual([['f', 'FILTERED_AT_DESTINATION']]);
    filtered.dispose();
    mapping.dispose();

    const refused = tail({ d: 'dst_t', s: 'SUCCESSFUL_DELIVERY' });
    const unknown = tail({ d: 'dst_nope' });
    await refused.until(() => refused.errors.length > 0);
    await unknown.until(() => unknown.errors.length > 0);
    expect(JSON.stringify(refused.errors)).toContain('BAD_USER_INPUT');
    expect(JSON.stringify(unknown.errors)).toContain('NOT_FOUND');
  });
});
