import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  // Statements per tick are counted here: with the result cache on, an unchanged key reads none.
  t = await startTestGateway('live', {
    RESULT_CACHE_ENTRIES: '0',
    LIVE_POLL_INTERVAL_MS: '200',
    WS_CONNECTION_INIT_TIMEOUT_MS: '2000',
    WS_KEEPALIVE_MS: '1500',
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '150',
  });
  tokenA = await t.token('ws_live_a', ['read', 'ingest']);
  tokenB = await t.token('ws_live_b', ['read', 'ingest']);
  const seed = () => Array.from({ length: 10 }, (_, i) => report({ destinationId: `dst_${i}`, step: 'delivered' }, 20));
  expect((await t.ingest(tokenA, seed())).status).toBe(200);
  expect((await t.ingest(tokenB, seed())).status).toBe(200);
});
afterAll(async () => t.close());

function client(token: string): Client {
  return createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
}

/** Collects values of one subscription into an array; `until` resolves when `pred` holds. */
function collect<T>(c: Client, query: string, variables: Record<string, unknown>) {
  const values: T[] = [];
  const errors: unknown[] = [];
  const waiters: { pred: (v: T[]) => boolean; resolve: () => void }[] = [];
  const dispose = c.subscribe<T>(
    { query, variables },
    {
      next: (v) => {
        if (v.errors) errors.push(v.errors);
        else values.push(v.data as T);
        for (const w of [...waiters]) if (w.pred(values)) w.resolve();
      },
      error: (e) =>
        errors.push(
          e instanceof Error
            ? { error: e.message }
            : (e as { code?: number; reason?: string }).code !== undefined
              ? { close: (e as { code: number }).code, reason: (e as { reason?: string }).reason }
              : e,
        ),
      complete: () => undefined,
    },
  );
  const until = (pred: (v: T[]) => boolean, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      if (pred(values)) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out; values=${JSON.stringify(values)} errors=${JSON.stringify(errors)}`)), ms);
      waiters.push({ pred, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { values, errors, until, dispose };
}

const RETRY = 'subscription($d: ID!) { retryPendingChanged(destinationId: $d) { destinationId count at } }';
type RetryValue = { retryPendingChanged: { destinationId: string; count: number } };

async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('retryPendingChanged', () => {
  it('sends the current count at once, then each change pushed by ingest', async () => {
    const c = client(tokenA);
    const sub = collect<RetryValue>(c, RETRY, { d: 'dst_1' });
    await sub.until((v) => v.length === 1);
    expect(sub.values[0].retryPendingChanged).toEqual({ destinationId: 'dst_1', count: 0, at: expect.any(String) });
    const posted = Date.now();
    expect((await t.ingest(tokenA, [report({ destinationId: 'dst_1', step: 'retry_enqueued', reason: '429', count: 7 }, 1)])).status).toBe(200);
    await sub.until((v) => v.some((x) => x.retryPendingChanged.count === 7));
    expect(Date.now() - posted).toBeLessThan(3000);
    expect((await t.ingest(tokenA, [report({ destinationId: 'dst_1', step: 'retry_resolved', count: 2 }, 1)])).status).toBe(200);
    await sub.until((v) => v.some((x) => x.retryPendingChanged.count === 5));
    // No push without a change.
    const n = sub.values.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(sub.values.length).toBe(n);
    sub.dispose();
    await c.dispose();
  });

  it('workspace A never sees B: the same destination id is a different key, an unknown id is an error', async () => {
    const a = client(tokenA);
    const b = client(tokenB);
    expect((await t.ingest(tokenB, [report({ destinationId: 'dst_2', step: 'retry_enqueued', reason: '429', count: 99 }, 1)])).status).toBe(200);
    const subA = collect<RetryValue>(a, RETRY, { d: 'dst_2' });
    const subB = collect<RetryValue>(b, RETRY, { d: 'dst_2' });
    await subA.until((v) => v.length >= 1);
    await subB.until((v) => v.some((x) => x.retryPendingChanged.count === 99));
    expect(subA.values.map((v) => v.retryPendingChanged.count)).toEqual([0]);
    const unknown = collect<RetryValue>(a, RETRY, { d: 'dst_only_in_b' });
    await waitFor(() => unknown.errors.length > 0);
    expect(JSON.stringify(unknown.errors)).toContain('NOT_FOUND');
    subA.dispose();
    subB.dispose();
    await a.dispose();
    await b.dispose();
  });
});

describe('pipelineUpdated', () => {
  it('pushes the pipeline when a step changes', async () => {
    const c = client(tokenA);
    type P = { pipelineUpdated: { steps: { kind: string; count: number }[] } };
    const sub = collect<P>(c, 'subscription { pipelineUpdated(destinationId: "dst_3", range: { preset: LAST_HOUR }) { steps { kind count } } }', {});
    await sub.until((v) => v.length === 1);
    const delivered = (p: P) => p.pipelineUpdated.steps.find((s) => s.kind === 'SUCCESSFUL_DELIVERY')!.count;
    const before = delivered(sub.values[0]);
    expect((await t.ingest(tokenA, [report({ destinationId: 'dst_3', step: 'delivered', count: 4 }, 0)])).status).toBe(200);
    await sub.until((v) => delivered(v[v.length - 1]) === before + 4);
    sub.dispose();
    await c.dispose();
  });

  it('refuses a custom range', async () => {
    const c = client(tokenA);
    const sub = collect(c, 'subscription($r: TimeRangeInput!) { pipelineUpdated(destinationId: "dst_3", range: $r) { from } }', {
      r: { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() },
    });
    await waitFor(() => sub.errors.length > 0);
    expect(JSON.stringify(sub.errors)).toContain('TIME_RANGE_INVALID');
    await c.dispose();
  });
});

describe('the hub', () => {
  it('serves 1,000 subscribers on 10 keys of one workspace with one statement per interval', async () => {
    const clients = Array.from({ length: 10 }, () => client(tokenA));
    const subs = clients.flatMap((c, ci) => Array.from({ length: 100 }, (_, i) => collect<RetryValue>(c, RETRY, { d: `dst_${(ci * 100 + i) % 10}` })));
    await Promise.all(subs.map((s) => s.until((v) => v.length >= 1, 15_000)));
    expect(t.gateway.hub.activeSubscriptions).toBe(1000);
    expect(t.gateway.hub.activeKeys).toBe(10);
    const { families } = await t.countQueries(() => new Promise((r) => setTimeout(r, 1000)));
    const polls = families.filter((f) => f === 'retry_pending').length;
    // 1 s at a 200 ms interval: the workspace's 10 keys are polled together, about 5
    // statements in all (it was 5 per key before the hub batched per workspace), never one
    // per subscriber.
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(8);
    expect(t.gateway.hub.activeWorkspaces).toBe(1);
    // A change reaches every subscriber of its key.
    expect((await t.ingest(tokenA, [report({ destinationId: 'dst_7', step: 'retry_enqueued', reason: '429', count: 3 }, 1)])).status).toBe(200);
    const onKey = subs.filter((_, i) => i % 10 === 7);
    await Promise.all(onKey.map((s) => s.until((v) => v.some((x) => x.retryPendingChanged.count === 3))));
    await Promise.all(clients.map((c) => c.dispose()));
    await waitFor(() => t.gateway.hub.activeSubscriptions === 0);
    expect(t.gateway.hub.activeKeys).toBe(0);
  });

  it('caps subscriptions per connection with a clear error', async () => {
    const c = client(tokenA);
    const subs = Array.from({ length: 151 }, () => collect<RetryValue>(c, RETRY, { d: 'dst_4' }));
    await waitFor(() => subs.filter((s) => s.values.length > 0).length === 150 && subs.some((s) => s.errors.length > 0), 10_000);
    const refused = subs.filter((s) => s.errors.length > 0);
    expect(refused).toHaveLength(1);
    expect(JSON.stringify(refused[0].errors)).toContain('subscriptionsPerConnection');
    await c.dispose();
    await waitFor(() => t.gateway.hub.activeSubscriptions === 0);
  });

  it("reads a destination's gauge subscription and its pipeline subscription in one statement per tick", async () => {
    expect((await t.ingest(tokenA, [report({ destinationId: 'dst_8', step: 'retry_enqueued', reason: '429', count: 2 }, 1)])).status).toBe(200);
    const c = client(tokenA);
    type P = { pipelineUpdated: { retryPending: number } };
    const retry = collect<RetryValue>(c, RETRY, { d: 'dst_8' });
    const pipeline = collect<P>(c, 'subscription { pipelineUpdated(destinationId: "dst_8", range: { preset: LAST_HOUR }) { retryPending } }', {});
    await Promise.all([retry.until((v) => v.length >= 1), pipeline.until((v) => v.length >= 1)]);
    expect(retry.values[0].retryPendingChanged.count).toBe(2);
    expect(pipeline.values[0].pipelineUpdated.retryPending).toBe(2);
    // Each tick polls both keys with one set of loaders: the gauge is read from the pipeline's statement.
    const { families } = await t.countQueries(() => new Promise((r) => setTimeout(r, 1000)));
    expect(families.filter((f) => f === 'pipeline').length).toBeGreaterThanOrEqual(3);
    expect(families.filter((f) => f === 'retry_pending')).toEqual([]);
    await c.dispose();
    await waitFor(() => t.gateway.hub.activeSubscriptions === 0);
  });
});

describe('graphql-ws protocol faults', () => {
  function raw(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(t.gateway.wsUrl, 'graphql-transport-ws');
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }
  const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const init = (ws: WebSocket, token = tokenA) =>
    new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    });

  it('4408 when no connection_init arrives in time', async () => {
    const ws = await raw();
    expect(await closeCode(ws)).toBe(4408);
  });

  it('4403 for a bad token', async () => {
    const ws = await raw();
    const closed = closeCode(ws);
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer nope' } }));
    expect(await closed).toBe(4403);
  });

  it('4400 for garbage', async () => {
    const ws = await raw();
    await init(ws);
    const closed = closeCode(ws);
    ws.send('{this is not json');
    expect(await closed).toBe(4400);
  });

  it('4409 for a duplicate subscription id', async () => {
    const ws = await raw();
    await init(ws);
    const closed = closeCode(ws);
    const msg = { id: 'same', type: 'subscribe', payload: { query: RETRY, variables: { d: 'dst_5' } } };
    ws.send(JSON.stringify(msg));
    ws.send(JSON.stringify(msg));
    expect(await closed).toBe(4409);
  });

  it('4409, not an internal error, when the duplicate id is longer than a close reason may be', async () => {
    const ws = await raw();
    await init(ws);
    const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code, reason) => resolve([code, String(reason)])));
    const msg = { id: 'x'.repeat(5_000), type: 'subscribe', payload: { query: RETRY, variables: { d: 'dst_5' } } };
    ws.send(JSON.stringify(msg));
    ws.send(JSON.stringify(msg));
    const [code, reason] = await closed;
    expect(code).toBe(4409);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
  });

  it.each(['connection_ack', 'next', 'error'])('4400, not an internal error, for a %s message from the client', async (type) => {
    const ws = await raw();
    await init(ws);
    const closed = closeCode(ws);
    ws.send(JSON.stringify({ type, id: '1', payload: {} }));
    expect(await closed).toBe(4400);
  });

  it('releases the subscriptions of a socket cut without a close frame', async () => {
    await waitFor(() => t.gateway.hub.activeSubscriptions === 0); // the sockets closed above released theirs
    for (const cut of ['terminate', 'silence'] as const) {
      const ws = await raw();
      await init(ws);
      ws.send(JSON.stringify({ id: 's1', type: 'subscribe', payload: { query: RETRY, variables: { d: 'dst_6' } } }));
      await waitFor(() => t.gateway.hub.activeSubscriptions === 1);
      if (cut === 'terminate') ws.terminate();
      else (ws as unknown as { _socket: { pause(): void } })._socket.pause(); // no pongs: the keepalive must notice
      await waitFor(() => t.gateway.hub.activeSubscriptions === 0, 8000);
      ws.terminate();
    }
  });
});
