import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { TestGateway } from '../helpers/gateway';
import { pipelineCounts, rowCounts, expectAxeClean, TIME_ZONE, type PageHarness } from './browser';
import { ACTIONS, CLASSIC, MAPPING, startPageTest, stopPageTest, STORAGE } from './seed';

/**
 * The page's numbers against the API's: for a classic, an Actions (with a mapping) and a
 * storage destination, every count the page shows equals what a GraphQL query made by the
 * test answers for the same range; nothing comes from another host. (Every view's axe check, at
 * three sizes in light and dark, is in page-incident.test.ts.)
 */
let t: TestGateway;
let token = '';
let h: PageHarness;
const DEMO_TOKEN = 'dov_demo"<&>';
const RANGE = { preset: 'LAST_24_HOURS', timeZone: TIME_ZONE, lookback: true };

beforeAll(async () => {
  // As in the demo: index.html carries a token (here one that needs escaping); the page
  // prefers the token it is given.
  ({ t, token, h } = await startPageTest('page_numbers', {}, { web: { demoToken: () => DEMO_TOKEN } }));
});
afterAll(() => stopPageTest(t, h));

function rawGet(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function apiPipeline(id: string, mappingId: string | null = null): Promise<Record<string, number>> {
  const res = await t.gql<{ destination: { pipeline: { steps: { kind: string; count: number }[] } } }>(
    token,
    'query($id: ID!, $range: TimeRangeInput!, $m: ID) { destination(id: $id) { pipeline(range: $range, mappingId: $m) { steps { kind count } } } }',
    { id, range: RANGE, m: mappingId },
  );
  return Object.fromEntries(res.body.data!.destination.pipeline.steps.map((s) => [s.kind, s.count]));
}

describe('serving the page', () => {
  it('answers client routes with index.html under a strict CSP, and hashed assets precompressed with a long cache', async () => {
    const index = await rawGet('/');
    expect(index.status).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toMatch(
      /default-src 'self'; script-src 'self'; style-src 'self'.*frame-ancestors 'none'; base-uri 'none'; form-action 'none'/,
    );
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    const html = index.body.toString('utf8');
    expect(html).toContain('<meta name="do-demo-token" content="dov_demo&quot;&lt;&amp;&gt;">');
    expect(html).not.toMatch(/<script>(?!<)|<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    for (const route of ['/destinations/dst_x', '/trace', '/alerts', '/sources/src_web', '/destinations/dst_x/', '/replays', '/replays/rpl_x'])
      expect((await rawGet(route)).body.toString('utf8')).toBe(html);
    // The built file itself carries no token; the gateway fills it in per request.
    expect(fs.readFileSync(path.resolve(__dirname, '../../dist/web/index.html'), 'utf8')).toContain('<meta name="do-demo-token" content="">');
    expect((await rawGet('/nowhere')).status).toBe(404);

    const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))];
    expect(assets.filter((a) => a.endsWith('.css'))).toHaveLength(1);
    expect(assets.filter((a) => a.endsWith('.js')).length).toBeGreaterThanOrEqual(2); // boot, app, shared chunk
    let jsGzip = 0;
    for (const asset of assets) {
      expect(asset).toMatch(/^\/assets\/(boot|main|chunk)-[A-Z0-9]{8}\.(js|css)$/);
      const br = await rawGet(asset, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers).toMatchObject({
        'content-encoding': 'br',
        'cache-control': 'public, max-age=31536000, immutable',
        vary: 'Accept-Encoding',
        'x-content-type-options': 'nosniff',
      });
      const gzip = await rawGet(asset, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      if (asset.endsWith('.js')) jsGzip += gzip.body.length;
      const plain = await rawGet(asset);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(fs.readFileSync(path.resolve(__dirname, '../../dist/web', asset.slice(1))))).toBe(true);
    }
    expect(jsGzip).toBeLessThan(150 * 1024);
    const js = assets.find((a) => a.endsWith('.js'))!;
    for (const bad of ['/assets/../package.json', '/assets/main.js', '/assets/%2e%2e/index.html', `${js}.br`])
      expect({ bad, status: (await rawGet(bad)).status }).toEqual({ bad, status: 404 });
  });
});

describe('the page in Chromium', () => {
  it('#token= signs in and leaves the address bar at once', async () => {
    await h.page.goto(`${t.url}/#token=${token}`);
    await h.page.waitForSelector('tr[data-destination]');
    expect(h.page.url()).toBe(`${t.url}/`);
    expect(await h.page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href)).not.toContain(token);
  });

  it('overview: failed counts equal the API answer, unhealthy first', async () => {
    const shown = await rowCounts(h.page, 'tr[data-destination]', 'data-destination');
    const failedCells = await h.page.$$eval('tr[data-destination]', (rows) =>
      rows.map((r) => [r.getAttribute('data-destination'), Number(r.querySelector('td[data-count]')?.getAttribute('data-count'))] as const),
    );
    expect(Object.keys(shown).sort()).toEqual([ACTIONS, CLASSIC, STORAGE].sort());
    for (const [id, failed] of failedCells) {
      const api = await apiPipeline(id!);
      expect({ id, failed }).toEqual({ id, failed: id === STORAGE ? api.FAILED_TO_SYNC : api.FAILED_DELIVERY });
    }
    // Half of the storage destination's syncs did not fully succeed; then 9.6 % failed delivery.
    expect(failedCells.map(([id]) => id)).toEqual([STORAGE, CLASSIC, ACTIONS]);
  });

  it('classic: every step, the retry gauge, the discard rows and a breakdown equal the API', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&view=counts`);
    const counts = await pipelineCounts(h.page);
    const api = await apiPipeline(CLASSIC);
    expect(counts).toEqual(api);
    expect(counts.SUCCESSFULLY_RECEIVED).toBe(12_481); // 12,480 and the traced message
    // The visible numbers too (counts view, en-US separators).
    const texts = await h.page.$$eval('.pipeline [data-step] .step-value', (els) => els.map((e) => e.textContent));
    expect(texts).toEqual(
      Object.entries(api)
        .filter(([k]) => k !== 'RETRY_PENDING')
        .map(([, n]) => n.toLocaleString('en-US')),
    );
    // The latency line: p50/p95/p99 of delivered attempts, as the API answers them.
    await h.page.waitForSelector('.latency-line [data-latency="p99"]');
    const shownLatency = await h.page.$$eval('.latency-line [data-latency]', (els) =>
      els.map((e) => [e.getAttribute('data-latency'), Number(e.getAttribute('data-value'))]),
    );
    const latency = await t.gql<{ destination: { latency: Record<string, number> } }>(
      token,
      'query($id: ID!, $range: TimeRangeInput!) { destination(id: $id) { latency(range: $range) { p50 p95 p99 } } }',
      { id: CLASSIC, range: RANGE },
    );
    expect(Object.fromEntries(shownLatency)).toEqual(latency.body.data!.destination.latency);
    // The stated bound reads as a share (2.5 %), not as a float's digits.
    expect(await h.page.textContent('.latency-line')).toMatch(/within 2\.5 %/);
    // One delivered report in the range carries a latency (180 ms; the 900 ms one is in the previous period).
    for (const v of Object.values(latency.body.data!.destination.latency)) expect(Math.abs(v - 180)).toBeLessThan(180 * 0.025);

    await h.page.click('[data-step="FAILED_DELIVERY"]');
    await h.page.waitForSelector('tr[data-reason]');
    const discards = await t.gql<{ destination: { discards: { count: number; reason: { code: string } }[] } }>(
      token,
      'query($id: ID!, $range: TimeRangeInput!) { destination(id: $id) { discards(step: FAILED_DELIVERY, range: $range) { count reason { code } } } }',
      { id: CLASSIC, range: RANGE },
    );
    expect(await rowCounts(h.page, 'tr[data-reason]', 'data-reason')).toEqual(
      Object.fromEntries(discards.body.data!.destination.discards.map((d) => [d.reason.code, d.count])),
    );

    await h.page.click('tr[data-reason="429"] .reason-title');
    await h.page.waitForSelector('[data-detail="breakdown"] tr[data-count]');
    const breakdown = await t.gql<{ destination: { breakdown: { count: number }[] } }>(
      token,
      'query($id: ID!, $range: TimeRangeInput!) { destination(id: $id) { breakdown(step: FAILED_DELIVERY, reason: "429", range: $range) { count } } }',
      { id: CLASSIC, range: RANGE },
    );
    const rows = await h.page.$$eval('[data-detail="breakdown"] tr[data-count]', (els) => els.map((e) => Number(e.getAttribute('data-count'))));
    expect(rows).toEqual(breakdown.body.data!.destination.breakdown.map((b) => b.count));
    expect(h.page.url()).toContain('step=FAILED_DELIVERY');
    expect(h.page.url()).toContain('reason=429');
  });

  it('actions with a mapping: destination-side steps show the mapping’s numbers, equal to the API', async () => {
    await h.page.goto(`${t.url}/destinations/${ACTIONS}?range=LAST_24_HOURS&mapping=${MAPPING}`);
    const counts = await pipelineCounts(h.page);
    expect(counts).toEqual(await apiPipeline(ACTIONS, MAPPING));
    expect(counts.SUCCESSFUL_DELIVERY).toBe(2_100);
    expect(await h.page.textContent('[data-step="SUCCESSFUL_DELIVERY"]')).toContain(`of the events that reached ${MAPPING}`);
    // The percent toggle is on by default and its accessible name says so.
    const toggle = h.page.getByRole('switch', { name: /percent/i });
    expect(await toggle.isChecked()).toBe(true);
    await h.page.selectOption('select:near(:text("Mapping"))', '');
    await h.page.waitForFunction(() => !(globalThis as unknown as { location: { search: string } }).location.search.includes('mapping='));
    await h.page.waitForSelector('[data-step="SUCCESSFUL_DELIVERY"][data-count="4350"]');
    expect(await pipelineCounts(h.page)).toEqual(await apiPipeline(ACTIONS));
  });

  it('storage: its layout, read-only rows step, and the failed syncs table equal the API', async () => {
    await h.page.goto(`${t.url}/destinations/${STORAGE}?range=LAST_24_HOURS`);
    const counts = await pipelineCounts(h.page);
    expect(counts).toEqual(await apiPipeline(STORAGE));
    expect(Object.keys(counts)).toEqual([
      'SUCCESSFULLY_RECEIVED',
      'FAILED_ON_INGEST',
      'FILTERED_AT_SOURCE',
      'FILTERED_AT_DESTINATION',
      'EVENTS_TO_WAREHOUSE_ROWS',
      'FAILED_TO_SYNC',
      'SUCCESSFULLY_SYNCED',
    ]);
    expect(await h.page.$eval('[data-step="EVENTS_TO_WAREHOUSE_ROWS"]', (e) => e.tagName)).toBe('DIV'); // read-only, not a button
    await h.page.click('[data-step="FAILED_TO_SYNC"]');
    await h.page.waitForSelector('tr[data-sync]');
    expect(await rowCounts(h.page, 'tr[data-sync]', 'data-sync')).toEqual({ 'sync-partial': 80, 'sync-failed': 300 });
    expect(Object.keys(await rowCounts(h.page, 'tr[data-sync]', 'data-sync'))).toHaveLength(counts.FAILED_TO_SYNC);
    await h.page.click('tr[data-sync="sync-partial"] button:has-text("Detail")');
    await h.page.waitForSelector('[role="dialog"] >> text=column type mismatch');
    await expectAxeClean(h.page, 'syncs with detail');
  });

  it('a custom range in the address shows both ends in the browser zone and the API’s numbers for it', async () => {
    const minute = 60_000;
    const to = new Date(Math.floor(Date.now() / minute) * minute - 5 * minute).toISOString();
    const from = new Date(Date.parse(to) - 3 * 3_600_000).toISOString();
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=custom&from=${from}&to=${to}&view=counts&lookback=off`);
    const counts = await pipelineCounts(h.page);
    const res = await t.gql<{ destination: { pipeline: { steps: { kind: string; count: number }[] } } }>(
      token,
      'query($id: ID!, $range: TimeRangeInput!) { destination(id: $id) { pipeline(range: $range) { steps { kind count } } } }',
      { id: CLASSIC, range: { from, to, timeZone: TIME_ZONE, lookback: false } },
    );
    expect(counts).toEqual(Object.fromEntries(res.body.data!.destination.pipeline.steps.map((s) => [s.kind, s.count])));
    expect(await h.page.textContent('.range-line')).toContain(`(${TIME_ZONE})`);
    expect(await h.page.isChecked('.range-line input[type="checkbox"]')).toBe(true); // last minutes included
    // The percent switch writes the view into the address, and back restores it.
    await h.page.getByRole('switch', { name: /percent/i }).check();
    await h.page.waitForFunction(() => !(globalThis as unknown as { location: { search: string } }).location.search.includes('view=counts'));
    await h.page.goBack();
    await h.page.waitForFunction(() => (globalThis as unknown as { location: { search: string } }).location.search.includes('view=counts'));
    expect(await h.page.getByRole('switch', { name: /percent/i }).isChecked()).toBe(false);
  });

  it('the overview searches and sorts', async () => {
    await h.page.goto(`${t.url}/`);
    await h.page.waitForSelector('tr[data-destination]');
    await h.page.fill('input[type="search"]', 'storage');
    await h.page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('tr[data-destination]')
          .length === 1,
    );
    await h.page.fill('input[type="search"]', '');
    await h.page.click('th button:has-text("Destination")');
    const names = await h.page.$$eval('tr[data-destination] th a', (els) => els.map((e) => e.textContent));
    expect(names).toEqual([...names].sort().reverse());
  });

  it('requested nothing from another host and logged no errors (no CSP violation)', () => {
    expect(h.requests.length).toBeGreaterThan(10);
    const origin = new URL(t.url);
    expect(h.requests.filter((u) => new URL(u).host !== origin.host)).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
