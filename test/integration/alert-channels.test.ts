import Ajv from 'ajv';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { Receiver, verifyStandardWebhook, type Received } from '../helpers/webhook-receiver';

/**
 * Alerts that reach on-call, against real receivers on 127.0.0.1: a Slack incoming webhook, the
 * PagerDuty Events API v2 (PAGERDUTY_EVENTS_URL pointed here) and a signed webhook. A rule goes
 * warning → critical → resolved; every PagerDuty event is checked against a JSON Schema written
 * from the Events API v2 documentation; a muted rule sends nothing.
 */
const WS = 'ws_oncall';
const MINUTE = 60_000;
const ROUTING_KEY = 'R0ut1ngKeyOfTheOnCallServ1ce0032';
let t: TestGateway;
let admin: string;
let receiver: Receiver;

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`), as its documentation describes an event:
 * routing_key (the 32-character integration key) and event_action (trigger, acknowledge,
 * resolve) always; dedup_key at most 255 characters, required to acknowledge or resolve; a
 * trigger's payload with summary (at most 1,024 characters), source and severity (critical,
 * error, warning, info) required, and timestamp, component, group, class and custom_details
 * optional; links (href, text) and images (src, href, alt); client and client_url.
 */
const PAGERDUTY_SCHEMA = {
  type: 'object',
  required: ['routing_key', 'event_action'],
  additionalProperties: false,
  properties: {
    routing_key: { type: 'string', minLength: 32, maxLength: 32 },
    event_action: { enum: ['trigger', 'acknowledge', 'resolve'] },
    dedup_key: { type: 'string', minLength: 1, maxLength: 255 },
    payload: {
      type: 'object',
      required: ['summary', 'source', 'severity'],
      additionalProperties: false,
      properties: {
        summary: { type: 'string', minLength: 1, maxLength: 1024 },
        source: { type: 'string', minLength: 1 },
        severity: { enum: ['critical', 'error', 'warning', 'info'] },
        timestamp: { type: 'string', format: 'date-time' },
        component: { type: 'string' },
        group: { type: 'string' },
        class: { type: 'string' },
        custom_details: { type: 'object' },
      },
    },
    images: {
      type: 'array',
      items: {
        type: 'object',
        required: ['src'],
        additionalProperties: false,
        properties: { src: { type: 'string' }, href: { type: 'string' }, alt: { type: 'string' } },
      },
    },
    links: {
      type: 'array',
      items: {
        type: 'object',
        required: ['href'],
        additionalProperties: false,
        properties: { href: { type: 'string', format: 'uri' }, text: { type: 'string' } },
      },
    },
    client: { type: 'string' },
    client_url: { type: 'string', format: 'uri' },
  },
  allOf: [
    { if: { properties: { event_action: { const: 'trigger' } } }, then: { required: ['payload'] } },
    { if: { properties: { event_action: { enum: ['acknowledge', 'resolve'] } } }, then: { required: ['dedup_key'] } },
  ],
};
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
ajv.addFormat('uri', (s: string) => URL.canParse(s));
const validPagerDuty = ajv.compile(PAGERDUTY_SCHEMA);

const RULE = 'id state severity criticalThreshold slack pagerduty mutedUntil acknowledgement { by at }';
const json = (r: Received) => JSON.parse(r.raw) as Record<string, any>;
/** What one rule sent to one receiver path (Slack messages name the rule, the others carry its id). */
const of = (ruleIdOrName: string, path: string) => receiver.requests.filter((r) => r.path === path && r.raw.includes(ruleIdOrName)).map(json);

async function rule(input: Record<string, unknown>): Promise<{ id: string }> {
  const res = await t.gql<{ createAlertRule: { id: string } }>(admin, `mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }`, { i: input });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createAlertRule;
}

async function evaluate(): Promise<void> {
  await t.gateway.alerts.evaluateOnce(Date.now());
}

const failed = (destinationId: string, n: number, i = 0) =>
  report(
    {
      destinationId,
      step: 'failed_delivery',
      reason: '429',
      count: n,
      messageId: `msg-${destinationId}-${i}`,
      sample: {
        error: 'HTTP 429: slow down',
        payload: { event: 'Order Completed', orderId: 'o-1' },
        request: { method: 'POST', url: 'https://api.example.com/track?api_key=sk_live_1', headers: { Authorization: 'Bearer sk_live_2' } },
        response: { status: 429 },
      },
    },
    10,
  );
const delivered = (destinationId: string, n: number) => report({ destinationId, step: 'delivered', count: n }, 10);

beforeAll(async () => {
  receiver = await new Receiver().start();
  t = await startTestGateway('alert_channels', {
    ALERT_EVAL_INTERVAL_MS: '0',
    ALERT_NOTIFY_ATTEMPTS: '2',
    ALERT_NOTIFY_BASE_DELAY_MS: '20',
    PAGERDUTY_EVENTS_URL: `${receiver.url}/pd`,
  });
  admin = await t.token(WS, ['read', 'ingest', 'admin']);
  // The catalog: each destination seen once, long before the rules' windows.
  const seen = ['dst_oncall', 'dst_muted'].map((d) => report({ destinationId: d, step: 'delivered' }, 600));
  expect((await t.ingest(admin, seen)).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('alert channels', () => {
  it('warning, then critical, then resolved: PagerDuty events valid against the Events v2 schema with one dedup_key, Slack Block Kit with a link to the page on the window, signed webhooks', async () => {
    const { id } = await rule({
      name: 'Amplitude on-call',
      kind: 'DELIVERY_RATE_BELOW',
      destinationId: 'dst_oncall',
      threshold: 90,
      criticalThreshold: 50,
      windowMinutes: 60,
      minVolume: 10,
      slackWebhookUrl: `${receiver.url}/slack`,
      pagerdutyRoutingKey: ROUTING_KEY,
      webhookUrl: `${receiver.url}/hook`,
    });
    const secret = (await t.gql<{ rotateAlertWebhookSecret: string }>(admin, `mutation($id: ID!) { rotateAlertWebhookSecret(id: $id) }`, { id })).body.data!
      .rotateAlertWebhookSecret;
    expect(secret).toMatch(/^whsec_/);

    expect((await t.ingest(admin, [delivered('dst_oncall', 80), failed('dst_oncall', 20)])).status).toBe(200);
    const firedAt = Date.now();
    await evaluate(); // 80 % delivered: warning
    expect((await t.ingest(admin, [failed('dst_oncall', 100, 1)])).status).toBe(200);
    await evaluate(); // 40 %: critical
    await evaluate(); // still critical: nothing new
    const list = async () =>
      (await t.gql<{ alertRules: Record<string, unknown>[] }>(admin, `{ alertRules { ${RULE} } }`)).body.data!.alertRules.find((r) => r.id === id)!;
    expect(await list()).toMatchObject({
      state: 'FIRING',
      severity: 'CRITICAL',
      criticalThreshold: 50,
      slack: `${receiver.url}/…`,
      pagerduty: true,
      acknowledgement: null,
    });
    const ack = await t.gql<{ acknowledgeAlert: { acknowledgement: { by: string } } }>(
      admin,
      `mutation($id: ID!) { acknowledgeAlert(ruleId: $id) { ${RULE} } }`,
      { id },
    );
    expect(ack.body.data!.acknowledgeAlert.acknowledgement.by).toMatch(/^tok_/);
    const until = new Date(Date.now() + 60 * MINUTE).toISOString();
    await t.gql(admin, `mutation($id: ID!, $u: DateTimeISO!) { muteAlertRule(id: $id, until: $u) { id } }`, { id, u: until });
    expect((await t.ingest(admin, [delivered('dst_oncall', 3000)])).status).toBe(200);
    await evaluate(); // 97 %: resolved, announced although muted (its firing was announced)

    const pd = of(id, '/pd');
    for (const event of pd) expect([validPagerDuty(event), validPagerDuty.errors]).toEqual([true, null]);
    expect(pd.map((e) => [e.event_action, e.payload?.severity ?? null])).toEqual([
      ['trigger', 'warning'],
      ['trigger', 'critical'],
      ['resolve', null],
    ]);
    expect(new Set(pd.map((e) => e.dedup_key)).size).toBe(1);
    expect(pd[0].routing_key).toBe(ROUTING_KEY);
    expect(pd[1].payload.custom_details).toMatchObject({
      severity: 'critical',
      previousSeverity: 'warning',
      threshold: 90,
      criticalThreshold: 50,
      topReason: { code: '429', remedy: expect.any(String) },
    });
    const sample = pd[0].payload.custom_details.sample;
    expect(sample).toMatchObject({ error: 'HTTP 429: slow down', request: { method: 'POST', status: 429 } });
    expect(JSON.stringify(pd)).not.toContain('sk_live');

    const slack = of('Amplitude on-call', '/slack');
    expect(slack).toHaveLength(3);
    expect(slack.map((m) => m.blocks[0].text.text)).toEqual([
      expect.stringContaining('WARNING: Amplitude on-call'),
      expect.stringContaining('CRITICAL: Amplitude on-call'),
      expect.stringContaining('RESOLVED: Amplitude on-call'),
    ]);
    for (const m of slack) checkBlockKit(m);
    const button = slack[0].blocks.find((b: { type: string }) => b.type === 'actions').elements[0];
    expect(button.url).toBe(pd[0].links[0].href);
    const link = new URL(button.url);
    const windowTo = Math.floor(firedAt / MINUTE) * MINUTE;
    expect(link.origin + link.pathname).toBe(`${t.url}/destinations/dst_oncall`);
    expect(Object.fromEntries(link.searchParams)).toEqual({
      range: 'custom',
      from: new Date(windowTo - 60 * MINUTE).toISOString(),
      to: new Date(windowTo).toISOString(),
    });
    const page = await fetch(button.url);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    const sampleBlock = JSON.stringify(slack[0].blocks.filter((b: { text?: { text: string } }) => b.text?.text.startsWith('*One failing event*')));
    expect(sampleBlock).toContain('HTTP 429: slow down');
    expect(JSON.stringify(slack[0].blocks)).toContain('*Top reason:* `429`');
    expect(JSON.stringify(slack)).not.toContain('sk_live');
    const resolvedNotes = JSON.stringify(slack[2].blocks.filter((b: { type: string }) => b.type === 'context'));
    expect(resolvedNotes).toContain(`muted until ${until}`);
    expect(resolvedNotes).toContain('Acknowledged by tok_');

    const hooks = receiver.requests.filter((r) => r.path === '/hook' && r.raw.includes(id));
    expect(hooks).toHaveLength(3);
    for (const h of hooks) expect(verifyStandardWebhook(secret, h.headers, h.raw)).toBeNull();
    expect(hooks.map((h) => json(h).alert.severity)).toEqual(['WARNING', 'CRITICAL', 'CRITICAL']);
    expect(json(hooks[0]).context.link).toBe(button.url);
  });

  it('a muted rule sends nothing: its firing and recovery are recorded, marked muted, with no notification', async () => {
    const { id } = await rule({
      name: 'Muted',
      kind: 'DELIVERY_RATE_BELOW',
      destinationId: 'dst_muted',
      threshold: 90,
      windowMinutes: 60,
      minVolume: 10,
      slackWebhookUrl: `${receiver.url}/slack`,
      pagerdutyRoutingKey: ROUTING_KEY,
      webhookUrl: `${receiver.url}/hook`,
    });
    await t.gql(admin, `mutation($id: ID!, $u: DateTimeISO!) { muteAlertRule(id: $id, until: $u) { id } }`, {
      id,
      u: new Date(Date.now() + 30 * MINUTE).toISOString(),
    });
    const before = receiver.requests.length;
    expect((await t.ingest(admin, [delivered('dst_muted', 10), failed('dst_muted', 90)])).status).toBe(200);
    await evaluate();
    expect((await t.ingest(admin, [delivered('dst_muted', 5000)])).status).toBe(200);
    await evaluate();
    await t.gateway.alerts.idle();
    expect(receiver.requests.slice(before).filter((r) => r.raw.includes(id) || r.raw.includes('Muted'))).toEqual([]);
    const history = await t.gql<{ alertHistory: { state: string; muted: boolean; notifications: unknown[] }[] }>(
      admin,
      `query($id: ID!) { alertHistory(range: { preset: LAST_HOUR }, ruleId: $id) { state muted notifications { channel } } }`,
      { id },
    );
    expect(history.body.data!.alertHistory).toEqual([
      { state: 'RESOLVED', muted: true, notifications: [] },
      { state: 'FIRING', muted: true, notifications: [] },
    ]);
  });

  it('refuses a critical threshold on the wrong side, a malformed routing key and a mute in the past, naming the field', async () => {
    const refused = async (input: Record<string, unknown>) =>
      (
        await t.gql(admin, `mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }`, {
          i: { name: 'x', kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_oncall', threshold: 90, ...input },
        })
      ).body.errors![0].extensions;
    expect(await refused({ criticalThreshold: 95 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'criticalThreshold' });
    expect(await refused({ pagerdutyRoutingKey: 'short' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pagerdutyRoutingKey' });
    expect(await refused({ slackWebhookUrl: 'ftp://hooks.example.com/x' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slackWebhookUrl' });
    const { id } = await rule({ name: 'y', kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_oncall', threshold: 90 });
    const past = await t.gql(admin, `mutation($id: ID!, $u: DateTimeISO!) { muteAlertRule(id: $id, until: $u) { id } }`, {
      id,
      u: new Date(Date.now() - MINUTE).toISOString(),
    });
    expect(past.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });
    const ack = await t.gql(admin, `mutation($id: ID!) { acknowledgeAlert(ruleId: $id) { id } }`, { id });
    expect(ack.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

/** The Block Kit limits the message must keep: header 150, section 3,000, field 2,000, button text 75, url 3,000; 50 blocks. */
function checkBlockKit(message: Record<string, any>): void {
  expect(typeof message.text).toBe('string');
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const b of message.blocks as Record<string, any>[]) {
    if (b.type === 'header') expect([b.text.type, b.text.text.length <= 150]).toEqual(['plain_text', true]);
    else if (b.type === 'section') {
      if (b.text) expect([b.text.type, b.text.text.length <= 3000]).toEqual(['mrkdwn', true]);
      for (const f of b.fields ?? []) expect([f.type, f.text.length <= 2000]).toEqual(['mrkdwn', true]);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
    } else if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(10);
    else if (b.type === 'actions') {
      for (const e of b.elements)
        expect([e.type, e.text.type, e.text.text.length <= 75, e.url.length <= 3000, URL.canParse(e.url)]).toEqual(['button', 'plain_text', true, true, true]);
    } else throw new Error(`unexpected block ${b.type}`);
  }
}
