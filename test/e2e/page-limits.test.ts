import type { TestGateway } from '../helpers/gateway';
import { expectAxeClean, pipelineCounts, type PageHarness } from './browser';
import { CLASSIC, startPageTest, stopPageTest } from './seed';

/** A gateway that allows one GraphQL operation per second: the page slows down and recovers. */
let t: TestGateway;
let token = '';
let h: PageHarness;

beforeAll(async () => {
  ({ t, token, h } = await startPageTest('page_limits', { QUERY_RATE_PER_SECOND: '1', QUERY_RATE_BURST: '1' }));
});
afterAll(() => stopPageTest(t, h));

it('a 429 shows "slow down, retrying in N s", retries by itself and then draws the pipeline', async () => {
  await h.page.goto(`${t.url}/#token=${token}`);
  await h.page.waitForSelector('tr[data-destination]');
  // Another client of the workspace spends each token as it comes back until the page is refused
  // (one request just before the click was not enough on a slow machine: the page's came a second later).
  let draining = true;
  const drain = (async () => {
    while (draining) {
      await t.gql(token, '{ destinations { id } }');
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await h.page.click(`tr[data-destination="${CLASSIC}"] a`);
  const notice = await h.page.waitForSelector('.notice-warn', { timeout: 5000 }).finally(() => (draining = false));
  await drain;
  expect(await notice.textContent()).toMatch(/^Slow down\. The gateway is limiting requests for this workspace; retrying in \d+ s\.$/);
  await expectAxeClean(h.page, 'rate-limit notice');
  const counts = await pipelineCounts(h.page); // waits for the retried request
  expect(counts.SUCCESSFULLY_RECEIVED).toBe(12_481);
  // Later requests of the view (biggest movers) may meet the limit too; they recover the same way.
  await h.page.waitForSelector('.notice-warn', { state: 'detached', timeout: 15_000 });
  expect(h.problems.filter((p) => !/status of 429/.test(p))).toEqual([]);
});
