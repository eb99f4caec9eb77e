import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { Receiver, verifyStandardWebhook, type Received } from '../helpers/webhook-receiver';

/**
 * Replays end to end on the real engine: GraphQL to preview, create and cancel, the sender
 * pushing to a real receiver on 127.0.0.1 (sweeps run by hand: REPLAY_SEND_INTERVAL_MS=0),
 * signatures checked by a verifier written from the Standard Webhooks specification
 * (test/helpers/webhook-receiver.ts), the pull endpoint, and the outcome from later reports.
 */
const WS = 'ws_replay';
const MINUTE = 60_000;
let t: TestGateway;
let admin: string;
let readOnly: string;
let replayOnly: string;
let receiver: Receiver;
let secret: string;

const REPLAY_FIELDS = 'id status delivery messages batches createdBy progress { batchesSent batchesAcknowledged messagesSent messagesAcknowledged }';
const CREATE = `mutation($input: ReplayInput!, $delivery: ReplayDelivery, $key: String) {
  createReplay(input: $input, delivery: $delivery, idempotencyKey: $key) { ${REPLAY_FIELDS} } }`;
const PREVIEW = `query($input: ReplayInput!) { replayPreview(input: $input) {
  total inActiveReplay replayable maxMessages byReason { reason count } byMapping { mappingId count } } }`;
const UNDELIVERED = `query($id: ID!, $range: TimeRangeInput!, $mapping: ID, $reason: String, $filter: EventFilter, $after: String) {
  destination(id: $id) { undelivered(range: $range, mappingId: $mapping, reason: $reason, filter: $filter, first: 1000, after: $after) { cursor messageId mappingId } } }`;
const RANGE = { preset: 'LAST_24_HOURS' };

interface ReplayValue {
  id: string;
  status: string;
  messages: number;
  batches: number;
  progress: { batchesSent: number; batchesAcknowledged: number; messagesSent: number; messagesAcknowledged: number };
}
interface Batch {
  type: string;
  data: {
    replayId: string;
    destinationId: string;
    batch: number;
    batches: number;
    messages: { messageId: string; mappingId: string | null; reason: string }[];
  };
}

const body = (r: Received) => JSON.parse(r.raw) as Batch;
const pairKey = (m: { messageId: string; mappingId: string | null }) => `${m.messageId}|${m.mappingId ?? ''}`;

async function create(input: Record<string, unknown>, extra: Record<string, unknown> = {}, token = admin): Promise<ReplayValue> {
  const res = await t.gql<{ createReplay: ReplayValue }>(token, CREATE, { input, ...extra });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createReplay;
}

async function undeliveredPairs(vars: Record<string, unknown>): Promise<string[]> {
  const res = await t.gql<{ destination: { undelivered: { messageId: string; mappingId: string | null }[] } }>(admin, UNDELIVERED, { range: RANGE, ...vars });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.destination.undelivered.map(pairKey).sort();
}

function sentPairs(replayId: string): string[] {
  return receiver.requests
    .filter((r) => body(r).data.replayId === replayId)
    .flatMap((r) => body(r).data.messages.map(pairKey))
    .sort();
}

function failures(destinationId: string, ids: string[], extra: Record<string, unknown> = {}, minutesAgo = (i: number) => 20 + i): Record<string, unknown>[] {
  return ids.map((id, i) =>
    report(
      {
        destinationId,
        messageId: id,
        step: 'failed_delivery',
        reason: i % 2 === 0 ? '500' : '429',
        eventName: i % 3 === 0 ? 'Signed Up' : 'Order Completed',
        ...extra,
      },
      minutesAgo(i),
    ),
  );
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  receiver = await new Receiver().start();
  t = await startTestGateway('replay', {
    REPLAY_SEND_INTERVAL_MS: '0',
    REPLAY_BATCH_SIZE: '7',
    REPLAY_BATCHES_PER_SECOND: '200',
    REPLAY_RETRY_BASE_DELAY_MS: '20',
    REPLAY_MAX_MESSAGES: '150',
    REPLAY_ENDPOINT_ALLOW_HTTP: 'true',
    LIVE_POLL_INTERVAL_MS: '100',
  });
  [admin, readOnly, replayOnly] = await Promise.all([t.token(WS, ['read', 'ingest', 'admin']), t.token(WS, ['read']), t.token(WS, ['replay'])]);
  const r = ids('r', 60);
  const act = ids('a', 24);
  const rows = [
    ...failures('dst_r', r),
    // Delivered after failing: not undelivered, so never replayed.
    ...r.slice(50).map((id) => report({ destinationId: 'dst_r', messageId: id, step: 'delivered' }, 5)),
    ...failures('dst_act', act, { destinationKind: 'actions', mappingId: 'map_a' }),
    ...failures('dst_act', act, { destinationKind: 'actions', mappingId: 'map_b' }),
    ...act.slice(0, 8).map((id) => report({ destinationId: 'dst_act', destinationKind: 'actions', mappingId: 'map_b', messageId: id, step: 'delivered' }, 5)),
    ...failures('dst_big', ids('b', 160)),
    report({ destinationId: 'dst_wh', destinationKind: 'storage', step: 'delivered' }),
  ];
  for (let i = 0; i < rows.length; i += 200) expect((await t.ingest(admin, rows.slice(i, i + 200))).status).toBe(200);
  const set = await t.gql<{ setReplayEndpoint: { secret: string; endpoint: { url: string } } }>(
    admin,
    `mutation($url: String!) { setReplayEndpoint(url: $url) { secret endpoint { url } } }`,
    { url: `${receiver.url}/replays?token=in-the-path` },
  );
  expect(set.body.errors).toBeUndefined();
  secret = set.body.data!.setReplayEndpoint.secret;
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(set.body.data!.setReplayEndpoint.endpoint.url).toBe(`${receiver.url}/…`);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('replays', () => {
  it('previews what undelivered lists, by reason and by mapping', async () => {
    const res = await t.gql<{ replayPreview: Record<string, unknown> }>(admin, PREVIEW, { input: { destinationId: 'dst_r', range: RANGE } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.replayPreview).toEqual({
      total: 50,
      inActiveReplay: 0,
      replayable: 50,
      maxMessages: 150,
      byReason: [
        { reason: '429', count: 25 },
        { reason: '500', count: 25 },
      ],
      byMapping: [{ mappingId: null, count: 50 }],
    });
    const act = await t.gql<{ replayPreview: { total: number; byMapping: unknown[] } }>(admin, PREVIEW, { input: { destinationId: 'dst_act', range: RANGE } });
    expect(act.body.data!.replayPreview).toMatchObject({
      total: 40,
      byMapping: [
        { mappingId: 'map_a', count: 24 },
        { mappingId: 'map_b', count: 16 },
      ],
    });
  });

  it('pushes batches signed as Standard Webhooks says: an independent verifier accepts each and refuses a tampered one', async () => {
    const job = await create({ destinationId: 'dst_r', range: RANGE, reason: '500' });
    expect(job).toMatchObject({ status: 'PENDING', messages: 25, batches: 4 });
    await t.gateway.replaySender.sweep();
    const mine = receiver.requests.filter((r) => body(r).data.replayId === job.id);
    expect(mine).toHaveLength(4);
    for (const r of mine) {
      expect(r.path).toBe('/replays?token=in-the-path');
      expect(verifyStandardWebhook(secret, r.headers, r.raw)).toBeNull();
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    }
    // The verifier can fail: another body, another secret, an old timestamp.
    expect(verifyStandardWebhook(secret, mine[0].headers, mine[0].raw.replace('"batch":0', '"batch":9'))).toBe('no v1 signature matches');
    expect(verifyStandardWebhook('whsec_' + Buffer.alloc(32, 1).toString('base64'), mine[0].headers, mine[0].raw)).toBe('no v1 signature matches');
    expect(verifyStandardWebhook(secret, mine[0].headers, mine[0].raw, Date.now() + 10 * MINUTE)).toBe('timestamp outside the tolerance');
    expect(new Set(mine.map((r) => r.headers['webhook-id'])).size).toBe(4);
    expect(mine.map((r) => body(r).data.batch).sort()).toEqual([0, 1, 2, 3]);
    const done = await t.gql<{ replay: ReplayValue }>(readOnly, `query($id: ID!) { replay(id: $id) { ${REPLAY_FIELDS} } }`, { id: job.id });
    expect(done.body.data!.replay).toMatchObject({
      status: 'SENT',
      progress: { batchesSent: 4, batchesAcknowledged: 4, messagesSent: 25, messagesAcknowledged: 25 },
    });
  });

  it('sends exactly the messages undelivered lists for the same input (reason; mapping and event filter)', async () => {
    const byReason = await create({ destinationId: 'dst_r', range: RANGE, reason: '429', step: 'FAILED_DELIVERY' });
    const filter = { eventNames: ['Order Completed'] };
    const byMapping = await create({ destinationId: 'dst_act', range: RANGE, mappingId: 'map_b', filter });
    // One replay per workspace at a time (the endpoint's pace is per workspace): two sweeps.
    await t.gateway.replaySender.sweep();
    expect(sentPairs(byMapping.id)).toEqual([]);
    await t.gateway.replaySender.sweep();
    const expected429 = await undeliveredPairs({ id: 'dst_r', reason: '429' });
    expect(expected429).toHaveLength(25);
    expect(sentPairs(byReason.id)).toEqual(expected429);
    const expectedMapping = await undeliveredPairs({ id: 'dst_act', mapping: 'map_b', filter });
    expect(expectedMapping.length).toBeGreaterThan(5);
    expect(sentPairs(byMapping.id)).toEqual(expectedMapping);
  });

  it('refuses more than REPLAY_MAX_MESSAGES, leaves out what an active replay holds, returns the first job for a repeated key, and cancels', async () => {
    const big = await t.gql(admin, CREATE, { input: { destinationId: 'dst_big', range: RANGE } });
    expect(big.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'replayMaxMessages', value: 150, matched: 160 });
    const first = await create({ destinationId: 'dst_big', range: RANGE, reason: '500' }, { delivery: 'PULL', key: 'incident-42' });
    expect(first).toMatchObject({ messages: 80, batches: 12, delivery: 'PULL' });
    expect((await create({ destinationId: 'dst_big', range: RANGE }, { delivery: 'PULL', key: 'incident-42' })).id).toBe(first.id);
    const preview = await t.gql<{ replayPreview: Record<string, unknown> }>(admin, PREVIEW, { input: { destinationId: 'dst_big', range: RANGE } });
    expect(preview.body.data!.replayPreview).toMatchObject({ total: 160, inActiveReplay: 80, replayable: 80 });
    const held = await t.gql(admin, CREATE, { input: { destinationId: 'dst_big', range: RANGE, reason: '500' }, delivery: 'PULL' });
    expect(held.body.errors![0]).toMatchObject({
      message: expect.stringContaining('80 that match are already in an active replay'),
      extensions: { code: 'BAD_USER_INPUT', inActiveReplay: 80 },
    });
    const rest = await create({ destinationId: 'dst_big', range: RANGE }, { delivery: 'PULL' });
    expect(rest.messages).toBe(80);
    const cancel = `mutation($id: ID!) { cancelReplay(id: $id) { id status } }`;
    expect((await t.gql<{ cancelReplay: { status: string } }>(replayOnly, cancel, { id: first.id })).body.data!.cancelReplay.status).toBe('CANCELLED');
    expect((await t.gql<{ cancelReplay: { status: string } }>(admin, cancel, { id: first.id })).body.data!.cancelReplay.status).toBe('CANCELLED');
    const after = await t.gql<{ replayPreview: Record<string, unknown> }>(admin, PREVIEW, { input: { destinationId: 'dst_big', range: RANGE, reason: '500' } });
    expect(after.body.data!.replayPreview).toMatchObject({ total: 80, inActiveReplay: 0 });
    const list = await t.gql<{ replays: { id: string }[] }>(readOnly, '{ replays(first: 100) { id } }');
    expect(list.body.data!.replays.map((r) => r.id)).toEqual(expect.arrayContaining([first.id, rest.id]));
    expect((await t.gql(readOnly, cancel, { id: rest.id })).body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('lets the delivery system pull a replay batch by batch; asking past a batch acknowledges it, the empty last page ends it', async () => {
    const job = await create({ destinationId: 'dst_act', range: RANGE, mappingId: 'map_a' }, { delivery: 'PULL' }, replayOnly);
    expect(job).toMatchObject({ messages: 24, batches: 4 });
    const get = (query: string, token = replayOnly) =>
      fetch(`${t.url}/v1/replays/${job.id}/messages${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('', readOnly)).status).toBe(403);
    expect((await get('?batches=11')).status).toBe(400);
    const pulled: string[] = [];
    let query = '?batches=3';
    let pages = 0;
    for (;;) {
      const res = await get(query);
      expect(res.status).toBe(200);
      const text = await res.text();
      pulled.push(
        ...text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { messageId: string; mappingId: string | null; destinationId: string })
          .map((m) => (expect(m.destinationId).toBe('dst_act'), pairKey(m))),
      );
      const next = res.headers.get('x-replay-next');
      if (next === null) break;
      if (pages++ === 0) {
        // A puller that lost the page asks again with the same cursor: the same batches.
        const again = await get(query);
        expect((await again.text()).split('\n').filter(Boolean)).toHaveLength(21);
      }
      query = `?batches=3&after=${next}`;
    }
    expect(pulled.sort()).toEqual(await undeliveredPairs({ id: 'dst_act', mapping: 'map_a' }));
    const done = await t.gql<{ replay: ReplayValue }>(replayOnly, `query($id: ID!) { replay(id: $id) { ${REPLAY_FIELDS} } }`, { id: job.id });
    expect(done.body.data!.replay).toMatchObject({ status: 'SENT', progress: { batchesSent: 4, batchesAcknowledged: 4, messagesAcknowledged: 24 } });
  });

  it('says half recovered once delivered reports arrive for half the messages, pushes it live, and counts failures again by reason', async () => {
    const chosen = ids('r', 40).filter((_, i) => i % 2 === 1); // 20 messages that failed with 429
    const job = await create({ destinationId: 'dst_r', messageIds: chosen }, { delivery: 'PULL' });
    expect(job.messages).toBe(20);
    const client = createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${readOnly}` },
      retryAttempts: 0,
      lazy: true,
    });
    const seen: { recovered: number; failedAgain: number; waiting: number }[] = [];
    const dispose = client.subscribe<{ replayUpdated: { outcome: { recovered: number; failedAgain: number; waiting: number } } }>(
      { query: 'subscription($id: ID!) { replayUpdated(id: $id) { status outcome { recovered failedAgain waiting } } }', variables: { id: job.id } },
      { next: (v) => v.data && seen.push(v.data.replayUpdated.outcome), error: () => undefined, complete: () => undefined },
    );
    const waitSeen = async (pred: () => boolean) => {
      const end = Date.now() + 20_000;
      while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      await waitSeen(() => seen.length > 0);
      const later = (extra: Record<string, unknown>) => ({
        ...report({ destinationId: 'dst_r', ...extra }),
        timestamp: new Date(Date.now() + 2000).toISOString(),
      });
      const rows = [
        ...chosen.slice(0, 10).map((id) => later({ messageId: id, step: 'delivered' })),
        ...chosen.slice(10, 13).map((id) => later({ messageId: id, step: 'failed_delivery', reason: '503' })),
      ];
      expect((await t.ingest(admin, rows)).status).toBe(200);
      const res = await t.gql<{ replay: { outcome: unknown } }>(
        readOnly,
        `query($id: ID!) { replay(id: $id) { outcome { recovered failedAgain waiting failedAgainByReason { reason count } } } }`,
        { id: job.id },
      );
      expect(res.body.data!.replay.outcome).toEqual({ recovered: 10, failedAgain: 3, waiting: 7, failedAgainByReason: [{ reason: '503', count: 3 }] });
      await waitSeen(() => seen.some((o) => o.recovered === 10));
      expect(seen[0]).toEqual({ recovered: 0, failedAgain: 0, waiting: 20 });
      expect(seen[seen.length - 1]).toEqual({ recovered: 10, failedAgain: 3, waiting: 7 });
    } finally {
      dispose();
      await client.dispose();
    }
  });

  it('sends nothing of a replay cancelled before the sender got to it', async () => {
    const job = await create({ destinationId: 'dst_act', range: RANGE, mappingId: 'map_b' });
    await t.gql(admin, `mutation($id: ID!) { cancelReplay(id: $id) { id } }`, { id: job.id });
    await t.gateway.replaySender.sweep();
    expect(receiver.requests.filter((r) => body(r).data.replayId === job.id)).toEqual([]);
  });

  it('refuses what cannot be replayed, naming the field', async () => {
    const refuse = async (input: Record<string, unknown>, field: string, extra: Record<string, unknown> = {}, token = admin) => {
      const res = await t.gql(token, CREATE, { input, ...extra });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await refuse({ destinationId: 'dst_wh', range: RANGE }, 'destinationId');
    await refuse({ destinationId: 'dst_r', range: RANGE, step: 'FILTERED_AT_DESTINATION' }, 'step');
    await refuse({ destinationId: 'dst_r' }, 'range');
    await refuse({ destinationId: 'dst_r', range: RANGE, mappingId: 'map_a' }, 'mappingId');
    await refuse({ destinationId: 'dst_r', messageIds: [] }, 'messageIds');
    const other = await t.token('ws_replay_other', ['read', 'ingest', 'admin']);
    await t.ingest(other, failures('dst_o', ids('o', 3)));
    await refuse({ destinationId: 'dst_o', range: RANGE }, 'delivery', {}, other);
    const http = await t.gql(admin, `mutation { setReplayEndpoint(url: "ftp://example.com/x") { secret } }`);
    expect(http.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect((await t.gql(readOnly, PREVIEW, { input: { destinationId: 'nope', range: RANGE } })).body.errors![0].extensions!.code).toBe('NOT_FOUND');
  });
});
