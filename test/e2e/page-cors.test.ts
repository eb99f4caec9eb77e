import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openBrowser, type PageHarness } from './browser';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * A page on another origin, in Chromium (tracker issue 14, item 9): with its origin in
 * CORS_ORIGINS it can query the API; an origin not listed cannot read the answer.
 */
let t: TestGateway;
let h: PageHarness;
let token: string;
const others: http.Server[] = [];

/** A page on its own loopback port (its own origin) that asks the gateway for its sources. */
async function otherOrigin(): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>elsewhere</title><p>another origin</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  others.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let allowed: string;
let notListed: string;

beforeAll(async () => {
  [allowed, notListed] = [await otherOrigin(), await otherOrigin()];
  t = await startTestGateway('page_cors', { CORS_ORIGINS: allowed });
  token = await t.token('ws_page_cors', ['read', 'ingest']);
  expect((await t.ingest(token, [report({ sourceId: 'src_cors' })])).status).toBe(200);
  h = await openBrowser();
}, 60_000);
afterAll(async () => {
  await h?.browser.close();
  await t?.close();
  for (const s of others) s.close();
});

async function queryFrom(origin: string): Promise<string> {
  await h.page.goto(`${origin}/`);
  return h.page.evaluate(
    async ({ url, token: bearer }) => {
      try {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ query: '{ sources { id } }' }),
        });
        return JSON.stringify(await res.json());
      } catch (err) {
        return `refused: ${(err as Error).message}`;
      }
    },
    { url: t.url, token },
  );
}

describe('a page on another origin', () => {
  it('queries the API when its origin is in CORS_ORIGINS', async () => {
    expect(JSON.parse(await queryFrom(allowed))).toEqual({ data: { sources: [{ id: 'src_cors' }] } });
  });

  it('cannot read the API when its origin is not listed', async () => {
    expect(await queryFrom(notListed)).toMatch(/^refused: Failed to fetch/);
  });
});
