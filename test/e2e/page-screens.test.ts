import type { TestGateway } from '../helpers/gateway';
import { seriousA11yViolations, type PageHarness } from './browser';
import { CLASSIC, STORAGE, startPageTest, stopPageTest, TRACED_MESSAGE } from './seed';

/**
 * Every view on every screen (issue 24, Must show b and f): at 390×844, 768×1024 and 1440×900,
 * nothing scrolls sideways but a table's own scroller, and axe-core finds nothing serious or
 * critical, in light and in dark mode. One navigation per view and size; the colour scheme is
 * switched in place.
 */
let t: TestGateway;
let token = '';
let h: PageHarness;

beforeAll(async () => {
  ({ t, token, h } = await startPageTest('page_screens', { ALERT_EVAL_INTERVAL_MS: '0' }));
  const admin = await t.token('ws_page_screens', ['read', 'admin']);
  const rule = await t.gql(admin, `mutation { createAlertRule(input: { name: "Amplitude delivery", kind: DELIVERY_RATE_BELOW, destinationId: "${CLASSIC}", threshold: 99, windowMinutes: 60 }) { id } }`);
  expect(rule.body.errors).toBeUndefined();
  await h.page.goto(`${t.url}/#token=${token}`);
  await h.page.waitForSelector('tr[data-destination]');
});
afterAll(() => stopPageTest(t, h));

const VIEWS: { name: string; path: string; ready: string }[] = [
  { name: 'overview', path: '/?range=LAST_24_HOURS', ready: 'tr[data-health]' },
  { name: 'destination', path: `/destinations/${CLASSIC}?range=LAST_24_HOURS`, ready: '[data-detail="insights"] li[data-insight-step]' },
  { name: 'step open', path: `/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY&reason=429`, ready: '[data-detail="breakdown"] tr[data-count]' },
  { name: 'samples open', path: `/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY&samples=429`, ready: '[role="dialog"] .sample' },
  { name: 'storage syncs', path: `/destinations/${STORAGE}?range=LAST_24_HOURS&step=FAILED_TO_SYNC`, ready: 'tr[data-sync]' },
  { name: 'source', path: '/sources/src_web?range=LAST_24_HOURS', ready: '[data-view="source"] tr[data-destination]' },
  { name: 'trace', path: `/trace?messageId=${TRACED_MESSAGE}`, ready: '[data-view="trace"] tbody tr[data-step]' },
  { name: 'alerts', path: '/alerts', ready: 'tr[data-rule]' },
];

const SIZES = [
  { width: 390, height: 844 },
  { width: 768, height: 1024 },
  { width: 1440, height: 900 },
];

type Win = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };

describe.each(SIZES)('at $width×$height', (size) => {
  beforeAll(() => h.page.setViewportSize(size));

  it.each(VIEWS)('$name: no sideways overflow; axe-clean in light and dark', async ({ path, ready }) => {
    await h.page.emulateMedia({ colorScheme: 'light' });
    await h.page.goto(t.url + path);
    await h.page.waitForSelector(ready);
    const overflow = () => h.page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return { scrollWidth: w.document.documentElement.scrollWidth, innerWidth: w.innerWidth };
    });
    const light = await overflow();
    expect(light.scrollWidth).toBeLessThanOrEqual(light.innerWidth);
    expect({ scheme: 'light', violations: await seriousA11yViolations(h.page) }).toEqual({ scheme: 'light', violations: [] });
    await h.page.emulateMedia({ colorScheme: 'dark' });
    // The page follows the system setting: a dark background, not the light page again.
    expect(await h.page.evaluate(() => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { documentElement: unknown } }).getComputedStyle((globalThis as unknown as { document: { documentElement: unknown } }).document.documentElement).backgroundColor)).toBe('rgb(15, 20, 27)');
    const dark = await overflow();
    expect(dark.scrollWidth).toBeLessThanOrEqual(dark.innerWidth);
    expect({ scheme: 'dark', violations: await seriousA11yViolations(h.page) }).toEqual({ scheme: 'dark', violations: [] });
    await h.page.emulateMedia({ colorScheme: 'light' });
  });
});

describe('narrow screens', () => {
  beforeAll(() => h.page.setViewportSize({ width: 390, height: 844 }));
  afterAll(() => h.page.setViewportSize({ width: 1400, height: 900 }));

  it('the pipeline is a vertical list in the same order, the retry label between the same two boxes', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS`);
    await h.page.waitForSelector('[data-live="retry-pending"]');
    const boxes = await h.page.$$eval('.pipeline [data-step], .pipeline [data-live]', (els) => els.map((e) => ({ what: e.getAttribute('data-step') ?? 'retry', top: e.getBoundingClientRect().top, left: e.getBoundingClientRect().left })));
    expect(boxes.map((b) => b.what)).toEqual(['SUCCESSFULLY_RECEIVED', 'FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'retry', 'FAILED_DELIVERY', 'SUCCESSFUL_DELIVERY']);
    const tops = boxes.map((b) => b.top);
    expect(tops).toEqual([...tops].sort((a, b) => a - b)); // top to bottom, in order
    const steps = boxes.filter((b) => b.what !== 'retry');
    expect(new Set(steps.map((b) => Math.round(b.left))).size).toBe(1); // one column
  });

  it('tables keep name, count and change; the rest opens below a row with a tap', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY`);
    await h.page.waitForSelector('tr[data-reason="429"]');
    const row = 'tr[data-reason="429"]';
    expect(await h.page.isVisible(`${row} [data-column="count"]`)).toBe(true);
    expect(await h.page.isVisible(`${row} [data-column="change"]`)).toBe(true);
    expect(await h.page.isVisible(`${row} .remedy`)).toBe(false);
    await h.page.click(`${row} .row-toggle`);
    expect(await h.page.getAttribute(`${row} .row-toggle`, 'aria-expanded')).toBe('true');
    expect(await h.page.isVisible(`${row} .remedy`)).toBe(true);
  });

  it('samples open as a full-screen sheet', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY&samples=429`);
    const sheet = await h.page.waitForSelector('[role="dialog"]');
    const box = (await sheet.boundingBox())!;
    expect({ left: box.x, width: box.width, height: box.height }).toEqual({ left: 0, width: 390, height: 844 });
  });
});
