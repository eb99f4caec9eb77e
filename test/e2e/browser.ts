import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; these tests never download a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The browser's zone and locale in these tests: the page must use both. */
export const TIME_ZONE = 'Europe/Berlin';

export interface PageHarness {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested (documents, assets, fetches, WebSockets). */
  requests: string[];
  /** Console errors (CSP violations included) and uncaught page errors. */
  problems: string[];
}

const ROOT = path.resolve(__dirname, '../..');

/** The newest modification time under a folder (0 when it does not exist). */
function newestMtime(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The gateway serves the page from dist/web; a bundle older than web/src makes these tests
 * fail on every selector, 30 s at a time, for a reason no assertion names. Say it at once.
 */
function assertPageBuilt(): void {
  const built = path.join(ROOT, 'dist/web/index.html');
  if (!fs.existsSync(built)) throw new Error('dist/web is missing: run `npm run build` (npm test builds it before jest)');
  if (newestMtime(path.join(ROOT, 'web/src')) > fs.statSync(built).mtimeMs)
    throw new Error('dist/web is older than web/src: run `npm run build` (npm test builds it before jest)');
}

export async function openBrowser(): Promise<PageHarness> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; install Debian's chromium package`);
  assertPageBuilt();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US', timezoneId: TIME_ZONE, colorScheme: 'light' });
  const page = await context.newPage();
  const harness: PageHarness = { browser, context, page, requests: [], problems: [] };
  page.on('request', (r) => harness.requests.push(r.url()));
  page.on('websocket', (ws) => harness.requests.push(ws.url()));
  page.on('console', (m) => m.type() === 'error' && harness.problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => harness.problems.push(`page error: ${e.message}`));
  return harness;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page and returns its serious and critical violations. The source is
 * evaluated over the DevTools protocol, which the page's CSP does not govern.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** `data-step` → `data-count` of every pipeline step, and the retry-pending label. */
export async function pipelineCounts(page: Page): Promise<Record<string, number>> {
  await page.waitForSelector('[data-step][data-count]');
  const steps = await page.$$eval('.pipeline [data-step]', (els) =>
    els.map((e) => [e.getAttribute('data-step'), Number(e.getAttribute('data-count'))] as const),
  );
  const retry = await page.$$eval('[data-live="retry-pending"]', (els) => els.map((e) => Number(e.getAttribute('data-count'))));
  const counts: Record<string, number> = Object.fromEntries(steps);
  if (retry.length) counts.RETRY_PENDING = retry[0];
  return counts;
}

/** Rows of a table whose rows carry `attribute` (e.g. data-reason) → their data-count. */
export async function rowCounts(page: Page, selector: string, attribute: string): Promise<Record<string, number>> {
  return Object.fromEntries(
    await page.$$eval(selector, (els, attr) => els.map((e) => [e.getAttribute(attr), Number(e.getAttribute('data-count'))] as const), attribute),
  );
}

/** Fails the test with the list of serious and critical axe-core violations of the view. */
export async function expectAxeClean(page: Page, view: string): Promise<void> {
  expect({ view, violations: await seriousA11yViolations(page) }).toEqual({ view, violations: [] });
}
