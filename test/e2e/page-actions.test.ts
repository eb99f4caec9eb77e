import { report, type TestGateway } from '../helpers/gateway';
import { Receiver } from '../helpers/webhook-receiver';
import { expectAxeClean, type PageHarness } from './browser';
import { startPageTest, stopPageTest } from './seed';

/**
 * From seeing to acting (issue 28), in real Chromium against a real gateway whose replay sender
 * runs on its own (REPLAY_SEND_INTERVAL_MS) and pushes to a real receiver on 127.0.0.1: a replay
 * confirmed from a discard reason, followed to "sent" and to its outcome; the live tail; mute and
 * acknowledge from the alerts view. One gateway, one receiver and one browser for the file.
 */
const WS = 'ws_page_actions';
const DST = 'dst_replay';
const BIG = 'dst_replay_big';
let t: TestGateway;
let h: PageHarness;
let receiver: Receiver;
let admin = '';
let reader = '';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
const FAILED_500 = ids('m500', 12);
const FAILED_429 = ids('m429', 4);

async function api<T>(query: string, variables: Record<string, unknown> = {}, token = admin): Promise<T> {
  const res = await t.gql<T>(token, query, variables);
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data as T;
}

async function ingest(rows: Record<string, unknown>[]): Promise<void> {
  const res = await t.ingest(admin, rows);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
}

/** Opens a page signed in with `token` (the fragment signs in and is erased at once). */
async function open(path: string, token = admin): Promise<void> {
  await h.page.goto(`${t.url}${path}#token=${token}`);
}

beforeAll(async () => {
  receiver = await new Receiver().start();
  ({ t, h } = await startPageTest('page_actions', {
    REPLAY_ENDPOINT_ALLOW_HTTP: 'true',
    REPLAY_SEND_INTERVAL_MS: '200',
    REPLAY_BATCH_SIZE: '5',
    // One batch a second: the replay view is open while batches go out, so progress is seen moving.
    REPLAY_BATCHES_PER_SECOND: '1',
    REPLAY_MAX_MESSAGES: '20',
    LIVE_POLL_INTERVAL_MS: '250',
    ALERT_EVAL_INTERVAL_MS: '0',
  }));
  [admin, reader] = await Promise.all([t.token(WS, ['read', 'ingest', 'admin']), t.token(WS, ['read'])]);
  await ingest([
    report({ destinationId: DST, step: 'delivered', count: 300 }, 40),
    ...FAILED_500.map((id, i) => report({ destinationId: DST, step: 'failed_delivery', reason: '500', messageId: id, attempt: 3 }, 30 - i)),
    ...FAILED_429.map((id, i) => report({ destinationId: DST, step: 'failed_delivery', reason: '429', messageId: id }, 20 - i)),
    ...ids('big', 25).map((id, i) => report({ destinationId: BIG, step: 'failed_delivery', reason: '500', messageId: id }, 30 - i)),
  ]);
  await api('mutation($url: String!) { setReplayEndpoint(url: $url) { endpoint { url } } }', { url: `${receiver.url}/replays` });
});
afterAll(async () => {
  await stopPageTest(t, h);
  await receiver?.close();
});

interface ReplayRow {
  id: string;
  destinationId: string;
  status: string;
  messages: number;
}

const replaysOf = async (destinationId: string) =>
  (await api<{ replays: ReplayRow[] }>('{ replays(first: 100) { id destinationId status messages } }')).replays.filter(
    (r) => r.destinationId === destinationId,
  );

describe('replay from a discard reason', () => {
  let replayId = '';

  it('the confirmation previews the reason’s undelivered messages; confirming again after a lost answer, with a double click, makes exactly one job of the preview’s size', async () => {
    await open(`/destinations/${DST}?range=LAST_24_HOURS&step=FAILED_DELIVERY`);
    const button = await h.page.waitForSelector('tr[data-reason="500"] button[data-replay-count]');
    expect(await button.getAttribute('data-replay-count')).toBe('12');
    expect(await h.page.getAttribute('[data-replay-step]', 'data-replay-count')).toBe('16');
    // By keyboard: the button takes Enter, the dialog opens with focus on its title.
    await button.focus();
    await h.page.keyboard.press('Enter');
    const preview = await h.page.waitForSelector('dialog[open] [data-replay-preview]');
    const api500 = await api<{ replayPreview: { replayable: number; total: number; inActiveReplay: number } }>(
      'query($input: ReplayInput!) { replayPreview(input: $input) { replayable total inActiveReplay } }',
      { input: { destinationId: DST, range: { preset: 'LAST_24_HOURS', timeZone: 'Europe/Berlin', lookback: false }, step: 'FAILED_DELIVERY', reason: '500' } },
    );
    expect(api500.replayPreview).toEqual({ replayable: 12, total: 12, inActiveReplay: 0 });
    expect(await preview.getAttribute('data-replayable')).toBe(String(api500.replayPreview.replayable));
    expect(await h.page.textContent('dialog[open] [data-confirm-replay]')).toBe('Replay 12 messages');
    expect(await h.page.isChecked('dialog[open] input[value="PUSH"]')).toBe(true);
    await expectAxeClean(h.page, 'replay confirmation');
    // The first answer is lost on the way back (the gateway made the job); the reader confirms
    // again with a double click: the same idempotency key brings the first job back.
    const keys: string[] = [];
    h.page.on(
      'request',
      (r) =>
        r.url().endsWith('/graphql') &&
        /createReplay/.test(r.postData() ?? '') &&
        keys.push((JSON.parse(r.postData()!) as { variables: { idempotencyKey: string } }).variables.idempotencyKey),
    );
    let lost = false;
    await h.page.route('**/graphql', async (route) => {
      if (lost || !/createReplay/.test(route.request().postData() ?? '')) return route.fallback();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await h.page.click('dialog[open] [data-confirm-replay]');
    await h.page.waitForSelector('dialog[open] [role="alert"]:has-text("could not be reached")');
    await h.page.dblclick('dialog[open] [data-confirm-replay]');
    const created = await h.page.waitForSelector('[data-replay-created]');
    await h.page.unroute('**/graphql');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    replayId = (await created.getAttribute('data-replay-created'))!;
    await new Promise((r) => setTimeout(r, 500)); // a second request, if any, has landed by now
    const jobs = await replaysOf(DST);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id: replayId, messages: api500.replayPreview.replayable });
    expect(await created.getAttribute('data-messages')).toBe('12');
    expect(await h.page.$$('[data-replay-problem]')).toHaveLength(0);
  });

  it('the replay view shows progress reaching “sent”, then the outcome moving as delivered and failed reports arrive', async () => {
    // Every (status, batches acknowledged) the view shows, at each change of the page.
    await h.page.evaluate(() => {
      const g = globalThis as unknown as {
        seen: string[];
        document: { body: unknown; querySelector(s: string): { getAttribute(n: string): string | null } | null };
        MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void };
      };
      g.seen = [];
      new g.MutationObserver(() => {
        const status = g.document.querySelector('[data-view="replay"] [data-replay]')?.getAttribute('data-status');
        const acked = g.document.querySelector('[data-progress="batches-acknowledged"]')?.getAttribute('data-done');
        if (status && g.seen.at(-1) !== `${status} ${acked}`) g.seen.push(`${status} ${acked}`);
      }).observe(g.document.body, { subtree: true, childList: true, attributes: true });
    });
    await h.page.click('[data-replay-created] a:has-text("Follow its progress")');
    await h.page.waitForSelector(`[data-view="replay"] [data-replay="${replayId}"]`);
    expect(new URL(h.page.url()).pathname).toBe(`/replays/${replayId}`);
    await h.page.waitForSelector('[data-replay][data-status="SENT"]', { timeout: 20_000 });
    const seen = await h.page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);
    expect(seen.at(-1)).toBe('SENT 3');
    expect(seen.length).toBeGreaterThan(1); // it moved while the view was open: live, not a reload
    const bars = await h.page.$$eval('[data-progress]', (els) =>
      els.map((e) => [e.getAttribute('data-progress'), e.getAttribute('data-done'), e.getAttribute('data-of')]),
    );
    expect(bars).toEqual([
      ['batches-sent', '3', '3'],
      ['batches-acknowledged', '3', '3'],
      ['messages-acknowledged', '12', '12'],
    ]);
    // The receiver took exactly the reason's messages.
    const sent = receiver.requests
      .flatMap((r) => (JSON.parse(r.raw) as { data: { replayId: string; messages: { messageId: string }[] } }).data)
      .filter((d) => d.replayId === replayId)
      .flatMap((d) => d.messages.map((m) => m.messageId));
    expect([...new Set(sent)].sort()).toEqual(FAILED_500);
    expect(await h.page.getAttribute('[data-outcome="waiting"]', 'data-count')).toBe('12');
    // Later reports: half recovered, two failed again with another reason.
    await ingest([
      ...FAILED_500.slice(0, 6).map((id) => report({ destinationId: DST, step: 'delivered', messageId: id }, 0)),
      ...FAILED_500.slice(6, 8).map((id) => report({ destinationId: DST, step: 'failed_delivery', reason: '503', messageId: id }, 0)),
    ]);
    await h.page.waitForSelector('[data-outcome="recovered"][data-count="6"]', { timeout: 10_000 });
    await h.page.waitForSelector('[data-outcome="failed-again"][data-count="2"]');
    expect(await h.page.getAttribute('[data-outcome="waiting"]', 'data-count')).toBe('4');
    expect(await h.page.getAttribute('[data-detail="replay-outcome"] tr[data-reason-count="503"]', 'data-count')).toBe('2');
    await expectAxeClean(h.page, 'replay progress');
  });

  it('the replays view lists it, reached from the main navigation', async () => {
    await h.page.click('nav[aria-label="Main"] a:has-text("Replays")');
    const row = await h.page.waitForSelector(`tr[data-replay="${replayId}"]`);
    expect(await row.getAttribute('data-status')).toBe('SENT');
    expect(await row.textContent()).toContain('6 recovered · 2 failed again · 4 waiting');
    expect(await h.page.getAttribute('nav[aria-label="Main"] a:has-text("Replays")', 'aria-current')).toBe('page');
    await expectAxeClean(h.page, 'replays list');
  });
});

describe('what a replay cannot do, said clearly', () => {
  it('more than REPLAY_MAX_MESSAGES: the preview says so and nothing can be confirmed', async () => {
    await open(`/destinations/${BIG}?range=LAST_24_HOURS&step=FAILED_DELIVERY`);
    await h.page.click('[data-replay-step]');
    const problem = await h.page.waitForSelector('dialog[open] [data-replay-problem="limit"]');
    expect(await problem.textContent()).toMatch(/25 messages match, more than the 20 one replay may hold/);
    expect(await h.page.isDisabled('dialog[open] [data-confirm-replay]')).toBe(true);
    await h.page.keyboard.press('Escape');
    await h.page.waitForSelector('dialog[open]', { state: 'detached' });
    expect(
      await h.page.evaluate(() =>
        (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute(
          'data-replay-step',
        ),
      ),
    ).toBe('true');
  });

  it('messages an active replay holds: the preview says all are held, with the way to the replays', async () => {
    const held = await api<{ createReplay: { id: string } }>('mutation($input: ReplayInput!) { createReplay(input: $input, delivery: PULL) { id } }', {
      input: { destinationId: DST, range: { preset: 'LAST_24_HOURS' }, reason: '429' },
    });
    await open(`/destinations/${DST}?range=LAST_24_HOURS&step=FAILED_DELIVERY`);
    await h.page.click('tr[data-reason="429"] button[data-replay-count]');
    const problem = await h.page.waitForSelector('dialog[open] [data-replay-problem="in-active-replay"]');
    expect(await problem.textContent()).toMatch(/all 4 messages that match are already in an active replay/);
    expect(await h.page.getAttribute('dialog[open] [data-replay-preview]', 'data-in-active-replay')).toBe('4');
    expect(await h.page.isDisabled('dialog[open] [data-confirm-replay]')).toBe(true);
    await h.page.click('dialog[open] button:has-text("Cancel")');
    // Cancel it from its own view: confirmed first.
    await open(`/replays/${held.createReplay.id}`);
    await h.page.click('[data-cancel-replay]');
    await h.page.click('dialog[open] button:has-text("Cancel the replay")');
    await h.page.waitForSelector(`[data-replay="${held.createReplay.id}"][data-status="CANCELLED"]`);
    expect((await replaysOf(DST)).find((r) => r.id === held.createReplay.id)!.status).toBe('CANCELLED');
  });

  it('a token without the replay scope sees the numbers but no replay or cancel button', async () => {
    await open(`/destinations/${DST}?range=LAST_24_HOURS&step=FAILED_DELIVERY&undelivered=on`, reader);
    await h.page.waitForSelector('tr[data-reason="500"]');
    await h.page.waitForSelector('tr[data-undelivered]');
    expect(await h.page.$$('button[data-replay-count], [data-replay-step], [data-replay-selected]')).toHaveLength(0);
    const [job] = await replaysOf(DST);
    await open(`/replays/${job.id}`, reader);
    await h.page.waitForSelector(`[data-replay="${job.id}"]`);
    expect(await h.page.$$('[data-cancel-replay]')).toHaveLength(0);
  });
});

describe('replay from the undelivered list', () => {
  it('selected messages become a replay of exactly those', async () => {
    await open(`/destinations/${BIG}?range=LAST_24_HOURS&step=FAILED_DELIVERY&undelivered=on`);
    await h.page.waitForSelector('tr[data-undelivered="big-03"]');
    for (const id of ['big-03', 'big-07']) await h.page.check(`tr[data-undelivered="${id}"] input[type="checkbox"]`);
    await h.page.click('[data-replay-selected="2"]');
    await h.page.waitForSelector('dialog[open] [data-replay-preview][data-replayable="2"]');
    await h.page.click('dialog[open] input[value="PULL"]');
    await h.page.click('dialog[open] [data-confirm-replay]');
    const id = await (await h.page.waitForSelector('[data-replay-created]')).getAttribute('data-replay-created');
    const pulled = await fetch(`${t.url}/v1/replays/${id}/messages?batches=10`, { headers: { authorization: `Bearer ${admin}` } });
    expect(
      (await pulled.text())
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { messageId: string }).messageId)
        .sort(),
    ).toEqual(['big-03', 'big-07']);
  });
});

describe('live tail', () => {
  const tailRows = () => h.page.$$eval('tr[data-tail-row]', (els) => els.map((e) => e.getAttribute('data-message-id')));

  it('shows a failure within 5 s of its ingest, keeps a polite live region, pauses and resumes', async () => {
    await open(`/destinations/${DST}?range=LAST_24_HOURS`);
    await h.page.click('button:has-text("Start the live tail")');
    await h.page.waitForSelector('[data-tail-state="live"]');
    expect(new URL(h.page.url()).searchParams.get('tail')).toBe('on');
    expect(await h.page.$$('[data-detail="live-tail"] [aria-live="polite"]')).toHaveLength(1);
    const started = Date.now();
    await ingest([report({ destinationId: DST, step: 'failed_delivery', reason: '503', messageId: 'tail-first', attempt: 2 }, 0)]);
    const row = await h.page.waitForSelector('tr[data-tail-row][data-message-id="tail-first"]', { timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await row.getAttribute('data-tail-reason')).toBe('503');
    expect(await row.textContent()).toMatch(/503.*Failed delivery.*2.*tail-first.*track · Order Completed · app 2\.3\.1/);
    await expectAxeClean(h.page, 'live tail');
    await h.page.click('[data-detail="live-tail"] button:has-text("Pause")');
    await ingest([report({ destinationId: DST, step: 'failed_delivery', reason: '503', messageId: 'tail-paused' }, 0)]);
    await h.page.waitForSelector('[data-detail="live-tail"] button:has-text("Resume (1 held)")', { timeout: 5000 });
    expect(await tailRows()).toEqual(['tail-first']);
    await h.page.click('[data-detail="live-tail"] button:has-text("Resume")');
    expect(await tailRows()).toEqual(['tail-paused', 'tail-first']);
  });

  it('past the cap of 20 a second, says how many more were left out', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a new second of the cap
    const burst = ids('burst', 60).map((id) => report({ destinationId: DST, step: 'failed_delivery', reason: '502', messageId: id }, 0));
    await ingest(burst);
    await h.page.waitForFunction(
      () => {
        const d = (
          globalThis as unknown as {
            document: { querySelector(s: string): { getAttribute(n: string): string | null } | null; querySelectorAll(s: string): { length: number } };
          }
        ).document;
        const more = Number(d.querySelector('[data-tail-more]')?.getAttribute('data-tail-more'));
        return more > 0 && d.querySelectorAll('tr[data-tail-row][data-tail-reason="502"]').length + more === 60;
      },
      undefined,
      { timeout: 10_000 },
    );
    const more = Number(await h.page.getAttribute('[data-tail-more]', 'data-tail-more'));
    expect(more).toBeGreaterThanOrEqual(40);
    expect(await h.page.textContent('.tail-more')).toContain(`${more} more not shown`);
    expect((await tailRows()).length).toBeLessThanOrEqual(100);
  });
});

describe('alerts: thresholds, channels, mute and acknowledge from the alerts view', () => {
  let ruleId = '';
  const SLACK_PATH = '/slack/T000/B000/secret-path-e2e';
  const ROUTING_KEY = 'e2e0123456789abcdef0123456789abc';

  beforeAll(async () => {
    const created = await api<{ createAlertRule: { id: string } }>(
      `mutation { createAlertRule(input: { name: "Replay destination delivery", kind: DELIVERY_RATE_BELOW, destinationId: "${DST}", threshold: 99, windowMinutes: 120, minVolume: 1 }) { id } }`,
    );
    ruleId = created.createAlertRule.id;
    await t.gateway.alerts.evaluateOnce(); // the delivery rate is far below 99 %: it fires
  });

  it('critical threshold, Slack and PagerDuty from the form: shown as set, never shown back', async () => {
    await open(`/alerts?rule=${ruleId}`);
    await h.page.getByLabel('Critical threshold (%, optional)').fill('80');
    await h.page.getByLabel('Slack incoming webhook URL').fill(`${receiver.url}${SLACK_PATH}`);
    await h.page.getByLabel('PagerDuty routing key').fill(ROUTING_KEY);
    await h.page.click('button:has-text("Save changes")');
    const row = `tr[data-rule="${ruleId}"]`;
    await h.page.waitForSelector(`${row}:has-text("critical 80 %")`);
    expect(await h.page.textContent(row)).toContain('Slack (set) · PagerDuty (set)');
    const rule = (
      await api<{ alertRules: { id: string; criticalThreshold: number; slack: string; pagerduty: boolean }[] }>(
        '{ alertRules { id criticalThreshold slack pagerduty } }',
      )
    ).alertRules.find((r) => r.id === ruleId)!;
    expect(rule).toMatchObject({ criticalThreshold: 80, slack: `${receiver.url}/…`, pagerduty: true });
    await h.page.click(`${row} button:has-text("Edit")`);
    await h.page.waitForSelector('.alert-form');
    expect(await h.page.textContent('.alert-form')).toMatch(/Slack incoming webhook URL · set/);
    const html = await h.page.content();
    expect(html).not.toContain('secret-path-e2e');
    expect(html).not.toContain(ROUTING_KEY);
    await h.page.keyboard.press('Escape');
  });

  it('acknowledges the open alert (who and when) and mutes the rule until a time, then unmutes it', async () => {
    await open('/alerts');
    const row = `tr[data-rule="${ruleId}"]`;
    await h.page.waitForSelector(`${row}[data-state="FIRING"][data-acknowledged="false"]`);
    await h.page.click(`${row} button:has-text("Acknowledge")`);
    await h.page.waitForSelector(`${row}[data-acknowledged="true"]`);
    const viewer = await api<{ viewer: { tokenId: string } }>('{ viewer { tokenId } }');
    const acked = (
      await api<{ alertRules: { id: string; acknowledgement: { by: string; at: string } | null }[] }>('{ alertRules { id acknowledgement { by at } } }')
    ).alertRules.find((r) => r.id === ruleId)!;
    expect(acked.acknowledgement!.by).toBe(viewer.viewer.tokenId);
    expect(await h.page.textContent(`${row} [data-acknowledgement]`)).toContain(`Acknowledged by ${viewer.viewer.tokenId} (you)`);

    await h.page.click(`${row} button:has-text("Mute")`);
    await h.page.selectOption('[data-mute-form] select', { label: '4 hours' });
    const asked = Date.now();
    await h.page.click('[data-mute-form] button[type="submit"]');
    await h.page.waitForSelector(`${row}[data-muted="true"]`);
    const muted = (await api<{ alertRules: { id: string; mutedUntil: string | null }[] }>('{ alertRules { id mutedUntil } }')).alertRules.find(
      (r) => r.id === ruleId,
    )!;
    expect(Math.abs(Date.parse(muted.mutedUntil!) - (asked + 4 * 3_600_000))).toBeLessThan(60_000);
    expect(await h.page.textContent(`${row} [data-muted-until]`)).toMatch(/Muted until/);
    await expectAxeClean(h.page, 'alerts with a muted, acknowledged rule');
    await h.page.click(`${row} button:has-text("Unmute")`);
    await h.page.waitForSelector(`${row}[data-muted="false"]`);
    expect(
      (await api<{ alertRules: { id: string; mutedUntil: string | null }[] }>('{ alertRules { id mutedUntil } }')).alertRules.find((r) => r.id === ruleId)!
        .mutedUntil,
    ).toBeNull();
  });
});
