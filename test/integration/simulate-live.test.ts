import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateWindow } from '../../src/simulate/generator';
import { demoIncidents, DEMO_WORKSPACE } from '../../src/simulate/model';
import { runLive } from '../../src/simulate/live';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const WORKSPACE = 'demo_live';
const SEED = 11;

let gw: TestGateway;
let token: string;

/**
 * A real HTTP hop in front of the gateway. `mode` decides what happens to each request:
 * forward and answer, forward and then drop the connection (a lost acknowledgement),
 * or answer 503 without forwarding.
 */
function startProxy(target: string, mode: (n: number) => 'forward' | 'lose-ack' | 'fail') {
  const keys: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      keys.push(String(req.headers['idempotency-key']));
      const m = mode(keys.length);
      if (m === 'fail') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
        return;
      }
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': String(req.headers['content-type']),
          authorization: String(req.headers.authorization),
          'idempotency-key': String(req.headers['idempotency-key']),
        },
        body: Buffer.concat(chunks),
      });
      const text = await upstream.text();
      if (m === 'lose-ack') {
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  return new Promise<{ url: string; keys: string[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        keys,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

beforeAll(async () => {
  gw = await startTestGateway('simulate_live');
  token = await gw.token(WORKSPACE, ['ingest', 'read']);
});

afterAll(async () => {
  await gw?.close();
});

describe('simulator live mode against a real gateway', () => {
  it('posts NDJSON batches that are stored exactly once, even when an acknowledgement is lost', async () => {
    const proxy = await startProxy(gw.url, (n) => (n === 1 ? 'lose-ack' : 'forward'));
    const startAt = Math.floor(Date.now() / 60_000) * 60_000 - 8 * 60_000;
    const controller = new AbortController();
    let acked = 0;
    const logs: string[] = [];
    const done = runLive({
      url: proxy.url,
      token,
      seed: SEED,
      intervalMs: 100,
      // Ten times the traffic, so even the night hours give every tick something to post.
      speed: 10,
      startAt,
      signal: controller.signal,
      onBatch: (n) => (acked += n),
      log: (m) => logs.push(m),
    });
    // Wait until the catch-up is through and a few live ticks were posted.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && new Set(proxy.keys).size < 6) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await done;
    await proxy.close();

    expect(logs).toEqual([]);
    // The first batch was sent twice with the same key (its acknowledgement was lost).
    expect(proxy.keys.length).toBeGreaterThan(new Set(proxy.keys).size);
    expect(proxy.keys[1]).toBe(proxy.keys[0]);
    expect(proxy.keys.every((k) => /^sim:11:\d+-\d+:\d+$/.test(k))).toBe(true);

    // What is stored is exactly the generator's output up to the last acknowledged span.
    const lastTo = Math.max(...proxy.keys.map((k) => Number(/-(\d+):/.exec(k)![1])));
    const expected = generateWindow({ model: DEMO_WORKSPACE, seed: SEED, from: startAt, to: lastTo, incidents: demoIncidents(startAt), volumeScale: 10 });
    const [stored] = await gw.sql<{ reports: number; events: number }>(
      `SELECT count() AS reports, sum(count) AS events FROM {{db}}.delivery_events WHERE workspace_id = {ws:String}`,
      { ws: WORKSPACE },
    );
    const [syncs] = await gw.sql<{ n: number }>(`SELECT count() AS n FROM {{db}}.warehouse_syncs FINAL WHERE workspace_id = {ws:String}`, { ws: WORKSPACE });
    expect(Number(stored.reports)).toBe(expected.deliveries.length);
    expect(Number(stored.events)).toBe(expected.deliveries.reduce((s, d) => s + d.count, 0));
    expect(Number(syncs.n)).toBe(expected.syncs.length);
    expect(acked).toBe(expected.deliveries.length + expected.syncs.length);
    expect(acked).toBeGreaterThan(0);
  });

  it('retries a failing batch with the same key, then gives up and logs', async () => {
    const proxy = await startProxy(gw.url, () => 'fail');
    const controller = new AbortController();
    const logs: string[] = [];
    const done = runLive({
      url: proxy.url,
      token,
      seed: SEED,
      intervalMs: 50,
      startAt: Date.now() - 3 * 60_000,
      maxAttempts: 3,
      signal: controller.signal,
      log: (m) => {
        logs.push(m);
        controller.abort();
      },
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && logs.length === 0) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await done;
    await proxy.close();
    expect(logs[0]).toMatch(/gave up on batch sim:11:\d+-\d+:0 .* after 3 attempts: HTTP 503/);
    expect(proxy.keys.slice(0, 3)).toEqual([proxy.keys[0], proxy.keys[0], proxy.keys[0]]);
  });
});
