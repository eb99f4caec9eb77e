// Screenshots of the page on the demo data, for docs/screenshots/. Start the demo first
// (`PORT=4710 DATA_DIR=/tmp/page-demo npm run demo`), then: node web/screenshots.mjs [base URL].
// The demo serves its read token in index.html, so the page opens signed in.
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
  { name: 'destination-actions', path: '/destinations/dst_braze_actions?range=LAST_24_HOURS&mapping=track_purchase&step=FAILED_DELIVERY', ready: 'tr[data-reason]' },
  { name: 'destination-storage', path: '/destinations/dst_bigquery?range=LAST_7_DAYS&step=FAILED_TO_SYNC', ready: 'tr[data-sync]' },
  { name: 'destination-retl', path: '/destinations/dst_salesforce_retl?range=LAST_24_HOURS&step=RECORDS_EXTRACTED', ready: 'tr[data-sync-run]', click: 'tr[data-status="PARTIAL"] button:has-text("Detail")', then: '[data-run-detail] tr[data-reason]' },
  { name: 'destination-audience', path: '/destinations/dst_google_ads_audiences?range=LAST_24_HOURS&step=MEMBERSHIP_CHANGES_COMPUTED', ready: '[data-detail="breakdown"] tr[data-count]' },
  { name: 'discard-samples', path: '/destinations/dst_amplitude?range=LAST_24_HOURS&step=FAILED_DELIVERY&samples=429', ready: '.sample' },
  { name: 'breakdown', path: '/destinations/dst_amplitude?range=LAST_24_HOURS&step=FAILED_DELIVERY&reason=429', ready: '[data-detail="breakdown"] tr[data-count]' },
  { name: 'alerts', path: '/alerts', ready: '[data-view="alerts"] tbody tr:not([aria-hidden])' },
  // The source view holds no subscription: nothing to wait for but its rows.
  { name: 'source', path: '/sources/src_web?range=LAST_24_HOURS', ready: 'tr[data-destination]', live: false },
  { name: 'destination-filtered', path: '/destinations/dst_amplitude?range=LAST_24_HOURS&eventName=Order+Completed&tz=America/New_York&step=FAILED_DELIVERY', ready: 'tr[data-reason]' },
];

/** The same views on a phone and in dark mode: a few of each, enough to see the layouts. */
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const VARIANTS = [
  { suffix: '', viewport: DESKTOP, scheme: 'light', shots: SHOTS },
  { suffix: '-dark', viewport: DESKTOP, scheme: 'dark', shots: SHOTS.filter((s) => ['overview', 'destination-classic', 'discard-samples'].includes(s.name)) },
  { suffix: '-phone', viewport: PHONE, scheme: 'light', shots: SHOTS.filter((s) => ['overview', 'destination-classic', 'breakdown', 'discard-samples'].includes(s.name)) },
  { suffix: '-phone-dark', viewport: PHONE, scheme: 'dark', shots: SHOTS.filter((s) => ['overview', 'destination-classic'].includes(s.name)) },
];

/** The alerts tab needs rules to show: create two on the demo workspace when it has none. */
async function ensureDemoRules() {
  const html = await (await fetch(`${BASE}/`)).text();
  const token = /name="do-demo-token" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page carries no demo token: is this the demo (npm run demo)?');
  const gql = async (query) => (await fetch(`${BASE}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) })).json();
  const { data } = await gql('{ alertRules { id } }');
  if (data.alertRules.length > 0) return;
  await gql('mutation { createAlertRule(input: { name: "Amplitude delivery rate", kind: DELIVERY_RATE_BELOW, destinationId: "dst_amplitude", threshold: 99, windowMinutes: 60 }) { id } }');
  await gql('mutation { createAlertRule(input: { name: "BigQuery failed syncs", kind: SYNC_FAILURES, destinationId: "dst_bigquery", threshold: 1, windowMinutes: 1440 }) { id } }');
  await gql('mutation { createAlertRule(input: { name: "Braze retries", kind: RETRY_PENDING_ABOVE, destinationId: "dst_braze_actions", threshold: 500 }) { id } }');
}

fs.mkdirSync(OUT, { recursive: true });
await ensureDemoRules();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, headless: true });
for (const variant of VARIANTS) {
  const context = await browser.newContext({ viewport: variant.viewport, deviceScaleFactor: 1, colorScheme: variant.scheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  for (const shot of variant.shots) {
    await page.goto(BASE + shot.path, { waitUntil: 'load' });
    await page.waitForSelector(shot.ready, { timeout: 20_000 });
    if (shot.click) {
      // A view reached by a click (a sync run's detail): open it as a person would.
      await page.click(shot.click);
      await page.waitForSelector(shot.then, { timeout: 20_000 });
    }
    if (shot.live !== false) await page.waitForSelector('[data-live-status="connected"]', { timeout: 10_000 });
    await page.waitForTimeout(400); // charts draw on the next frame
    await page.mouse.move(variant.viewport.width - 10, variant.viewport.height - 10);
    const file = path.join(OUT, `${shot.name}${variant.suffix}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
    console.log(`wrote ${path.relative(ROOT, file)}`);
  }
  await context.close();
}
await browser.close();
