// The page's budget on the demo data, in headless Chromium: GraphQL requests per
// destination-page load, bytes of JS shipped (gzip), the median time from navigation to
// the pipeline drawn over 10 loads, and the median time from an ingest to every open panel
// showing it (a live refresh of the whole view) over 5 ingests. Start the demo first, then:
//   node web/bench.mjs [base URL] [destination id]
import { chromium } from 'playwright-core';

const BASE = process.argv[2] ?? 'http://127.0.0.1:4710';
const DESTINATION = process.argv[3] ?? 'dst_amplitude';
const LOADS = 10;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const URL_PATH = `/destinations/${DESTINATION}?range=LAST_24_HOURS`;

async function shippedJsGzipBytes() {
  const html = await (await fetch(`${BASE}${URL_PATH}`)).text();
  let total = 0;
  const modules = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]));
  for (const src of modules) {
    const res = await fetch(BASE + src, { headers: { 'accept-encoding': 'gzip' } });
    if (res.headers.get('content-encoding') !== 'gzip') throw new Error(`${src} was not served gzipped`);
    total += Number(res.headers.get('content-length'));
    await res.arrayBuffer();
  }
  return total;
}

/** One load in a fresh page: ms from navigation start to every step carrying its count. */
async function load(context) {
  const page = await context.newPage();
  const http = [];
  const subscriptions = [];
  page.on(
    'request',
    (r) => r.url().endsWith('/graphql') && r.method() === 'POST' && http.push(r.postDataJSON()?.query?.match(/(?:query|mutation)\s+(\w+)/)?.[1] ?? '?'),
  );
  page.on('websocket', (ws) =>
    ws.on('framesent', (f) => {
      const m = JSON.parse(String(f.payload));
      if (m.type === 'subscribe') subscriptions.push(m.payload.query.match(/subscription\s+(\w+)/)?.[1] ?? '?');
    }),
  );
  await page.goto(BASE + URL_PATH, { waitUntil: 'commit' });
  const drawn = await page.waitForFunction(
    () => {
      const steps = document.querySelectorAll('.pipeline [data-step]');
      return steps.length > 0 && [...steps].every((s) => s.hasAttribute('data-count')) ? performance.now() : false;
    },
    null,
    { polling: 'raf', timeout: 20_000 },
  );
  const ms = await drawn.jsonValue();
  const beforeDrawn = http.length;
  await page.waitForTimeout(1500); // what the page asks for after the pipeline (insights, live values)
  await page.close();
  return { ms, beforeDrawn, http: [...http], subscriptions: [...subscriptions] };
}

const REFRESHES = 5;

/** The demo serves its token (read, ingest) in index.html; the live measurement ingests with it. */
async function demoToken() {
  const html = await (await fetch(`${BASE}/`)).text();
  const token = /name="do-demo-token" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page carries no demo token: is this the demo (npm run demo)?');
  return token;
}

/**
 * With the failed-delivery step open, ingests reports with a reason of their own (10 minutes
 * old, inside the lookback range) and measures until the box, the new reason's row and the rows'
 * sum all show them: the view's whole live refresh, from the ingest's answer to the drawn panels.
 */
async function liveRefreshes(context) {
  const token = await demoToken();
  const page = await context.newPage();
  await page.goto(`${BASE}/destinations/${DESTINATION}?range=LAST_24_HOURS&step=FAILED_DELIVERY&view=counts`);
  await page.waitForSelector('tr[data-reason]', { timeout: 20_000 });
  await page.waitForSelector('[data-live-status="connected"]', { timeout: 10_000 });
  await page.waitForTimeout(1500);
  const times = [];
  for (let i = 0; i < REFRESHES; i++) {
    const reason = `BENCH_${Date.now().toString(36)}_${i}`;
    const report = {
      timestamp: new Date(Date.now() - 10 * 60_000).toISOString(),
      sourceId: 'src_web',
      destinationId: DESTINATION,
      destinationKind: 'classic',
      step: 'failed_delivery',
      reason,
      eventType: 'track',
      eventName: 'Bench Event',
      appVersion: '0.0.0',
      count: 500,
    };
    const res = await fetch(`${BASE}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([report]),
    });
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    const started = Date.now();
    await page.waitForFunction(
      (code) => {
        const row = document.querySelector(`tr[data-reason="${code}"]`);
        const box = Number(document.querySelector('[data-step="FAILED_DELIVERY"]')?.getAttribute('data-count'));
        const rows = [...document.querySelectorAll('tr[data-reason]')].reduce((sum, r) => sum + Number(r.getAttribute('data-count')), 0);
        return row !== null && row.getAttribute('data-count') === '500' && box === rows;
      },
      reason,
      { polling: 'raf', timeout: 30_000 },
    );
    times.push(Date.now() - started);
    await page.waitForTimeout(1500);
  }
  await page.close();
  return times.sort((a, b) => a - b);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true });
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
await load(context); // warm-up: the first load fills the browser cache and the gateway's caches
const runs = [];
for (let i = 0; i < LOADS; i++) runs.push(await load(context));
const refreshes = await liveRefreshes(context);
await browser.close();

const times = runs.map((r) => r.ms).sort((a, b) => a - b);
const median = (times[LOADS / 2 - 1] + times[LOADS / 2]) / 2;
const last = runs.at(-1);
console.log(`destination page: ${BASE}${URL_PATH}`);
console.log(
  `GraphQL HTTP requests per load: ${last.http.length} (${last.http.join(', ')}); the pipeline is drawn from the first alone (${last.beforeDrawn} sent by then)`,
);
console.log(`graphql-ws subscriptions per load: ${last.subscriptions.length} (${last.subscriptions.join(', ')})`);
console.log(`JS shipped (gzip): ${await shippedJsGzipBytes()} bytes`);
console.log(`navigation → pipeline drawn: median ${median.toFixed(0)} ms over ${LOADS} loads (min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)})`);
console.log(
  `ingest → every open panel refreshed (box, new reason row, rows' sum): median ${refreshes[Math.floor(REFRESHES / 2)]} ms over ${REFRESHES} ingests (min ${refreshes[0]}, max ${refreshes.at(-1)})`,
);
