import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The receiver docs/replay.md prints, run as printed (node, no dependencies) against a gateway
 * pushing a replay to it: it verifies every batch and takes each message id once; with a wrong
 * secret it refuses every batch (so the replay fails), which shows it really checks.
 */
const DOC = path.resolve(__dirname, '../../docs/replay.md');
const receiverCode = /```js\n([\s\S]*?)\n```/.exec(fs.readFileSync(DOC, 'utf8'))![1];

let t: TestGateway;
let token: string;
let dir: string;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Starts the documented receiver; resolves with its output so far (a live array) once it listens. */
async function startReceiver(secret: string, port: number): Promise<string[]> {
  const child = spawn(process.execPath, [path.join(dir, 'replay-receiver.mjs')], {
    env: { PATH: process.env.PATH, REPLAY_SECRET: secret, PORT: String(port) },
  });
  children.push(child);
  const lines: string[] = [];
  child.stdout.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n').filter(Boolean)));
  const end = Date.now() + 10_000;
  while (!lines.includes('listening')) {
    if (Date.now() > end) throw new Error('the documented receiver did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return lines;
}

async function replayTo(port: number, rotate: boolean): Promise<{ id: string; secret: string }> {
  const set = await t.gql<{ setReplayEndpoint: { secret: string } }>(
    token,
    `mutation($u: String!, $r: Boolean!) { setReplayEndpoint(url: $u, rotateSecret: $r) { secret } }`,
    { u: `http://127.0.0.1:${port}/`, r: rotate },
  );
  const created = await t.gql<{ createReplay: { id: string } }>(
    token,
    `mutation { createReplay(input: { destinationId: "dst_doc", range: { preset: LAST_24_HOURS } }) { id } }`,
  );
  expect(created.body.errors).toBeUndefined();
  return { id: created.body.data!.createReplay.id, secret: set.body.data!.setReplayEndpoint.secret };
}

const status = async (id: string) =>
  (await t.gql<{ replay: { status: string } }>(token, `query($id: ID!) { replay(id: $id) { status } }`, { id })).body.data!.replay.status;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-receiver-'));
  fs.writeFileSync(path.join(dir, 'replay-receiver.mjs'), receiverCode);
  t = await startTestGateway('replay_receiver_doc', {
    REPLAY_SEND_INTERVAL_MS: '0',
    REPLAY_BATCH_SIZE: '4',
    REPLAY_BATCHES_PER_SECOND: '100',
    REPLAY_ENDPOINT_ALLOW_HTTP: 'true',
    REPLAY_SEND_ATTEMPTS: '1',
  });
  token = await t.token('ws_doc', ['read', 'ingest', 'admin']);
  const failures = Array.from({ length: 10 }, (_, i) =>
    report({ destinationId: 'dst_doc', step: 'failed_delivery', reason: '500', messageId: `doc-${i}` }, 20 + i),
  );
  expect((await t.ingest(token, failures)).status).toBe(200);
});
afterAll(async () => {
  for (const c of children) c.kill();
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('the documented receiver verifies and takes every message of a pushed replay', async () => {
  const port = await freePort();
  const { id, secret } = await replayTo(port, false);
  const lines = await startReceiver(secret, port);
  await t.gateway.replaySender.sweep();
  expect(await status(id)).toBe('SENT');
  const taken = lines.filter((l) => l.startsWith(`replay ${id}`)).map((l) => l.split(' ')[4]);
  expect(taken.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `doc-${i}`).sort());
});

it('refuses batches signed with another secret', async () => {
  const port = await freePort();
  await startReceiver('whsec_' + Buffer.alloc(32, 7).toString('base64'), port);
  const { id } = await replayTo(port, true);
  await t.gateway.replaySender.sweep();
  expect(await status(id)).toBe('FAILED');
});
