import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * A change that ingest just stored reaches subscribers without waiting for the next tick
 * (here ten seconds apart), and a burst of batches costs the workspace one round of reads,
 * not one per batch.
 */
let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('live_push', { LIVE_POLL_INTERVAL_MS: '10000' });
  token = await t.token('ws_push', ['read', 'ingest']);
  expect((await t.ingest(token, [report({ destinationId: 'dst_push', step: 'delivered' }, 20)])).status).toBe(200);
});
afterAll(async () => t.close());

function subscribe(c: Client): { values: number[]; next: (n: number, ms: number) => Promise<number> } {
  const values: number[] = [];
  const waiters: Array<() => void> = [];
  c.subscribe<{ retryPendingChanged: { count: number } }>(
    { query: 'subscription { retryPendingChanged(destinationId: "dst_push") { count } }' },
    { next: (v) => (values.push(v.data!.retryPendingChanged.count), waiters.splice(0).forEach((w) => w())), error: () => undefined, complete: () => undefined },
  );
  const next = (n: number, ms: number) =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const check = () =>
        values.length >= n
          ? resolve(Date.now() - started)
          : Date.now() - started > ms
            ? reject(new Error(`values: ${JSON.stringify(values)}`))
            : waiters.push(check);
      check();
      setTimeout(check, ms + 10);
    });
  return { values, next };
}

describe('pushing what ingest just stored', () => {
  it('reaches the subscriber within a second, not at the next 10-second tick', async () => {
    const c = createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      const sub = subscribe(c);
      await sub.next(1, 5_000); // the first value, at once
      expect((await t.ingest(token, [report({ destinationId: 'dst_push', step: 'retry_enqueued', count: 3 }, 1)])).status).toBe(200);
      const waited = await sub.next(2, 3_000);
      expect(sub.values.at(-1)).toBe(3);
      expect(waited).toBeLessThan(1_000);
    } finally {
      await c.dispose();
    }
  });

  it('a burst of ten batches is one or two rounds of reads, not ten', async () => {
    const c = createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      const sub = subscribe(c);
      await sub.next(1, 5_000);
      const { families } = await t.countQueries(async () => {
        await Promise.all(Array.from({ length: 10 }, () => t.ingest(token, [report({ destinationId: 'dst_push', step: 'retry_enqueued', count: 1 }, 1)])));
        await new Promise((r) => setTimeout(r, 600));
      });
      expect(sub.values.at(-1)).toBe(13);
      const reads = families.filter((f) => f === 'retry_pending' || f === 'pipeline').length;
      expect(reads).toBeGreaterThanOrEqual(1);
      expect(reads).toBeLessThanOrEqual(3);
    } finally {
      await c.dispose();
    }
  });
});
