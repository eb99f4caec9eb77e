import { report, type TestGateway } from '../helpers/gateway';
import { expectAxeClean, pipelineCounts, rowCounts, seriousA11yViolations, TIME_ZONE, type PageHarness } from './browser';
import { ACTIONS, CLASSIC, MAPPING, startPageTest, stopPageTest, STORAGE, TRACED_MESSAGE } from './seed';

/**
 * The page during an incident (issue 24): one moment per view while live reports arrive, shares
 * with the right denominator, filters and zone that survive a reload, error states that end in a
 * message, and every view at 390×844, 768×1024 and 1440×900 without sideways overflow and
 * axe-clean in light and dark mode. One gateway and one browser for all of it.
 */
let t: TestGateway;
let token = '';
let h: PageHarness;
let adminToken = '';
let ruleId = '';
let replayId = '';
/** A destination of its own for the replay views, so the seeded numbers the other tests read stay as they are. */
const REPLAYED = 'dst_incident_replay';
const RANGE = { preset: 'LAST_24_HOURS', timeZone: TIME_ZONE, lookback: true };

beforeAll(async () => {
  ({ t, token, h } = await startPageTest('page_incident', { LIVE_POLL_INTERVAL_MS: '250', ALERT_EVAL_INTERVAL_MS: '0' }));
  // The alerts view needs a rule to show (never evaluated here: no toast covers the page).
  const admin = await t.token('ws_page_incident', ['read', 'admin']);
  const rule = await t.gql<{ createAlertRule: { id: string } }>(
    admin,
    `mutation { createAlertRule(input: { name: "Amplitude delivery", kind: DELIVERY_RATE_BELOW, destinationId: "${CLASSIC}", threshold: 99, windowMinutes: 60 }) { id } }`,
  );
  expect(rule.body.errors).toBeUndefined();
  ruleId = rule.body.data!.createAlertRule.id;
  adminToken = admin;
  await seedReplayViews(admin);
  await h.page.goto(`${t.url}/#token=${token}`);
  await h.page.waitForSelector('tr[data-destination]');
});
afterAll(() => stopPageTest(t, h));

/** Undelivered messages of two reasons; a pending (pulled, never taken) replay holds the 500s; a muted rule. */
async function seedReplayViews(admin: string): Promise<void> {
  const failed = (reason: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      report({ destinationId: REPLAYED, step: 'failed_delivery', reason, messageId: `m-incident-${reason}-${i}`, attempt: 2 }, 20 + i),
    );
  expect(
    (await t.ingest(token, [report({ destinationId: REPLAYED, step: 'delivered', count: 40 }, 30), ...failed('500', 3), ...failed('503', 2)])).status,
  ).toBe(200);
  const job = await t.gql<{ createReplay: { id: string } }>(
    admin,
    'mutation { createReplay(input: { destinationId: "dst_incident_replay", range: { preset: LAST_24_HOURS }, reason: "500" }, delivery: PULL) { id } }',
  );
  expect(job.body.errors).toBeUndefined();
  replayId = job.body.data!.createReplay.id;
  const until = new Date(Date.now() + 3_600_000).toISOString();
  expect(
    (await t.gql(admin, 'mutation($id: ID!, $until: DateTimeISO!) { muteAlertRule(id: $id, until: $until) { id } }', { id: ruleId, until })).body.errors,
  ).toBeUndefined();
}

type Doc = {
  querySelector(s: string): { getAttribute(n: string): string | null } | null;
  querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }>;
};

async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(token, query, variables);
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data as T;
}

/**
 * Records, at every change of the page, the failed-delivery box, the sum of the discard rows and
 * the movers' failed-delivery rows: a moment where they disagree is what the page must never show.
 */
async function watchAgreement(): Promise<void> {
  await h.page.evaluate(() => {
    const d = (globalThis as unknown as { document: Doc & { body: unknown } }).document;
    const g = globalThis as unknown as {
      agreement: { box: number; rows: number }[];
      MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void };
    };
    g.agreement = [];
    const read = () => {
      const box = Number(d.querySelector('[data-step="FAILED_DELIVERY"]')?.getAttribute('data-count') ?? NaN);
      const rows = Array.from(d.querySelectorAll('tr[data-reason]')).reduce((sum, r) => sum + Number(r.getAttribute('data-count')), 0);
      const last = g.agreement[g.agreement.length - 1];
      if (!last || last.box !== box || last.rows !== rows) g.agreement.push({ box, rows });
    };
    read();
    new g.MutationObserver(read).observe(d.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

describe('one moment per view', () => {
  it('(a) a new reason arrives live: within 5 s the box, the new data-reason row and the sum of the discard rows agree, at every moment', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&view=counts&step=FAILED_DELIVERY`);
    await h.page.waitForSelector('tr[data-reason="429"]');
    await h.page.waitForSelector('[data-live-status="connected"]');
    const before = (await pipelineCounts(h.page)).FAILED_DELIVERY;
    expect(Object.values(await rowCounts(h.page, 'tr[data-reason]', 'data-reason')).reduce((a, b) => a + b, 0)).toBe(before);
    const asOf = await h.page.$eval('.view-status', (e) => e.getAttribute('data-as-of')).catch(() => null);
    await new Promise((r) => setTimeout(r, 600)); // the pipeline subscription's first value has arrived
    await watchAgreement();
    const started = Date.now();
    const res = await t.ingest(token, [
      report({ destinationId: CLASSIC, step: 'failed_delivery', reason: '503', count: 1000, eventName: 'Order Completed' }, 10),
    ]);
    expect(res.status).toBe(200);
    await h.page.waitForSelector(`[data-step="FAILED_DELIVERY"][data-count="${before + 1000}"]`, { timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(5000);
    // The same render drew the new row, and the rows add up to the box.
    expect(await rowCounts(h.page, 'tr[data-reason]', 'data-reason')).toMatchObject({ '503': 1000 });
    expect(Object.values(await rowCounts(h.page, 'tr[data-reason]', 'data-reason')).reduce((a, b) => a + b, 0)).toBe(before + 1000);
    const moments = await h.page.evaluate(() => (globalThis as unknown as { agreement: { box: number; rows: number }[] }).agreement);
    expect(moments.filter((m) => m.box !== m.rows)).toEqual([]);
    expect(moments.at(-1)).toEqual({ box: before + 1000, rows: before + 1000 });
    expect(await h.page.getAttribute('.view-status', 'data-as-of')).not.toBe(asOf);
    expect(await h.page.textContent('.view-status')).toMatch(/As of \d\d:\d\d:\d\d/);
  });

  it('(a) the movers move with the boxes: the marked box and the top mover show the same spike', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&view=counts`);
    await h.page.waitForSelector('[data-detail="insights"] li[data-insight-step]');
    await h.page.waitForSelector('[data-live-status="connected"]');
    const before = (await pipelineCounts(h.page)).FAILED_DELIVERY;
    await new Promise((r) => setTimeout(r, 600));
    expect((await t.ingest(token, [report({ destinationId: CLASSIC, step: 'failed_delivery', reason: 'ETIMEDOUT', count: 4000 }, 10)])).status).toBe(200);
    await h.page.waitForSelector(`[data-step="FAILED_DELIVERY"][data-count="${before + 4000}"]`, { timeout: 5000 });
    // Checked in the same task as the box: no waiting, so both come from one render.
    const seen = await h.page.evaluate(() => {
      const d = (globalThis as unknown as { document: Doc }).document;
      const top = d.querySelector('[data-detail="insights"] li[data-insight-step]');
      return {
        box: d.querySelector('.step-largest')?.getAttribute('data-step'),
        step: top?.getAttribute('data-insight-step'),
        reason: top?.getAttribute('data-insight-reason'),
        count: top?.getAttribute('data-count'),
      };
    });
    expect(seen).toEqual({ box: 'FAILED_DELIVERY', step: 'FAILED_DELIVERY', reason: 'ETIMEDOUT', count: '4000' });
  });
});

describe('numbers that read right', () => {
  it('(c) with a mapping selected, the destination-side boxes show the API’s mappingShare, labelled so', async () => {
    await h.page.goto(`${t.url}/destinations/${ACTIONS}?range=LAST_24_HOURS&mapping=${MAPPING}`);
    await pipelineCounts(h.page);
    const data = await api<{ destination: { pipeline: { steps: { kind: string; share: number | null; mappingShare: number | null }[] } } }>(
      'query($range: TimeRangeInput!) { destination(id: "dst_braze") { pipeline(range: $range, mappingId: "track_purchase") { steps { kind share mappingShare } } } }',
      { range: RANGE },
    );
    const shown = Object.fromEntries(
      await h.page.$$eval('.pipeline [data-step][data-share]', (els) => els.map((e) => [e.getAttribute('data-step'), Number(e.getAttribute('data-share'))])),
    );
    const expected = Object.fromEntries(
      data.destination.pipeline.steps.filter((s) => s.share !== null && s.kind !== 'SUCCESSFULLY_RECEIVED').map((s) => [s.kind, s.mappingShare ?? s.share]),
    );
    expect(shown).toEqual(expected);
    expect(data.destination.pipeline.steps.find((s) => s.kind === 'SUCCESSFUL_DELIVERY')!.mappingShare).toBeCloseTo((2100 / (150 + 70 + 2100)) * 100, 9);
    expect(await h.page.textContent('[data-step="SUCCESSFUL_DELIVERY"] .step-value')).toBe('91 %');
    expect(await h.page.textContent('[data-step="SUCCESSFUL_DELIVERY"]')).toContain(`of the events that reached ${MAPPING}`);
    await expectAxeClean(h.page, 'actions destination with a mapping');
  });

  it('table changes read in the unit that moves: relative change of the count, each row’s share of its step, the denominator named', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY`);
    await h.page.waitForSelector('tr[data-reason="400"]');
    const row = await h.page.$eval('tr[data-reason="400"]', (r) => ({
      count: r.querySelector('[data-column="count"]')!.textContent,
      change: r.querySelector('[data-column="change"]')!.textContent,
      title: r.querySelector('[data-column="change"]')!.getAttribute('title'),
    }));
    // 275 failures with reason 400 now, none before: a new row, not "0.0 pt".
    expect(row.change).toMatch(/^→ new/);
    expect(row.change).toMatch(/of received · ▲ \+\d\.\d pt/);
    expect(row.title).toMatch(/Relative change of this row's events: 275 now, 0 in the previous period/);
    expect(row.count).toMatch(/^275\d+(\.\d)? % of this step$/);
  });
});

describe('health you can explain', () => {
  it('the overview orders by the API’s health and says why per row', async () => {
    await h.page.goto(`${t.url}/?range=LAST_24_HOURS`);
    await h.page.waitForSelector('tr[data-health]');
    const data = await api<{ destinations: { id: string; health: { status: string; summary: string } }[] }>(
      'query($range: TimeRangeInput!) { destinations { id health(range: $range) { status summary } } }',
      { range: RANGE },
    );
    const rows = await h.page.$$eval('tr[data-destination]', (els) =>
      els.map((e) => ({ id: e.getAttribute('data-destination')!, health: e.getAttribute('data-health')!, why: e.querySelector('.health-why')!.textContent })),
    );
    for (const r of rows) {
      const api = data.destinations.find((d) => d.id === r.id)!;
      expect(r).toEqual({ id: r.id, health: api.health.status.toLowerCase(), why: `why: ${api.health.summary}` });
    }
    const rank = { attention: 0, healthy: 1, idle: 2 } as Record<string, number>;
    expect(rows.map((r) => rank[r.health])).toEqual(rows.map((r) => rank[r.health]).sort());
    expect(rows.find((r) => r.id === ACTIONS)!.health).toBe('healthy');
    expect(rows.find((r) => r.id === CLASSIC)!.why).toMatch(/failure rate \d+ % vs 4\.\d % before/);
  });
});

describe('filters and zone', () => {
  it('(d) survive a reload and change every panel: boxes, discard rows, breakdown, chart, movers', async () => {
    const filter = { eventNames: ['Order Completed'] };
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&view=counts&step=FAILED_DELIVERY`);
    await h.page.waitForSelector('tr[data-reason="429"]');
    const unfiltered = await pipelineCounts(h.page);
    await h.page.click('button:has-text("Add a filter")');
    await h.page.selectOption('.add-filter select', 'eventName');
    await h.page.fill('.add-filter input', 'Order Completed');
    await h.page.click('.add-filter button[type="submit"]');
    await h.page.selectOption('select:near(:text("Time zone"))', 'America/New_York');
    await h.page.waitForFunction(
      () =>
        /eventName=Order\+Completed/.test((globalThis as unknown as { location: { search: string } }).location.search) &&
        /tz=America/.test((globalThis as unknown as { location: { search: string } }).location.search),
    );
    await h.page.reload();
    await h.page.waitForSelector('.chip[data-filter="eventName"][data-value="Order Completed"]');
    expect(await h.page.inputValue('select:near(:text("Time zone"))')).toBe('America/New_York');
    await h.page.click('tr[data-reason="429"] .reason-title');
    await h.page.waitForSelector('[data-detail="breakdown"][data-reason-detail="429"] tr[data-count]');
    const range = { ...RANGE, timeZone: 'America/New_York' };
    const data = await api<{
      destination: {
        pipeline: { steps: { kind: string; count: number }[] };
        discards: { count: number; reason: { code: string } }[];
        breakdown: { count: number }[];
        timeseries: { total: number }[];
      };
    }>(
      `query($range: TimeRangeInput!, $filter: EventFilter) { destination(id: "${CLASSIC}") { pipeline(range: $range, filter: $filter) { steps { kind count } }
        discards(step: FAILED_DELIVERY, range: $range, filter: $filter) { count reason { code } } breakdown(step: FAILED_DELIVERY, reason: "429", range: $range, filter: $filter) { count }
        timeseries(step: FAILED_DELIVERY, range: $range, granularity: HOUR, filter: $filter, groupBy: [REASON]) { total } } }`,
      { range, filter },
    );
    const counts = await pipelineCounts(h.page);
    const { RETRY_PENDING: _gauge, ...boxes } = counts;
    expect(boxes).toEqual(Object.fromEntries(data.destination.pipeline.steps.filter((s) => s.kind !== 'RETRY_PENDING').map((s) => [s.kind, s.count])));
    expect(counts.SUCCESSFULLY_RECEIVED).toBeLessThan(unfiltered.SUCCESSFULLY_RECEIVED);
    expect(await rowCounts(h.page, 'tr[data-reason]', 'data-reason')).toEqual(
      Object.fromEntries(data.destination.discards.map((d) => [d.reason.code, d.count])),
    );
    expect(await h.page.$$eval('[data-detail="breakdown"] tr[data-count]', (els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual(
      data.destination.breakdown.map((b) => b.count),
    );
    const total = data.destination.timeseries.reduce((s, x) => s + x.total, 0);
    expect(await h.page.textContent('[data-detail="discards"] figcaption')).toContain(`${total.toLocaleString('en-US')} in the range`);
    expect(await h.page.textContent('.range-line')).toContain('(America/New_York)');
    // The movers, with the same filter.
    await h.page.click('[data-step="FAILED_DELIVERY"]'); // closes the step: the movers show
    await h.page.waitForSelector('[data-detail="insights"] li[data-insight-step]');
    const insights = await api<{ destination: { insights: { step: string; count: number }[] } }>(
      `query($range: TimeRangeInput!, $filter: EventFilter) { destination(id: "${CLASSIC}") { insights(range: $range, filter: $filter) { step count } } }`,
      { range, filter },
    );
    expect(await h.page.$$eval('[data-detail="insights"] li[data-insight-step]', (els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual(
      insights.destination.insights.map((i) => i.count),
    );
    expect(new URL(h.page.url()).searchParams.getAll('eventName')).toEqual(['Order Completed']);
    await expectAxeClean(h.page, 'destination with a filter');
  });
});

describe('states end in a message', () => {
  const noSkeletons = () => h.page.evaluate(() => (globalThis as unknown as { document: Doc }).document.querySelectorAll('.skeleton').length);
  const cases: { name: string; path: () => string; problem: string; text: RegExp }[] = [
    { name: 'an unknown destination', path: () => `/destinations/dst_nowhere?range=LAST_24_HOURS`, problem: 'not-found', text: /No destination “dst_nowhere”/ },
    { name: 'an unknown source', path: () => `/sources/src_nowhere?range=LAST_24_HOURS`, problem: 'not-found', text: /No source “src_nowhere”/ },
    {
      name: 'a custom range older than 14 days',
      path: () =>
        `/destinations/${CLASSIC}?range=custom&from=${new Date(Date.now() - 20 * 86_400_000).toISOString()}&to=${new Date(Date.now() - 19 * 86_400_000).toISOString()}`,
      problem: 'range',
      text: /inside the last 14 days: from .+ to now/,
    },
    {
      name: 'a range the page cannot read',
      path: () => `/destinations/${CLASSIC}?range=custom&from=yesterday&to=today`,
      problem: 'range',
      text: /no valid start and end/,
    },
    { name: 'an unknown preset', path: () => `/destinations/${CLASSIC}?range=LAST_YEAR`, problem: 'range', text: /does not offer/ },
    { name: 'a bad zone', path: () => `/destinations/${CLASSIC}?range=LAST_24_HOURS&tz=Not/AZone`, problem: 'zone', text: /Unknown time zone “Not\/AZone”/ },
    { name: 'a bad zone on the overview', path: () => `/?tz=Not/AZone`, problem: 'zone', text: /Unknown time zone/ },
  ];
  it.each(cases)('(e) $name: a message with the way out, no skeleton', async ({ path, problem, text }) => {
    await h.page.goto(t.url + path());
    const shown = await h.page.waitForSelector(`[data-problem="${problem}"]`, { timeout: 10_000 });
    expect(await shown.textContent()).toMatch(text);
    expect(await shown.textContent()).not.toMatch(/time range not available/);
    expect(await shown.$$('a, select')).not.toHaveLength(0); // the way out
    expect(await noSkeletons()).toBe(0);
  });

  it('(e) the gateway out of reach: a message and a retry, no skeleton; the retry draws the view', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_HOUR`);
    await h.page.waitForSelector('[data-step][data-count]');
    await h.context.setOffline(true);
    try {
      await h.page.selectOption('.time-picker select', 'LAST_7_DAYS');
      const shown = await h.page.waitForSelector('[data-problem="network"]', { timeout: 10_000 });
      expect(await shown.textContent()).toMatch(/could not be reached/);
      expect(await noSkeletons()).toBe(0);
    } finally {
      await h.context.setOffline(false);
    }
    await h.page.click('[data-problem="network"] button:has-text("Retry")');
    await h.page.waitForSelector('[data-step="SUCCESSFULLY_RECEIVED"][data-count]');
  });

  it('(e) 401 and 403 end on the sign-in panel saying what is wrong', async () => {
    await h.page.goto(`${t.url}/destinations/${CLASSIC}#token=dov_not_a_real_token`);
    await h.page.waitForSelector('[data-view="sign-in"] [role="alert"]');
    expect(await h.page.textContent('[data-view="sign-in"]')).toMatch(/did not accept this token/);
    const ingestOnly = await t.token('ws_page_incident', ['ingest']);
    await h.page.goto(`${t.url}/destinations/${CLASSIC}#token=${ingestOnly}`);
    await h.page.waitForSelector('[data-view="sign-in"] [role="alert"]');
    expect(await h.page.textContent('[data-view="sign-in"]')).toMatch(/lacks the "read" scope/);
    expect(await noSkeletons()).toBe(0);
    await h.page.goto(`${t.url}/#token=${token}`);
    await h.page.waitForSelector('tr[data-destination]');
  });

  it('selecting a reason scrolls to its breakdown and moves focus there', async () => {
    await h.page.setViewportSize({ width: 390, height: 844 });
    await h.page.goto(`${t.url}/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY`);
    await h.page.waitForSelector('tr[data-reason="429"]');
    await h.page.click('tr[data-reason="429"] .reason-title');
    await h.page.waitForFunction(
      () => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'breakdown-title',
    );
    await h.page.waitForFunction(() => {
      const g = globalThis as unknown as { document: { getElementById(id: string): { getBoundingClientRect(): { top: number } } }; innerHeight: number };
      const top = g.document.getElementById('breakdown-title').getBoundingClientRect().top;
      return top >= 0 && top < g.innerHeight;
    });
    await h.page.setViewportSize({ width: 1400, height: 900 });
  });
});

interface View {
  name: string;
  path: () => string;
  ready: string;
  /** Signed in with a token that may replay and administer (the replay and alert actions show). */
  admin?: boolean;
  /** What a person does before the view is complete (open a dialog, make a failure arrive). */
  then?: () => Promise<void>;
}

const VIEWS: View[] = [
  { name: 'overview', path: () => '/?range=LAST_24_HOURS', ready: 'tr[data-health]' },
  { name: 'destination', path: () => `/destinations/${CLASSIC}?range=LAST_24_HOURS`, ready: '[data-detail="insights"] li[data-insight-step]' },
  {
    name: 'step open',
    path: () => `/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY&reason=429`,
    ready: '[data-detail="breakdown"] tr[data-count]',
  },
  { name: 'samples open', path: () => `/destinations/${CLASSIC}?range=LAST_24_HOURS&step=FAILED_DELIVERY&samples=429`, ready: '[role="dialog"] .sample' },
  { name: 'storage syncs', path: () => `/destinations/${STORAGE}?range=LAST_24_HOURS&step=FAILED_TO_SYNC`, ready: 'tr[data-sync]' },
  { name: 'source', path: () => '/sources/src_web?range=LAST_24_HOURS', ready: '[data-view="source"] tr[data-destination]' },
  { name: 'trace', path: () => `/trace?messageId=${TRACED_MESSAGE}`, ready: '[data-view="trace"] tbody tr[data-step]' },
  { name: 'alerts', path: () => '/alerts', ready: 'tr[data-rule][data-muted="true"]', admin: true },
  { name: 'alert rule form', path: () => `/alerts?rule=${ruleId}`, ready: '.alert-form', admin: true },
  { name: 'mute panel', path: () => `/alerts?mute=${ruleId}`, ready: '[data-mute-form]', admin: true },
  {
    name: 'replay confirmation',
    path: () => `/destinations/${REPLAYED}?range=LAST_24_HOURS&step=FAILED_DELIVERY`,
    ready: 'tr[data-reason="503"] button[data-replay-count]',
    admin: true,
    then: openReplayDialog,
  },
  {
    name: 'undelivered list',
    path: () => `/destinations/${REPLAYED}?range=LAST_24_HOURS&step=FAILED_DELIVERY&undelivered=on`,
    ready: 'tr[data-undelivered]',
    admin: true,
  },
  {
    name: 'live tail',
    path: () => `/destinations/${REPLAYED}?range=LAST_24_HOURS&tail=on`,
    ready: '[data-tail-state="live"]',
    admin: true,
    then: tailAFailure,
  },
  { name: 'replays', path: () => '/replays', ready: 'tr[data-replay]', admin: true },
  { name: 'replay', path: () => `/replays/${replayId}`, ready: '[data-replay] [data-outcome="waiting"]', admin: true },
];

async function openReplayDialog(): Promise<void> {
  await h.page.click('tr[data-reason="503"] button[data-replay-count]');
  await h.page.waitForSelector('dialog[open] [data-replay-preview]');
}

let tailed = 0;
async function tailAFailure(): Promise<void> {
  const id = `m-tail-${tailed++}`;
  expect((await t.ingest(token, [report({ destinationId: REPLAYED, step: 'failed_delivery', reason: '503', messageId: id, attempt: 1 }, 0)])).status).toBe(200);
  await h.page.waitForSelector(`tr[data-tail-row][data-message-id="${id}"]`);
}

const SIZES = [
  { width: 390, height: 844 },
  { width: 768, height: 1024 },
  { width: 1440, height: 900 },
];

type Win = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };

describe.each(SIZES)('(b, f) every view at $width×$height', (size) => {
  beforeAll(() => h.page.setViewportSize(size));

  it.each(VIEWS)('$name: no sideways overflow; axe-clean in light and dark', async ({ path, ready, admin, then }) => {
    await h.page.emulateMedia({ colorScheme: 'light' });
    // From a blank page: a view at the address already shown would otherwise be a same-document hash change, not a load.
    await h.page.goto('about:blank');
    await h.page.goto(`${t.url}${path()}#token=${admin ? adminToken : token}`);
    await h.page.waitForSelector(ready);
    await then?.();
    // A dialog is fixed to the viewport and widens no scroll width: its own box must fit too.
    const overflow = () =>
      h.page.evaluate(() => {
        const w = globalThis as unknown as Win & {
          document: { querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { left: number; right: number } }> };
        };
        const dialogs = Array.from(w.document.querySelectorAll('dialog[open], [role="dialog"]')).map((d) => d.getBoundingClientRect());
        const right = Math.max(w.document.documentElement.scrollWidth, ...dialogs.map((d) => Math.ceil(d.right)));
        return { scrollWidth: dialogs.some((d) => d.left < 0) ? Number.POSITIVE_INFINITY : right, innerWidth: w.innerWidth };
      });
    const light = await overflow();
    expect(light.scrollWidth).toBeLessThanOrEqual(light.innerWidth);
    expect({ scheme: 'light', violations: await seriousA11yViolations(h.page) }).toEqual({ scheme: 'light', violations: [] });
    await h.page.emulateMedia({ colorScheme: 'dark' });
    // The page follows the system setting: a dark background, not the light page again.
    expect(
      await h.page.evaluate(
        () =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { documentElement: unknown } }).getComputedStyle(
            (globalThis as unknown as { document: { documentElement: unknown } }).document.documentElement,
          ).backgroundColor,
      ),
    ).toBe('rgb(15, 20, 27)');
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
    const boxes = await h.page.$$eval('.pipeline [data-step], .pipeline [data-live]', (els) =>
      els.map((e) => ({ what: e.getAttribute('data-step') ?? 'retry', top: e.getBoundingClientRect().top, left: e.getBoundingClientRect().left })),
    );
    expect(boxes.map((b) => b.what)).toEqual([
      'SUCCESSFULLY_RECEIVED',
      'FAILED_ON_INGEST',
      'FILTERED_AT_SOURCE',
      'FILTERED_AT_DESTINATION',
      'retry',
      'FAILED_DELIVERY',
      'SUCCESSFUL_DELIVERY',
    ]);
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
