import crypto from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMISSION_READS, report, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Automatic persisted queries over HTTP, as Apollo Client's persisted-query link uses them:
 * a hash alone is looked up (PERSISTED_QUERY_NOT_FOUND, status 200, when unknown); a text
 * sent with its hash is registered only once the caller, document and operation phases all
 * admitted it; hashed GET requests pass with the preflight header.
 */
let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('persisted_queries', { QUERY_MAX_COST: '500' });
  token = await t.token('ws_apq', ['read', 'ingest']);
  expect((await t.ingest(token, [report()])).status).toBe(200);
});
afterAll(async () => t.close());

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
type Answer = { status: number; headers: Headers; body: { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };

async function post(body: Record<string, unknown>, authorization = `Bearer ${token}`): Promise<Answer> {
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

async function getHashed(hash: string, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): Promise<Answer> {
  const url = `${t.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted(hash)))}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

describe('automatic persisted queries', () => {
  it('an unknown hash is PERSISTED_QUERY_NOT_FOUND with status 200, as Apollo Client expects, and reads nothing', async () => {
    const { result, families } = await t.countQueries(() => post({ extensions: persisted(sha256('{ sources { id } }')) }));
    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', requestId: expect.any(String) } },
    ]);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(families.filter((f) => !ADMISSION_READS.has(f))).toEqual([]);
  });

  it('registers an admitted text, then answers its hash alone over GET with the preflight header', async () => {
    const query = '{ destinations { id } }';
    const hash = sha256(query);
    const registered = await post({ query, extensions: persisted(hash) });
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual({ data: { destinations: [{ id: 'dst_amplitude' }] } });
    const hashed = await getHashed(hash);
    expect(hashed.status).toBe(200);
    expect(hashed.body).toEqual({ data: { destinations: [{ id: 'dst_amplitude' }] } });
    expect(hashed.headers.get('cache-control')).toBe('private, max-age=30');
    // Without the header a hashed GET is what another site could make a browser send: refused as CSRF.
    const bare = await getHashed(hash, {});
    expect(bare.status).toBe(400);
    expect(bare.body.errors![0].message).toMatch(/CSRF/);
  });

  it('never registers a text the document phase refused', async () => {
    const query = '{ sources { nope } }';
    const refused = await post({ query, extensions: persisted(sha256(query)) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post({ extensions: persisted(sha256(query)) })).body.errors![0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('never registers a text the operation phase refused (cost), though it validates', async () => {
    const query = '{ destinations { breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, first: 1000) { eventName } } }';
    const refused = await post({ query, extensions: persisted(sha256(query)) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    expect((await post({ extensions: persisted(sha256(query)) })).body.errors![0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('checks the caller before the store: a hash without a valid token is 401', async () => {
    const query = '{ sources { id } }';
    expect((await post({ query, extensions: persisted(sha256(query)) })).status).toBe(200);
    const anonymous = await post({ extensions: persisted(sha256(query)) }, 'Bearer dov_not-a-token');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors![0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a hash that does not match the text, and a malformed persistedQuery, with BAD_USER_INPUT', async () => {
    const mismatch = await post({ query: '{ sources { id } }', extensions: persisted(sha256('{ destinations { id } }')) });
    expect({ status: mismatch.status, code: mismatch.body.errors![0].extensions.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    const malformed = await post({ extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } });
    expect({ status: malformed.status, code: malformed.body.errors![0].extensions.code, field: malformed.body.errors![0].extensions.field }).toEqual({
      status: 400,
      code: 'BAD_USER_INPUT',
      field: 'extensions.persistedQuery',
    });
  });

  it('is an HTTP feature: graphql-ws refuses a persisted query, and answers the text', async () => {
    const client = createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    const send = (payload: { query: string; extensions?: Record<string, unknown> }) =>
      new Promise<unknown>((resolve) => client.subscribe(payload, { next: resolve, error: resolve, complete: () => undefined }));
    const hashed = (await send({ query: '', extensions: persisted(sha256('{ sources { id } }')) })) as { extensions: Record<string, unknown> }[];
    expect(hashed[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'extensions.persistedQuery' });
    expect(await send({ query: '{ sources { id } }' })).toEqual({ data: { sources: [{ id: 'src_web' }] } });
    await client.dispose();
  });

  it("Apollo's own refusal of a malformed request carries the request id and a closed-set code", async () => {
    const url = `${t.url}/graphql?query=${encodeURIComponent('{ sources { id } }')}&query=${encodeURIComponent('{ destinations { id } }')}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true', 'x-request-id': 'req-twice' } });
    const body = (await res.json()) as Answer['body'];
    expect({ status: res.status, cacheControl: res.headers.get('cache-control') }).toEqual({ status: 400, cacheControl: 'no-store' });
    expect(body.errors).toEqual([{ message: expect.stringMatching(/only be specified once/), extensions: { code: 'BAD_USER_INPUT', requestId: 'req-twice' } }]);
  });
});
