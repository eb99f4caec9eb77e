import { report, startTestGateway, uniqueDatabase, type TestGateway } from '../helpers/gateway';
import { Receiver, verifyStandardWebhook, type Received } from '../helpers/webhook-receiver';

/**
 * A gateway stopped while it pushes a replay (its request to the endpoint still open), then a new
 * gateway on the same database: the new one resumes on its own and loses no batch; the only batch
 * sent twice is the one in flight at the stop, both times with the same webhook-id and body.
 */
const DATABASE = uniqueDatabase('replay_restart');
const ROOT = 'root-token-of-the-replay-restart-test';
const ENV = {
  CLICKHOUSE_DATABASE: DATABASE,
  ROOT_TOKEN: ROOT,
  REPLAY_BATCH_SIZE: '5',
  REPLAY_BATCHES_PER_SECOND: '200',
  REPLAY_RETRY_BASE_DELAY_MS: '20',
  REPLAY_ENDPOINT_ALLOW_HTTP: 'true',
};
const HUNG_BATCH = 4;

let receiver: Receiver;
let first: TestGateway | null = null;
let second: TestGateway | null = null;
let hung = false;

const batchOf = (r: Received) => (JSON.parse(r.raw) as { data: { batch: number } }).data.batch;

beforeAll(async () => {
  // The first request for the hung batch is never answered: it is in flight when the gateway stops.
  receiver = await new Receiver((r) => {
    if (batchOf(r) === HUNG_BATCH && !hung) {
      hung = true;
      return 'hang';
    }
    return 200;
  }).start();
});
afterAll(async () => {
  await first?.close({ keepData: true });
  await second?.close();
  await receiver.close();
});

it('resumes after a restart, losing no batch and repeating only the one in flight, with the same webhook-id', async () => {
  first = await startTestGateway('replay_restart', { ...ENV, REPLAY_SEND_INTERVAL_MS: '0' });
  const token = await first.token('ws_restart', ['read', 'ingest', 'admin']);
  const failures = Array.from({ length: 50 }, (_, i) =>
    report({ destinationId: 'dst_x', messageId: `m${String(i).padStart(2, '0')}`, step: 'failed_delivery', reason: '500' }, 20 + i),
  );
  expect((await first.ingest(token, failures)).status).toBe(200);
  const set = await first.gql<{ setReplayEndpoint: { secret: string } }>(token, `mutation($url: String!) { setReplayEndpoint(url: $url) { secret } }`, {
    url: `${receiver.url}/r`,
  });
  const secret = set.body.data!.setReplayEndpoint.secret;
  const created = await first.gql<{ createReplay: { id: string; batches: number } }>(
    token,
    `mutation { createReplay(input: { destinationId: "dst_x", range: { preset: LAST_24_HOURS } }) { id batches } }`,
  );
  const { id, batches } = created.body.data!.createReplay;
  expect(batches).toBe(10);

  const sweeping = first.gateway.replaySender.sweep();
  await receiver.until((rs) => rs.some((r) => batchOf(r) === HUNG_BATCH));
  await first.close({ keepData: true }); // stops the sender: the hung request is abandoned, the lease released
  await sweeping;
  first = null;
  expect(receiver.requests.map(batchOf)).toEqual([0, 1, 2, 3, HUNG_BATCH]);

  second = await startTestGateway('replay_restart', { ...ENV, REPLAY_SEND_INTERVAL_MS: '50' });
  const status = async () =>
    (
      await second!.gql<{ replay: { status: string; progress: { batchesAcknowledged: number } } }>(
        token,
        `query($id: ID!) { replay(id: $id) { status progress { batchesAcknowledged } } }`,
        { id },
      )
    ).body.data!.replay;
  const end = Date.now() + 60_000;
  while ((await status()).status !== 'SENT' && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  expect(await status()).toEqual({ status: 'SENT', progress: { batchesAcknowledged: 10 } });

  const sent = receiver.requests.map(batchOf);
  expect([...new Set(sent)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const times = (b: number) => sent.filter((x) => x === b).length;
  expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(times)).toEqual([1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
  const twice = receiver.requests.filter((r) => batchOf(r) === HUNG_BATCH);
  expect(twice[1].headers['webhook-id']).toBe(twice[0].headers['webhook-id']);
  expect(twice[1].raw).toBe(twice[0].raw);
  // One webhook-id per batch, each request signed.
  const idsByBatch = new Map(receiver.requests.map((r) => [batchOf(r), r.headers['webhook-id']]));
  expect(new Set(idsByBatch.values()).size).toBe(10);
  for (const r of receiver.requests) expect(verifyStandardWebhook(secret, r.headers, r.raw)).toBeNull();
});
