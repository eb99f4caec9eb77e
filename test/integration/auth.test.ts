import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  t = await startTestGateway('auth');
  tokenA = await t.token('ws_a', ['read', 'ingest']);
  tokenB = await t.token('ws_b', ['read', 'ingest']);
  // Canary rows in each workspace.
  expect((await t.ingest(tokenA, [sourceReport({ sourceId: 'src_a' }), report({ sourceId: 'src_a', destinationId: 'dst_a' })])).status).toBe(200);
  expect((await t.ingest(tokenB, [sourceReport({ sourceId: 'src_b' }), report({ sourceId: 'src_b', destinationId: 'dst_b' })])).status).toBe(200);
});
afterAll(async () => t.close());

const CATALOG = '{ sources { id } destinations { id } }';

describe('HTTP authentication', () => {
  it('401 with a JSON body without a token, with a bad token, with a malformed header', async () => {
    for (const token of [null, 'dov_not-a-real-token']) {
      const res = await t.gql(token, CATALOG);
      expect(res.status).toBe(401);
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
      const ingest = await t.ingest(token, [report()]);
      expect(ingest.status).toBe(401);
      expect(ingest.body.error.code).toBe('UNAUTHENTICATED');
    }
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { authorization: 'Basic abc', 'content-type': 'application/json' },
      body: '{"query":"{ sources { id } }"}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('403 for the wrong scope', async () => {
    const readOnly = await t.token('ws_a', ['read']);
    const res = await t.ingest(readOnly, [report()]);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', required: 'ingest' });
    const ingestOnly = await t.token('ws_a', ['ingest']);
    const q = await t.gql(ingestOnly, CATALOG);
    expect(q.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', required: 'read' });
  });

  it('a workspace token sees only its own workspace', async () => {
    const a = await t.gql<{ sources: { id: string }[]; destinations: { id: string }[] }>(tokenA, CATALOG);
    expect(a.body.data).toEqual({ sources: [{ id: 'src_a' }], destinations: [{ id: 'dst_a' }] });
    const b = await t.gql<{ sources: { id: string }[]; destinations: { id: string }[] }>(tokenB, CATALOG);
    expect(b.body.data).toEqual({ sources: [{ id: 'src_b' }], destinations: [{ id: 'dst_b' }] });
    const cross = await t.gql<{ destination: unknown }>(tokenA, '{ destination(id: "dst_b") { id } }');
    expect(cross.body.data).toEqual({ destination: null });
    // The NOT_FOUND error suggests ids of the caller's own workspace only.
    expect(cross.body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', suggestions: ['dst_a'] });
  });

  it('ingest writes only into the token workspace, whatever the body says', async () => {
    const res = await t.ingest(tokenA, [report({ sourceId: 'src_a2', destinationId: 'dst_a2', workspaceId: 'ws_b' })]);
    expect(res.status).toBe(400); // workspaceId is not a report field
    expect(res.body.error.errors[0]).toMatchObject({ field: 'workspaceId', reason: 'unknown field' });
    const rows = await t.sql<{ ws: string }>(
      "SELECT DISTINCT workspace_id AS ws FROM {{db}}.delivery_events WHERE source_id LIKE 'src_b%' OR destination_id = 'dst_b'",
    );
    expect(rows).toEqual([{ ws: 'ws_b' }]);
  });
});

describe('root token and token management', () => {
  it('root creates and revokes workspace tokens; workspace tokens cannot', async () => {
    const created = await t.gql<{ createApiToken: string }>(t.rootToken, 'mutation { createApiToken(workspaceId: "ws_new", scopes: [READ]) }');
    expect(created.body.errors).toBeUndefined();
    const token = created.body.data!.createApiToken;
    expect(token).toMatch(/^dov_/);
    expect((await t.gql(token, CATALOG)).body.data).toEqual({ sources: [], destinations: [] });

    const denied = await t.gql(tokenA, 'mutation { createApiToken(workspaceId: "ws_a", scopes: [ADMIN]) }');
    expect(denied.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', required: 'root' });

    const revoked = await t.gql<{ revokeApiToken: boolean }>(t.rootToken, 'mutation($t: ID!) { revokeApiToken(id: $t) }', { t: token });
    expect(revoked.body.data).toEqual({ revokeApiToken: true });
    expect((await t.gql(token, CATALOG)).status).toBe(401);
    const again = await t.gql<{ revokeApiToken: boolean }>(t.rootToken, 'mutation($t: ID!) { revokeApiToken(id: $t) }', { t: token });
    expect(again.body.data).toEqual({ revokeApiToken: false });
  });

  it('root has no workspace to read', async () => {
    const res = await t.gql(t.rootToken, CATALOG);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(res.body.errors![0].message).toMatch(/not bound to a workspace/);
  });

  it('rejects bad workspace ids and scopes with typed errors', async () => {
    const res = await t.gql(t.rootToken, 'mutation { createApiToken(workspaceId: "bad id!", scopes: [READ]) }');
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'workspaceId' });
    const res2 = await t.gql(t.rootToken, 'mutation { createApiToken(workspaceId: "ok", scopes: [ROOT]) }');
    expect(res2.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('wrote the generated root token to <DATA_DIR>/root-token with mode 0600', async () => {
    const fs = await import('node:fs');
    const stat = fs.statSync(t.gateway.rootTokenFile);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(t.gateway.rootTokenFile, 'utf8').trim()).toBe(t.rootToken);
  });
});

describe('graphql-ws on the same path and port', () => {
  function wsClient(authorization: string | undefined): Client {
    return createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: authorization === undefined ? {} : { authorization },
      retryAttempts: 0,
      lazy: true,
    });
  }

  it('answers a query for a valid token, scoped to its workspace', async () => {
    const client = wsClient(`Bearer ${tokenB}`);
    const result = await new Promise<unknown>((resolve, reject) => {
      let value: unknown;
      client.subscribe({ query: CATALOG }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
    });
    expect(result).toEqual({ data: { sources: [{ id: 'src_b' }], destinations: [{ id: 'dst_b' }] } });
    await client.dispose();
  });

  it('closes with 4403 for a bad or missing token', async () => {
    for (const auth of ['Bearer dov_wrong', undefined]) {
      const client = wsClient(auth);
      const code = await new Promise<number>((resolve) => {
        client.on('closed', (event) => resolve((event as { code: number }).code));
        client.subscribe({ query: CATALOG }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      });
      expect(code).toBe(4403);
      await client.dispose();
    }
  });
});

describe('health', () => {
  it('healthz and readyz', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', clickhouse: 'embedded' });
  });
  it('unknown routes are a JSON 404', async () => {
    const res = await fetch(`${t.url}/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
