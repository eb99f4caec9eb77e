import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  t = await startTestGateway('ratelimit', {
    QUERY_RATE_PER_SECOND: '2',
    QUERY_RATE_BURST: '5',
    INGEST_RATE_PER_SECOND: '10',
    INGEST_RATE_BURST: '100',
    QUERY_CONCURRENCY_PER_WORKSPACE: '2',
  });
  tokenA = await t.token('ws_noisy', ['read', 'ingest']);
  tokenB = await t.token('ws_quiet', ['read', 'ingest']);
});
afterAll(async () => t.close());

const Q = '{ sources { id } }';

describe('per-workspace rate limits', () => {
  it('answers 429 with Retry-After to a workspace over its query rate, and not to another', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => t.gql(tokenA, Q)));
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(refused[0].body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'queryRatePerSecond', retryAfterSeconds: expect.any(Number) });
    const raw = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenA}` },
      body: JSON.stringify({ query: Q }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const quiet = await t.gql(tokenB, Q);
    expect(quiet.status).toBe(200);
    expect(quiet.body.errors).toBeUndefined();
  });

  it('applies the same budget to graphql-ws operations', async () => {
    const client = createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tokenA}` },
      retryAttempts: 0,
      lazy: true,
    });
    const errors = await new Promise<unknown[]>((resolve) => {
      client.subscribe(
        { query: Q },
        { next: (v) => resolve((v.errors as unknown[]) ?? []), error: (e) => resolve(Array.isArray(e) ? e : [e]), complete: () => resolve([]) },
      );
    });
    expect(errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    await client.dispose();
  });

  it('refuses an ingest batch over the report rate and stores nothing of it', async () => {
    const batch = (n: number) => Array.from({ length: n }, () => report({ destinationId: 'dst_rl', count: 1 }));
    expect((await t.ingest(tokenA, batch(80))).status).toBe(200);
    const over = await t.ingest(tokenA, batch(80), { key: 'rl-1' });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'RATE_LIMITED', limit: 'ingestRatePerSecond', retryAfterSeconds: expect.any(Number) });
    const rows = await t.sql<{ n: number }>("SELECT count() AS n FROM {{db}}.delivery_events WHERE workspace_id = 'ws_noisy'");
    expect(Number(rows[0].n)).toBe(80);
    expect((await t.ingest(tokenB, batch(80))).status).toBe(200);
  });
});
