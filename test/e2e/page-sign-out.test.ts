import type { TestGateway } from '../helpers/gateway';
import { expectAxeClean, type PageHarness } from './browser';
import { CLASSIC, startPageTest, stopPageTest } from './seed';

/**
 * Signing out of the demo's page (issue 29, item 7), in Chromium against a gateway that serves
 * the page with a demo token, as `npm run demo` does: "Sign out" holds across reloads and
 * routes until the reader signs in again; the sign-in panel offers no "Sign out" and says where
 * a token comes from.
 */
let t: TestGateway;
let token = '';
let h: PageHarness;
let demo = '';

beforeAll(async () => {
  ({ t, token, h } = await startPageTest('page_sign_out', { ALERT_EVAL_INTERVAL_MS: '0' }, { web: { demoToken: () => demo } }));
  demo = token;
});
afterAll(() => stopPageTest(t, h));

const signOutButtons = () => h.page.locator('header button:has-text("Sign out")').count();

/** The sign-in panel is showing, and after a moment still is: nothing signed the tab in meanwhile. */
async function staysSignedOut(): Promise<void> {
  await h.page.waitForSelector('[data-view="sign-in"]', { timeout: 10_000 });
  await h.page.waitForTimeout(750);
  expect(await h.page.locator('[data-view="sign-in"]').count()).toBe(1);
  expect(await h.page.locator('tr[data-destination]').count()).toBe(0);
  expect(await signOutButtons()).toBe(0);
}

describe('signing out of the demo page', () => {
  it('the demo token signs a new tab in', async () => {
    await h.page.goto(`${t.url}/`);
    await h.page.waitForSelector(`tr[data-destination="${CLASSIC}"]`);
    expect(await signOutButtons()).toBe(1);
  });

  it('stays signed out across a reload and another route, until the reader signs in', async () => {
    await h.page.click('header button:has-text("Sign out")');
    await staysSignedOut();
    await h.page.reload();
    await staysSignedOut();
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS`);
    await staysSignedOut();

    // Pasting a token signs in, and a reload keeps it.
    await h.page.fill('#token', token);
    await h.page.press('#token', 'Enter');
    await h.page.waitForSelector('[data-step="FAILED_DELIVERY"][data-count]');
    await h.page.reload();
    await h.page.waitForSelector('[data-step="FAILED_DELIVERY"][data-count]');
    expect(await signOutButtons()).toBe(1);
  });

  it('the sign-in panel says where to get a token, and offers the demo token here', async () => {
    await h.page.goto(`${t.url}/`);
    await h.page.click('header button:has-text("Sign out")');
    await staysSignedOut();
    const hint = await h.page.textContent('[data-hint="where-to-get-a-token"]');
    expect(hint).toContain('npx delivery-overview token create --workspace <id> --scopes read');
    expect(hint).toContain('data/demo-token');
    await expectAxeClean(h.page, 'sign-in after sign-out');
    await h.page.click('[data-action="demo-sign-in"]');
    await h.page.waitForSelector(`tr[data-destination="${CLASSIC}"]`);
    await h.page.reload();
    await h.page.waitForSelector(`tr[data-destination="${CLASSIC}"]`);
  });

  it('a refused token shows the sign-in panel without a "Sign out" button', async () => {
    await h.page.goto(`${t.url}/#token=dov_not_a_real_token`);
    await h.page.waitForSelector('[data-view="sign-in"] [role="alert"]');
    expect(await signOutButtons()).toBe(0);
    expect(await h.page.textContent('[data-hint="where-to-get-a-token"]')).toContain('token create');
    // The refused request itself is logged by the browser; nothing else may be.
    expect(h.problems.filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
  });
});
