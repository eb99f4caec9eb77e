// Screenshots of the page on the demo data, for docs/screenshots/. Start the demo first
// (`PORT=4710 DATA_DIR=/tmp/page-demo npm run demo`), then: node web/screenshots.mjs [base URL].
// The demo serves its token (read, ingest, admin) in index.html, so the page opens signed in and
// may replay; the script plays the delivery system of one replay (see ensureDemoReplay).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const BASE = process.argv[2] ?? 'http://127.0.0.1:4710';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

const SHOTS = [
  { name: 'overview', path: '/?range=LAST_24_HOURS', ready: 'tr[data-destination]' },
  { name: 'destination-classic', path: '/destinations/dst_amplitude?range=LAST_24_HOURS', ready: '[data-detail="insights"] .insight' },
  {
    name: 'destination-actions',
    path: '/destinations/dst_braze_actions?range=LAST_24_HOURS&mapping=track_purchase&step=FAILED_DELIVERY',
    ready: 'tr[data-reason]',
  },
  { name: 'destination-storage', path: '/destinations/dst_bigquery?range=LAST_7_DAYS&step=FAILED_TO_SYNC', ready: 'tr[data-sync]' },
  {
    name: 'destination-retl',
    path: '/destinations/dst_salesforce_retl?range=LAST_24_HOURS&step=RECORDS_EXTRACTED',
    ready: 'tr[data-sync-run]',
    click: 'tr[data-status="PARTIAL"] button:has-text("Detail")',
    then: '[data-run-detail] tr[data-reason]',
  },
  {
    name: 'destination-audience',
    path: '/destinations/dst_google_ads_audiences?range=LAST_24_HOURS&step=MEMBERSHIP_CHANGES_COMPUTED',
    ready: '[data-detail="breakdown"] tr[data-count]',
  },
  { name: 'discard-samples', path: '/destinations/dst_amplitude?range=LAST_24_HOURS&step=FAILED_DELIVERY&samples=429', ready: '.sample' },
  {
    name: 'breakdown',
    path: '/destinations/dst_amplitude?range=LAST_24_HOURS&step=FAILED_DELIVERY&reason=429',
    ready: '[data-detail="breakdown"] tr[data-count]',
  },
  { name: 'alerts', path: '/alerts', ready: '[data-view="alerts"] tbody tr:not([aria-hidden])' },
  // The source view holds no subscription: nothing to wait for but its rows.
  { name: 'source', path: '/sources/src_web?range=LAST_24_HOURS', ready: 'tr[data-destination]', live: false },
  {
    name: 'destination-filtered',
    path: '/destinations/dst_amplitude?range=LAST_24_HOURS&eventName=Order+Completed&tz=America/New_York&step=FAILED_DELIVERY',
    ready: 'tr[data-reason]',
  },
  // Acting on what failed: the confirmation is a modal, so the shot is of the screen, not the page.
  {
    name: 'replay-confirmation',
    path: '/destinations/dst_braze_actions?range=LAST_24_HOURS&step=FAILED_DELIVERY',
    ready: '[data-replay-step]',
    click: '[data-replay-step]',
    then: 'dialog[open] [data-replay-preview]',
    fullPage: false,
  },
  { name: 'replay-progress', path: () => `/replays/${demoReplay}`, ready: '[data-outcome="recovered"]' },
  { name: 'replays', path: '/replays', ready: 'tr[data-replay]' },
  // A few seconds of the demo's live traffic after the first failure arrives, so the list has rows.
  { name: 'live-tail', path: '/destinations/dst_amplitude?range=LAST_HOUR&tail=on', ready: 'tr[data-tail-row]', timeout: 60_000, settle: 8000 },
];

/** The same views on a phone and in dark mode: a few of each, enough to see the layouts. */
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const VARIANTS = [
  { suffix: '', viewport: DESKTOP, scheme: 'light', shots: SHOTS },
  { suffix: '-dark', viewport: DESKTOP, scheme: 'dark', shots: SHOTS.filter((s) => ['overview', 'destination-classic', 'discard-samples'].includes(s.name)) },
  {
    suffix: '-phone',
    viewport: PHONE,
    scheme: 'light',
    shots: SHOTS.filter((s) =>
      ['overview', 'destination-classic', 'breakdown', 'discard-samples', 'replay-confirmation', 'replay-progress', 'live-tail'].includes(s.name),
    ),
  },
  { suffix: '-phone-dark', viewport: PHONE, scheme: 'dark', shots: SHOTS.filter((s) => ['overview', 'destination-classic'].includes(s.name)) },
];

const html = await (await fetch(`${BASE}/`)).text();
const token = /name="do-demo-token" content="([^"]+)"/.exec(html)?.[1];
if (!token) throw new Error('the page carries no demo token: is this the demo (npm run demo)?');
const gql = async (query, variables = {}) =>
  (
    await fetch(`${BASE}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    })
  ).json();

/** The alerts tab needs rules to show: create two on the demo workspace when it has none. */
async function ensureDemoRules() {
  const { data } = await gql('{ alertRules { id } }');
  if (data.alertRules.length > 0) return;
  await gql(
    'mutation { createAlertRule(input: { name: "Amplitude delivery rate", kind: DELIVERY_RATE_BELOW, destinationId: "dst_amplitude", threshold: 99, windowMinutes: 60 }) { id } }',
  );
  await gql(
    'mutation { createAlertRule(input: { name: "BigQuery failed syncs", kind: SYNC_FAILURES, destinationId: "dst_bigquery", threshold: 1, windowMinutes: 1440 }) { id } }',
  );
  await gql(
    'mutation { createAlertRule(input: { name: "Braze retries", kind: RETRY_PENDING_ABOVE, destinationId: "dst_braze_actions", threshold: 500 }) { id } }',
  );
}

/**
 * A replay to show: the demo has no delivery system, so this script plays one. It creates a pulled
 * replay of Amplitude's 429s (once: an idempotency key), pulls every batch, and reports half of
 * the messages delivered and a few failed again, as a delivery system sending them would.
 */
async function ensureDemoReplay() {
  const key = 'screenshots-demo';
  const { data } = await gql('{ replays(first: 100) { id idempotencyKey } }');
  const existing = data.replays.find((r) => r.idempotencyKey === key);
  if (existing) return existing.id;
  const created = await gql(
    'mutation($key: String!) { createReplay(input: { destinationId: "dst_amplitude", range: { preset: LAST_24_HOURS }, reason: "429" }, delivery: PULL, idempotencyKey: $key) { id } }',
    { key },
  );
  const id = created.data.createReplay.id;
  const pulled = [];
  for (let query = '?batches=10'; ;) {
    const res = await fetch(`${BASE}/v1/replays/${id}/messages${query}`, { headers: { authorization: `Bearer ${token}` } });
    pulled.push(
      ...(await res.text())
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    );
    const next = res.headers.get('x-replay-next');
    if (!next) break;
    query = `?batches=10&after=${next}`;
  }
  const now = new Date().toISOString();
  const reports = pulled.slice(0, Math.ceil(pulled.length * 0.6)).map((m, i) => ({
    timestamp: now,
    sourceId: m.sourceId,
    destinationId: 'dst_amplitude',
    destinationKind: 'classic',
    messageId: m.messageId,
    eventType: 'track',
    eventName: 'Order Completed',
    appVersion: '3.9.0',
    count: 1,
    ...(i % 6 === 5 ? { step: 'failed_delivery', reason: '503' } : { step: 'delivered' }),
  }));
  const ingested = await fetch(`${BASE}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(reports),
  });
  if (!ingested.ok) throw new Error(`reporting the replayed messages failed: ${ingested.status}`);
  return id;
}

fs.mkdirSync(OUT, { recursive: true });
await ensureDemoRules();
const demoReplay = await ensureDemoReplay();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true });
for (const variant of VARIANTS) {
  const context = await browser.newContext({ viewport: variant.viewport, deviceScaleFactor: 1, colorScheme: variant.scheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  for (const shot of variant.shots) {
    await page.goto(BASE + (typeof shot.path === 'function' ? shot.path() : shot.path), { waitUntil: 'load' });
    await page.waitForSelector(shot.ready, { timeout: shot.timeout ?? 20_000 });
    if (shot.click) {
      // A view reached by a click (a sync run's detail): open it as a person would.
      await page.click(shot.click);
      await page.waitForSelector(shot.then, { timeout: 20_000 });
    }
    if (shot.live !== false) await page.waitForSelector('[data-live-status="connected"]', { timeout: 10_000 });
    await page.waitForTimeout(shot.settle ?? 400); // charts draw on the next frame
    await page.mouse.move(variant.viewport.width - 10, variant.viewport.height - 10);
    const file = path.join(OUT, `${shot.name}${variant.suffix}.png`);
    await page.screenshot({ path: file, fullPage: shot.fullPage !== false, animations: 'disabled', caret: 'hide' });
    console.log(`wrote ${path.relative(ROOT, file)}`);
  }
  await context.close();
}
await browser.close();
