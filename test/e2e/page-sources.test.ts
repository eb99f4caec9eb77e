import type { Page } from 'playwright-core';
import { report, type TestGateway } from '../helpers/gateway';
import { formatCount, formatShare } from '../../web/src/format';
import { expectAxeClean, pipelineCounts, TIME_ZONE, type PageHarness } from './browser';
import { ACTIONS, CLASSIC, MAPPING, startPageTest, stopPageTest } from './seed';

/**
 * The source view (/sources/<id>): its boxes and its table of connected destinations show the
 * API's numbers; it is reached from the destination page and from the overview, and leads back
 * to a destination, by keyboard too; axe-clean.
 */
let t: TestGateway;
let token = '';
let h: PageHarness;
const RANGE = { preset: 'LAST_24_HOURS', timeZone: TIME_ZONE, lookback: true };

type Step = { kind: string; count: number; share: number | null };
type ApiSource = { pipeline: { steps: Step[] }; destinations: { destination: { id: string }; pipeline: { steps: Step[] } }[] };

beforeAll(async () => {
  ({ t, token, h } = await startPageTest('page_sources'));
  // src_web feeds the Actions destination too, so its view has two rows.
  const at = (o: Record<string, unknown>) => report({ sourceId: 'src_web', destinationId: ACTIONS, destinationKind: 'actions', mappingId: MAPPING, ...o }, 11);
  const res = await t.ingest(token, [
    at({ step: 'delivered', count: 11_700 }),
    at({ step: 'failed_delivery', reason: '500', count: 35 }),
    at({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 210 }),
  ]);
  expect(res.status).toBe(200);
  await h.page.goto(`${t.url}/#token=${token}`);
  await h.page.waitForSelector('tr[data-destination]');
});
afterAll(() => stopPageTest(t, h));

async function apiSource(id: string): Promise<ApiSource> {
  const steps = 'steps { kind count share }';
  const res = await t.gql<{ source: ApiSource }>(
    token,
    `query($id: ID!, $range: TimeRangeInput!) { source(id: $id) { pipeline(range: $range) { ${steps} } destinations { destination { id } pipeline(range: $range) { ${steps} } } } }`,
    { id, range: RANGE },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.source;
}

/** Presses Tab until the focused element matches `selector`. */
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

describe('the source view', () => {
  it("shows the API's numbers: its own boxes and, per connected destination, delivered, failed and filtered with shares", async () => {
    await h.page.goto(`${t.url}/sources/src_web?range=LAST_24_HOURS`);
    await h.page.waitForSelector('[data-view="source"] tr[data-destination]');
    const api = await apiSource('src_web');
    expect(await pipelineCounts(h.page)).toEqual(Object.fromEntries(api.pipeline.steps.map((s) => [s.kind, s.count])));
    expect(api.pipeline.steps.find((s) => s.kind === 'SUCCESSFULLY_RECEIVED')!.count).toBeGreaterThan(0);
    const rows = await h.page.$$eval('tr[data-destination]', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-destination'),
        cells: [...tr.querySelectorAll('td[data-step]')].map((td) => ({
          kind: td.getAttribute('data-step'),
          count: Number(td.getAttribute('data-count')),
          text: td.textContent,
        })),
      })),
    );
    expect(rows.map((r) => r.id)).toEqual([CLASSIC, ACTIONS]);
    for (const row of rows) {
      const steps = api.destinations.find((d) => d.destination.id === row.id)!.pipeline.steps;
      expect(row.cells.map((c) => c.kind)).toEqual(['SUCCESSFUL_DELIVERY', 'FAILED_DELIVERY', 'FILTERED_AT_DESTINATION']);
      for (const cell of row.cells) {
        const step = steps.find((s) => s.kind === cell.kind)!;
        expect([row.id, cell.kind, cell.count]).toEqual([row.id, cell.kind, step.count]);
        expect(cell.text).toContain(formatCount(step.count));
        expect(cell.text).toContain(formatShare(step.share));
      }
    }
    // The Actions row counts src_web's events only, not src_ios's.
    expect(rows[1].cells[0].count).toBe(11_700);
  });

  it('says so for an unknown source', async () => {
    await h.page.goto(`${t.url}/sources/src_nowhere?range=LAST_24_HOURS`);
    await h.page.waitForSelector('[data-view="source"] [data-problem="not-found"]');
    expect(await h.page.textContent('[data-problem="not-found"]')).toContain('This workspace has no source with that id');
    expect(await h.page.textContent('[data-view="source"] .mono')).toBe('src_nowhere');
  });
});

describe('navigation', () => {
  it('by keyboard: destination → source → destination, keeping the range', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_7_DAYS`);
    await h.page.waitForSelector('[data-step][data-count]');
    await tabTo(h.page, 'a[data-source="src_web"]');
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('[data-view="source"] tr[data-destination]');
    expect(new URL(h.page.url()).pathname + new URL(h.page.url()).search).toBe('/sources/src_web?range=LAST_7_DAYS');
    await tabTo(h.page, `tr[data-destination="${ACTIONS}"] a`);
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('[data-view="destination"] [data-step][data-count]');
    expect(new URL(h.page.url()).pathname + new URL(h.page.url()).search).toBe(`/destinations/${ACTIONS}?range=LAST_7_DAYS`);
    await h.page.goBack();
    await h.page.waitForSelector('[data-view="source"] tr[data-destination]');
  });

  it('from the overview: a source name opens its view', async () => {
    await h.page.goto(`${t.url}/?range=LAST_24_HOURS`);
    await h.page.click(`tr[data-destination="${ACTIONS}"] a[data-source="src_ios"]`);
    await h.page.waitForSelector('[data-view="source"] tr[data-destination]');
    expect(await h.page.$$eval('tr[data-destination]', (trs) => trs.map((tr) => tr.getAttribute('data-destination')))).toEqual([ACTIONS]);
    await expectAxeClean(h.page, 'overview');
  });
});
