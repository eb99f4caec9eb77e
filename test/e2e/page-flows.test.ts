import type { Page } from 'playwright-core';
import { report, type TestGateway } from '../helpers/gateway';
import { expectAxeClean, type PageHarness } from './browser';
import { CLASSIC, startPageTest, stopPageTest, TRACED_MESSAGE } from './seed';

/**
 * How a person uses the page: drilling step → reason → breakdown → sample → trace by mouse and
 * by keyboard, the live retry gauge, back/forward, signing in (and being refused), alerts.
 */
let t: TestGateway;
let token = '';
let admin = '';
let h: PageHarness;

beforeAll(async () => {
  ({ t, token, h } = await startPageTest('page_flows', { LIVE_POLL_INTERVAL_MS: '250', ALERT_EVAL_INTERVAL_MS: '0' }));
  admin = await t.token('ws_page_flows', ['read', 'admin']);
});
afterAll(() => stopPageTest(t, h));

const DESTINATION = () => `${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS`;

/** Presses Tab until the focused element matches `selector` (at most `limit` presses). */
async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (
      await page.evaluate(
        (s) => (globalThis as unknown as { document: { activeElement: { matches(s: string): boolean } | null } }).document.activeElement?.matches(s) ?? false,
        selector,
      )
    )
      return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

type Exchange = { method?: string; url?: string; headers: { name: string; value: string }[]; body: string | null };

async function signInWith(value: string): Promise<void> {
  await h.page.goto(`${t.url}/#token=${value}`);
}

describe('signing in', () => {
  it('an unknown token shows the sign-in panel with what is wrong; pasting a good one opens the page', async () => {
    await signInWith('dov_not_a_real_token');
    await h.page.waitForSelector('[data-view="sign-in"] [role="alert"]');
    expect(await h.page.textContent('[data-view="sign-in"]')).toMatch(/did not accept this token/);
    expect(h.page.url()).not.toContain('dov_not_a_real_token');
    await expectAxeClean(h.page, 'sign-in');
    await h.page.fill('#token', token);
    await h.page.press('#token', 'Enter');
    await h.page.waitForSelector('tr[data-destination]');
  });

  it('a token without the read scope is told which scope it lacks', async () => {
    const ingestOnly = await t.token('ws_page_flows', ['ingest']);
    await signInWith(ingestOnly);
    await h.page.waitForSelector('[data-view="sign-in"] [role="alert"]');
    expect(await h.page.textContent('[data-view="sign-in"]')).toMatch(/lacks the "read" scope/);
    await signInWith(token);
    await h.page.waitForSelector('tr[data-destination]');
  });
});

describe('drilling down', () => {
  it('by mouse: overview → step → reason → breakdown → samples → trace; back and forward restore each view', async () => {
    await h.page.goto(`${t.url}/`);
    await h.page.click(`tr[data-destination="${CLASSIC}"] a`);
    await h.page.click('[data-step="FAILED_DELIVERY"]');
    await h.page.click('tr[data-reason="429"] .reason-title');
    await h.page.waitForSelector('[data-detail="breakdown"] tr[data-count]');
    await h.page.click('tr[data-reason="429"] button:has-text("sample")');
    await h.page.waitForSelector('[role="dialog"] .sample');
    expect(await h.page.textContent('[role="dialog"] .payload')).toContain('"sku": "A-1"');
    await h.page.click(`[role="dialog"] a:has-text("${TRACED_MESSAGE}")`);
    await h.page.waitForSelector('[data-view="trace"] tbody tr[data-step]');
    expect(await h.page.$$eval('[data-view="trace"] tbody tr[data-step]', (rows) => rows.map((r) => r.getAttribute('data-step')))).toEqual([
      'SUCCESSFULLY_RECEIVED',
      'FAILED_DELIVERY',
    ]);
    expect(new URL(h.page.url()).search).toBe(`?messageId=${TRACED_MESSAGE}`);

    await h.page.goBack();
    await h.page.waitForSelector('[role="dialog"] .sample');
    expect(new URL(h.page.url()).searchParams.get('samples')).toBe('429');
    await h.page.goBack();
    await h.page.waitForSelector('[data-detail="breakdown"]');
    expect(await h.page.$('[role="dialog"]')).toBeNull();
    await h.page.goForward();
    await h.page.waitForSelector('[role="dialog"] .sample');
  });

  it("a failed delivery's sample shows its request and response side by side, as the API answers them", async () => {
    const api = await t.gql<{
      destination: {
        discards: { reason: { code: string }; samples: { messageId: string | null; request: Exchange; response: Exchange & { status: number } }[] }[];
      };
    }>(
      token,
      `{ destination(id: "${CLASSIC}") { discards(step: FAILED_DELIVERY, range: { preset: LAST_24_HOURS }) { reason { code } samples { messageId
        request { method url headers { name value } body } response { status headers { name value } body } } } } }`,
    );
    const samples = api.body.data!.destination.discards.find((d) => d.reason.code === '429')!.samples;
    const index = samples.findIndex((s) => s.messageId === TRACED_MESSAGE);
    const { request, response } = samples[index];
    expect(request.headers).toContainEqual({ name: 'Authorization', value: '[redacted]' });
    expect(request.url).toBe('https://api2.amplitude.com/2/httpapi?api_key=[redacted]&batch=1');

    await h.page.goto(DESTINATION());
    await h.page.click('[data-step="FAILED_DELIVERY"]');
    await h.page.click('tr[data-reason="429"] button:has-text("sample")');
    const part = (name: string) => `[role="dialog"] [data-sample="${index}"] [data-exchange-part="${name}"]`;
    await h.page.waitForSelector(part('request'));
    const headersOf = (name: string) =>
      h.page.$$eval(`${part(name)} tbody tr`, (rows) =>
        rows.map((r) => ({ name: r.querySelector('th')!.textContent, value: r.querySelector('td')!.textContent })),
      );
    expect(await h.page.textContent(`${part('request')} [data-request-line]`)).toBe(`${request.method} ${request.url}`);
    expect(await headersOf('request')).toEqual(request.headers);
    expect(JSON.parse((await h.page.textContent(`${part('request')} [data-body]`))!)).toEqual(JSON.parse(request.body!));
    expect(await h.page.textContent(`${part('response')} [data-status]`)).toBe(`Status ${response.status}`);
    expect(await headersOf('response')).toEqual(response.headers);
    expect(await h.page.textContent(`${part('response')} [data-body]`)).toBe(response.body);
    expect(await h.page.$$eval(`[role="dialog"] [data-sample="${index}"] [data-exchange] h3`, (hs) => hs.map((x) => x.textContent))).toEqual([
      'Request',
      'Response',
    ]);
    // Side by side: the two columns start at the same height.
    const [a, b] = await Promise.all([
      h.page.$eval(part('request'), (e) => e.getBoundingClientRect().top),
      h.page.$eval(part('response'), (e) => e.getBoundingClientRect().top),
    ]);
    expect(a).toBe(b);
    // Samples without an exchange show none.
    expect(await h.page.$$(`[role="dialog"] .sample:not([data-sample="${index}"]) [data-exchange]`)).toEqual([]);
    await expectAxeClean(h.page, 'samples panel with request and response');
  });

  it('by keyboard: Tab and Enter reach every level, Escape closes the panel and returns focus', async () => {
    await h.page.goto(DESTINATION());
    await h.page.waitForSelector('[data-step][data-count]');
    await tabTo(h.page, '[data-step="FAILED_DELIVERY"]');
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('tr[data-reason="429"]');
    await tabTo(h.page, 'tr[data-reason="429"] .reason-title');
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('[data-detail="breakdown"] tr[data-count]');
    await tabTo(h.page, '[data-detail="breakdown"] th button'); // breakdown headers sort
    await h.page.keyboard.press('Enter');
    await tabTo(h.page, 'tr[data-reason="429"] .docs-link', 200);
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('[role="dialog"] .markdown h4, [role="dialog"] .markdown h3');
    expect(await h.page.textContent('[role="dialog"] .markdown')).toMatch(/What happened/);
    expect(await h.page.textContent('[role="dialog"] .markdown')).not.toContain('**'); // rendered, not raw
    await expectAxeClean(h.page, 'docs panel');
    await h.page.keyboard.press('Escape');
    await h.page.waitForFunction(
      () => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('[role="dialog"]'),
    );
    await tabTo(h.page, 'tr[data-reason="429"] button[aria-label*="sample of"]', 40);
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('[role="dialog"] .sample');
    expect(
      await h.page.evaluate(() =>
        (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('role'),
      ),
    ).toBe('dialog');
    await tabTo(h.page, `[role="dialog"] a[href*="${TRACED_MESSAGE}"]`, 40);
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('[data-view="trace"] tbody tr[data-step]');
  });
});

describe('live values', () => {
  it('the retry-pending label follows an ingest within 3 s, without a reload', async () => {
    await h.page.goto(DESTINATION());
    const label = '[data-live="retry-pending"]';
    await h.page.waitForSelector(label);
    const before = Number(await h.page.getAttribute(label, 'data-count'));
    expect(before).toBe(80);
    await h.page.waitForSelector('[data-live-status="connected"]');
    const started = Date.now();
    const res = await t.ingest(token, [report({ destinationId: CLASSIC, step: 'retry_enqueued', reason: '503', count: 7 }, 1)]);
    expect(res.status).toBe(200);
    await h.page.waitForSelector(`${label}[data-count="${before + 7}"]`, { timeout: 3000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await h.page.getAttribute(label, 'class')).toContain('retry-pulse');
  });
  it('a rolling range follows pipelineUpdated: a new delivery shows without a reload', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_HOUR&lookback=off&view=counts`);
    const step = '[data-step="SUCCESSFUL_DELIVERY"]';
    await h.page.waitForSelector(`${step}[data-count]`);
    const before = Number(await h.page.getAttribute(step, 'data-count'));
    await h.page.waitForSelector('[data-live-status="connected"]');
    await new Promise((r) => setTimeout(r, 500)); // the subscription's first value has arrived
    expect((await t.ingest(token, [report({ destinationId: CLASSIC, step: 'delivered', count: 5 }, 0)])).status).toBe(200);
    await h.page.waitForSelector(`${step}[data-count="${before + 5}"]`, { timeout: 5000 });
    expect(await h.page.textContent(`${step} .step-value`)).toBe((before + 5).toLocaleString('en-US'));
  });
});

describe('alerts', () => {
  it('a read token cannot create rules; an admin token creates, edits and deletes one, and a firing arrives as a toast', async () => {
    await h.page.goto(`${t.url}/alerts`);
    await h.page.waitForSelector('[data-view="alerts"] caption');
    await h.page.click('button:has-text("New rule")');
    await h.page.fill('.alert-form input >> nth=0', 'Amplitude delivery');
    await h.page.selectOption('.alert-form select:near(:text("Destination"))', CLASSIC);
    await h.page.click('button:has-text("Create rule")');
    await h.page.waitForSelector('.alert-form [role="alert"]');
    expect(await h.page.textContent('.alert-form')).toMatch(/admin scope/);
    await expectAxeClean(h.page, 'alert form');

    await signInWith(admin);
    await h.page.goto(`${t.url}/alerts?rule=new`);
    await h.page.waitForSelector('.alert-form');
    await h.page.fill('.alert-form input >> nth=0', 'Amplitude delivery');
    await h.page.selectOption('.alert-form select:near(:text("Destination"))', CLASSIC);
    await h.page.fill('.alert-form input[type="number"] >> nth=0', '99');
    await h.page.fill('.alert-form input[type="number"] >> nth=1', '60');
    await h.page.click('button:has-text("Create rule")');
    await h.page.waitForSelector('tr[data-rule]');
    expect(await h.page.textContent('tr[data-rule]')).toContain('Amplitude delivery');

    // 10,033 delivered of 11,308 attempts is 88.7 % < 99 %: the next sweep fires, pushed as a toast.
    await h.page.waitForSelector('[data-live-status="connected"]');
    await new Promise((r) => setTimeout(r, 500)); // the alertEvents subscription starts polling
    await t.gateway.alerts.evaluateOnce();
    await h.page.waitForSelector('.toast-firing', { timeout: 5000 });
    expect(await h.page.textContent('.toast-firing')).toContain('Amplitude delivery');

    await h.page.click('tr[data-rule] button:has-text("Edit")');
    await h.page.fill('.alert-form input >> nth=0', 'Amplitude delivery (edited)');
    await h.page.click('button:has-text("Save changes")');
    await h.page.waitForSelector('tr[data-rule]:has-text("(edited)")');
    h.page.once('dialog', (d) => void d.accept());
    await h.page.click('tr[data-rule] button:has-text("Delete")');
    await h.page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('tr[data-rule]'));
  });

  it('requested nothing from another host and logged no page errors', () => {
    const host = new URL(t.url).host;
    expect(h.requests.filter((u) => new URL(u).host !== host)).toEqual([]);
    // 401/403 answers are logged by Chromium as failed resources; nothing else may appear.
    expect(h.problems.filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
  });
});
