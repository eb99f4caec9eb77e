import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/** CORS_ORIGINS (tracker issue 14, item 9): an allowlist for browsers on other origins, none by default. */
const ALLOWED = 'https://dash.example.com';
const OTHER = 'https://evil.example.net';

let open: TestGateway;
let closed: TestGateway;
let token: string;

beforeAll(async () => {
  [open, closed] = await Promise.all([startTestGateway('cors_on', { CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` }), startTestGateway('cors_off')]);
  token = await open.token('ws_cors', ['read', 'ingest']);
  expect((await open.ingest(token, [report()])).status).toBe(200);
});
afterAll(async () => Promise.all([open.close(), closed.close()]));

const preflight = (t: TestGateway, path: string, origin: string) =>
  fetch(`${t.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
const query = (t: TestGateway, origin: string) =>
  fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{"query":"{ sources { id } }"}',
  });

describe('CORS', () => {
  it('answers a preflight from an allowed origin for /graphql and /v1/ingest, with Authorization and Content-Type', async () => {
    for (const path of ['/graphql', '/v1/ingest']) {
      const res = await preflight(open, path, ALLOWED);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
      expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(res.headers.get('vary')).toMatch(/Origin/);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('refuses a preflight from another origin and gives its answers no CORS headers', async () => {
    const res = await preflight(open, '/graphql', OTHER);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await query(open, OTHER);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets an allowed origin read answers, and nothing by default', async () => {
    const allowed = await query(open, ALLOWED);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    const byDefault = await preflight(closed, '/graphql', ALLOWED);
    expect(byDefault.status).toBe(403);
    expect((await query(closed, ALLOWED)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a graphql-ws handshake from an origin not allowed (cross-site WebSocket hijacking), accepts allowed and same-origin ones', async () => {
    const handshake = (origin: string | undefined) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(open.gateway.wsUrl, 'graphql-transport-ws', origin ? { origin } : {});
        socket.once('open', () => {
          socket.close();
          resolve('open');
        });
        socket.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        socket.once('error', () => resolve('error'));
      });
    expect(await handshake(OTHER)).toBe('403');
    expect(await handshake(ALLOWED)).toBe('open');
    expect(await handshake(open.url)).toBe('open');
    expect(await handshake(undefined)).toBe('open');
  });

  it('refuses a CORS_ORIGINS entry that is not an origin', async () => {
    await expect(startTestGateway('cors_bad', { CORS_ORIGINS: 'https://dash.example.com/' })).rejects.toThrow(/not an origin/);
  });
});
