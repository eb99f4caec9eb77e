import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { SMTPServer } from 'smtp-server';
import WebSocket from 'ws';
import { Evaluator } from '../../src/alerts/evaluator';
import { AlertStore } from '../../src/alerts/store';
import { createLogger } from '../../src/log';
import { WorkspaceDb } from '../../src/metrics/workspace-db';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Alerting end to end on the real engine: rules over GraphQL, the evaluator run by hand
 * (ALERT_EVAL_INTERVAL_MS=0), and real receivers on 127.0.0.1: an HTTP webhook sink, an
 * SMTP sink (smtp-server) and graphql-ws subscribers.
 */

const SECRET = 'a-webhook-secret-of-some-length';
const RETRY = { attempts: 3, baseDelayMs: 20, timeoutMs: 2000 };

interface Hook {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { text: string; alert: { id: string; ruleId: string; state: string; value: number | null; kind: string } };
}
interface Mail {
  to: string[];
  raw: string;
  subject: string;
}

/** Unfolds a header and decodes its RFC 2047 words (nodemailer encodes non-ASCII subjects). */
function decodeHeader(value: string): string {
  return value
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

let t: TestGateway;
let hookServer: http.Server;
let hookUrl: string;
const hooks: Hook[] = [];
let smtp: SMTPServer;
const mails: Mail[] = [];
let closedPortUrl: string;
let adminA: string;
let readA: string;
let adminB: string;
let adminC: string;

beforeAll(async () => {
  hookServer = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(req.url === '/flaky' ? 503 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`;

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, subject: decodeHeader(/^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpPort = ((smtp as unknown as { server: http.Server }).server.address() as AddressInfo).port;

  // A port nobody listens on: bind, note it, close.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/hook`;
  await new Promise<void>((r) => probe.close(() => r()));

  t = await startTestGateway('alerts', {
    ALERT_EVAL_INTERVAL_MS: '0',
    ALERT_NOTIFY_ATTEMPTS: String(RETRY.attempts),
    ALERT_NOTIFY_BASE_DELAY_MS: String(RETRY.baseDelayMs),
    ALERT_NOTIFY_TIMEOUT_MS: String(RETRY.timeoutMs),
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    ALERT_EMAIL_FROM: 'Alerts <alerts@example.test>',
    LIVE_POLL_INTERVAL_MS: '100',
    QUERY_RATE_PER_SECOND: '0',
  });
  [adminA, readA, adminB, adminC] = await Promise.all([
    t.token('ws_alert_a', ['read', 'ingest', 'admin']),
    t.token('ws_alert_a', ['read']),
    t.token('ws_alert_b', ['read', 'ingest', 'admin']),
    t.token('ws_alert_c', ['read', 'ingest', 'admin']),
  ]);
  // The catalog: destinations of every kind, a mapping, sources.
  const seed = [
    report({ destinationId: 'dst_cls', step: 'delivered' }, 600),
    report({ destinationId: 'dst_fire', step: 'delivered' }, 600),
    report({ destinationId: 'dst_rep', step: 'delivered' }, 600),
    report({ destinationId: 'dst_down', step: 'delivered' }, 600),
    report({ destinationId: 'dst_small', step: 'delivered' }, 600),
    report({ destinationId: 'dst_loop', step: 'delivered' }, 600),
    report({ destinationId: 'dst_act', destinationKind: 'actions', mappingId: 'map_1', step: 'delivered' }, 600),
    report({ destinationId: 'dst_wh', destinationKind: 'storage', step: 'delivered' }, 600),
    sourceReport({ sourceId: 'src_web' }, 600),
  ];
  expect((await t.ingest(adminA, seed)).status).toBe(200);
  expect((await t.ingest(adminB, [report({ destinationId: 'dst_fire', step: 'delivered' }, 600)])).status).toBe(200);
  expect((await t.ingest(adminC, [report({ destinationId: 'dst_cls', step: 'delivered' }, 600)])).status).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => hookServer.close(() => r()));
  await new Promise<void>((r) => smtp.close(() => r()));
});

const RULE_FIELDS =
  'id name kind destinationId mappingId sourceId step reason threshold windowMinutes minVolume enabled webhook webhookSigned emails state stateSince';
const CREATE = `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { ${RULE_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: AlertRuleUpdateInput!) { updateAlertRule(id: $id, input: $input) { ${RULE_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteAlertRule(id: $id) }';
const LIST = `{ alertRules { ${RULE_FIELDS} } }`;
const HISTORY = `query($ruleId: ID) { alertHistory(range: { preset: LAST_HOUR }, ruleId: $ruleId) {
  id ruleId state kind value threshold volume baseline message at previousStateSince
  notifications { channel target outcome attempts lastError statusCode } } }`;

type Rule = Record<string, any> & { id: string };
async function create(token: string, input: Record<string, unknown>): Promise<Rule> {
  const res = await t.gql<{ createAlertRule: Rule }>(token, CREATE, { input });
  if (!res.body.data?.createAlertRule) throw new Error(`create failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.createAlertRule;
}
async function createError(token: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await t.gql(token, CREATE, { input });
  expect(res.body.data?.createAlertRule ?? null).toBeNull();
  return { message: res.body.errors![0].message, ...res.body.errors![0].extensions };
}
async function history(token: string, ruleId: string): Promise<any[]> {
  const res = await t.gql<{ alertHistory: any[] }>(token, HISTORY, { ruleId });
  if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.alertHistory;
}
const hooksOf = (ruleId: string) => hooks.filter((h) => h.body.alert.ruleId === ruleId);
const mailsOf = (ruleId: string) => mails.filter((m) => m.raw.includes(ruleId));

function wsClient(token: string): Client {
  return createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
}
function subscribe(c: Client, destinationId?: string) {
  const values: { id: string; ruleId: string; state: string }[] = [];
  const errors: unknown[] = [];
  const dispose = c.subscribe<{ alertEvents: { id: string; ruleId: string; state: string } }>(
    { query: 'subscription($d: ID) { alertEvents(destinationId: $d) { id ruleId state kind message } }', variables: { d: destinationId ?? null } },
    { next: (v) => (v.errors ? errors.push(v.errors) : values.push(v.data!.alertEvents)), error: (e) => errors.push(e), complete: () => undefined },
  );
  return { values, errors, dispose };
}
async function waitFor(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('alert rules: CRUD, validation, scopes', () => {
  it('creates, lists, updates and deletes; secrets and URLs are not shown back', async () => {
    const rule = await create(adminA, {
      name: ' Amplitude delivery ',
      kind: 'DELIVERY_RATE_BELOW',
      destinationId: 'dst_cls',
      threshold: 95,
      webhookUrl: 'https://hooks.slack.example/services/T0/B0/secretpath',
      webhookSecret: SECRET,
      emails: ['oncall@example.com'],
    });
    expect(rule).toMatchObject({
      name: 'Amplitude delivery',
      kind: 'DELIVERY_RATE_BELOW',
      destinationId: 'dst_cls',
      threshold: 95,
      windowMinutes: 1440,
      minVolume: 100,
      enabled: true,
      webhook: 'https://hooks.slack.example/…',
      webhookSigned: true,
      emails: ['oncall@example.com'],
      state: 'OK',
    });
    expect(rule.id).toMatch(/^alr_/);
    expect(JSON.stringify(rule)).not.toContain('secretpath');
    // At rest the URL (its path is the credential) and the signing secret are sealed.
    const [row] = await t.sql<{ url: string; secret: string }>(
      'SELECT webhook_url AS url, webhook_secret AS secret FROM {{db}}.alert_rules WHERE rule_id = {id:String}',
      { id: rule.id },
    );
    expect(row.url).toMatch(/^enc1:/);
    expect(row.secret).toMatch(/^enc1:/);
    expect(JSON.stringify(row)).not.toMatch(/secretpath|hooks\.slack|${SECRET}/);

    const listed = await t.gql<{ alertRules: Rule[] }>(readA, LIST);
    expect(listed.body.data!.alertRules.map((r) => r.id)).toEqual([rule.id]);

    const updated = await t.gql<{ updateAlertRule: Rule }>(adminA, UPDATE, { id: rule.id, input: { threshold: 80, windowMinutes: 60, webhookUrl: null } });
    expect(updated.body.data!.updateAlertRule).toMatchObject({
      threshold: 80,
      windowMinutes: 60,
      webhook: null,
      webhookSigned: false,
      name: 'Amplitude delivery',
    });
    const cleared = await t.gql(adminA, UPDATE, { id: rule.id, input: { name: null } });
    expect(cleared.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });

    expect((await t.gql<{ deleteAlertRule: boolean }>(adminA, DELETE, { id: rule.id })).body.data!.deleteAlertRule).toBe(true);
    expect((await t.gql<{ alertRules: Rule[] }>(readA, LIST)).body.data!.alertRules).toEqual([]);
    expect((await t.gql(adminA, DELETE, { id: rule.id })).body.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('read scope lists but cannot change; another workspace can neither see nor change', async () => {
    const rule = await create(adminA, { name: 'retry', kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_cls', threshold: 1000 });
    expect(
      (await t.gql(readA, CREATE, { input: { name: 'x', kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_cls', threshold: 1 } })).body.errors![0].extensions!
        .code,
    ).toBe('FORBIDDEN');
    expect((await t.gql(readA, DELETE, { id: rule.id })).body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await t.gql<{ alertRules: Rule[] }>(adminB, LIST)).body.data!.alertRules).toEqual([]);
    expect((await t.gql(adminB, DELETE, { id: rule.id })).body.errors![0].extensions!.code).toBe('NOT_FOUND');
    expect((await t.gql(adminB, UPDATE, { id: rule.id, input: { threshold: 1 } })).body.errors![0].extensions!.code).toBe('NOT_FOUND');
    expect((await t.gql<{ alertRules: Rule[] }>(readA, LIST)).body.data!.alertRules.map((r) => r.threshold)).toEqual([1000]);
    await t.gql(adminA, DELETE, { id: rule.id });
  });

  it('refuses bad input with typed errors naming the field', async () => {
    const base = { name: 'r', kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_cls', threshold: 90 };
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ destinationId: 'dst_nope' }, { code: 'NOT_FOUND', field: 'destinationId' }],
      [{ destinationId: 'dst_wh' }, { code: 'BAD_USER_INPUT', field: 'destinationId', allowed: ['classic', 'actions'] }],
      [
        { kind: 'SYNC_FAILURES', threshold: 1 },
        { code: 'BAD_USER_INPUT', field: 'destinationId', allowed: ['storage'] },
      ],
      [{ mappingId: 'map_1' }, { code: 'BAD_USER_INPUT', field: 'mappingId' }],
      [
        { destinationId: 'dst_act', mappingId: 'map_nope' },
        { code: 'NOT_FOUND', field: 'mappingId' },
      ],
      [{ threshold: 0 }, { code: 'BAD_USER_INPUT', field: 'threshold' }],
      [{ threshold: 150 }, { code: 'BAD_USER_INPUT', field: 'threshold' }],
      [{ windowMinutes: 4 }, { code: 'BAD_USER_INPUT' }],
      [{ windowMinutes: 14 * 1440 + 1 }, { code: 'BAD_USER_INPUT' }],
      [{ webhookUrl: 'ftp://example.com/x' }, { code: 'BAD_USER_INPUT', field: 'webhookUrl' }],
      [{ webhookUrl: 'not a url' }, { code: 'BAD_USER_INPUT', field: 'webhookUrl' }],
      [
        { webhookSecret: 'short', webhookUrl: 'https://example.com/h' },
        { code: 'BAD_USER_INPUT', field: 'webhookSecret' },
      ],
      [{ emails: ['ok@example.com', 'not-an-email'] }, { code: 'BAD_USER_INPUT', field: 'emails' }],
      [{ sourceId: 'src_web' }, { code: 'BAD_USER_INPUT', field: 'sourceId' }],
      [
        { kind: 'DISCARD_RATE_ABOVE', step: 'SUCCESSFUL_DELIVERY', threshold: 10 },
        { code: 'BAD_USER_INPUT', field: 'step' },
      ],
      [
        { kind: 'DISCARD_RATE_ABOVE', threshold: 10 },
        { code: 'BAD_USER_INPUT', field: 'step' },
      ],
      [
        { kind: 'DISCARD_RATE_ABOVE', destinationId: 'dst_wh', step: 'FAILED_DELIVERY', threshold: 10 },
        { code: 'BAD_USER_INPUT', field: 'step' },
      ],
      [
        { kind: 'SOURCE_VOLUME_ANOMALY', destinationId: null, sourceId: 'src_nope', threshold: 50 },
        { code: 'NOT_FOUND', field: 'sourceId' },
      ],
      [
        { kind: 'RETRY_PENDING_ABOVE', threshold: 1.5 },
        { code: 'BAD_USER_INPUT', field: 'threshold' },
      ],
    ];
    for (const [patch, expected] of cases) {
      expect([patch, await createError(adminA, { ...base, ...patch })]).toEqual([patch, expect.objectContaining(expected)]);
    }
    expect((await t.gql<{ alertRules: Rule[] }>(readA, LIST)).body.data!.alertRules).toEqual([]);
  });

  it('caps a workspace at 50 rules', async () => {
    // 49 rules straight into the store (fast), the 50th through the API, the 51st refused.
    const wdb = new WorkspaceDb(t.gateway.db, 'ws_alert_c');
    const store = new AlertStore(t.gateway.db, t.gateway.secrets);
    const now = Date.now();
    await Promise.all(
      Array.from({ length: 49 }, (_, i) =>
        store.writeRule(wdb, {
          id: `alr_cap${i}`,
          workspaceId: 'ws_alert_c',
          name: `r${i}`,
          kind: 'retry_pending_above',
          destinationId: 'dst_cls',
          mappingId: null,
          sourceId: null,
          step: null,
          reason: null,
          threshold: 1_000_000,
          criticalThreshold: null,
          windowMinutes: 1440,
          minVolume: 100,
          enabled: false,
          webhookUrl: null,
          webhookSecret: null,
          emails: [],
          slackWebhookUrl: null,
          pagerdutyRoutingKey: null,
          mutedUntil: null,
          createdAt: now,
          updatedAt: now,
          version: now * 1000,
        }),
      ),
    );
    await create(adminC, { name: 'fiftieth', kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_cls', threshold: 1_000_000, enabled: false });
    expect((await t.gql<{ alertRules: Rule[] }>(adminC, LIST)).body.data!.alertRules).toHaveLength(50);
    expect(await createError(adminC, { name: 'one too many', kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_cls', threshold: 1 })).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: 'alertRulesPerWorkspace',
      value: 50,
    });
  });
});

describe('the cap under concurrent creates (security review, suspected item)', () => {
  it('60 creates at once leave exactly 50 rules: the ones past the cap are refused, not stored', async () => {
    const adminD = await t.token('ws_alert_d', ['read', 'ingest', 'admin']);
    expect((await t.ingest(adminD, [report({ destinationId: 'dst_cls', step: 'delivered' }, 600)])).status).toBe(200);
    const input = (i: number) => ({ name: `race ${i}`, kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_cls', threshold: 1_000_000, enabled: false });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => t.gql<{ createAlertRule: Rule | null }>(adminD, CREATE, { input: input(i) })));
    const created = answers.filter((a) => a.body.data?.createAlertRule);
    const refused = answers.filter((a) => a.body.errors?.[0]?.extensions?.limit === 'alertRulesPerWorkspace');
    expect([created.length, refused.length]).toEqual([50, 10]);
    expect((await t.gql<{ alertRules: Rule[] }>(adminD, LIST)).body.data!.alertRules).toHaveLength(50);
  });
});

describe('evaluation and notification', () => {
  it('fires once, stays quiet while firing, resolves once: webhook, email and subscription each get exactly one of each', async () => {
    const rule = await create(adminA, {
      name: 'Fire delivery',
      kind: 'DELIVERY_RATE_BELOW',
      destinationId: 'dst_fire',
      threshold: 90,
      windowMinutes: 60,
      webhookUrl: `${hookUrl}/slack`,
      webhookSecret: SECRET,
      emails: ['oncall@example.com'],
    });
    const ruleB = await create(adminB, { name: 'B fire', kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_fire', threshold: 90, windowMinutes: 60 });

    const a = wsClient(readA);
    const b = wsClient(adminB);
    const before = t.gateway.hub.activeSubscriptions;
    const subA = subscribe(a);
    const subAdest = subscribe(a, 'dst_fire');
    const subAother = subscribe(a, 'dst_cls');
    const subB = subscribe(b);
    await waitFor(() => t.gateway.hub.activeSubscriptions === before + 4, 5000, 'subscriptions');

    // Healthy: 100% delivered.
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_fire', step: 'delivered', count: 200 }, 30)])).status).toBe(200);
    let r = await t.gateway.alerts.evaluateOnce();
    expect(r.errors).toBe(0);
    expect(r.transitions.filter((e) => e.ruleId === rule.id)).toEqual([]);

    // 200 delivered, 300 failed: 40% < 90%.
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_fire', step: 'failed_delivery', reason: '500', count: 300 }, 20)])).status).toBe(200);
    r = await t.gateway.alerts.evaluateOnce();
    expect(r.transitions.filter((e) => e.ruleId === rule.id).map((e) => [e.state, e.value, e.volume])).toEqual([['firing', 40, 500]]);
    for (let i = 0; i < 3; i++) {
      r = await t.gateway.alerts.evaluateOnce();
      expect(r.transitions.filter((e) => e.ruleId === rule.id)).toEqual([]);
    }
    expect(hooksOf(rule.id)).toHaveLength(1);
    expect(mailsOf(rule.id)).toHaveLength(1);
    expect((await t.gql<{ alertRules: Rule[] }>(readA, LIST)).body.data!.alertRules.find((x) => x.id === rule.id)!.state).toBe('FIRING');

    // Recovery: 5,200 of 5,500 delivered (94.5%).
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_fire', step: 'delivered', count: 5000 }, 10)])).status).toBe(200);
    r = await t.gateway.alerts.evaluateOnce();
    expect(r.transitions.filter((e) => e.ruleId === rule.id).map((e) => e.state)).toEqual(['resolved']);
    r = await t.gateway.alerts.evaluateOnce();
    expect(r.transitions.filter((e) => e.ruleId === rule.id)).toEqual([]);

    // Webhook: Slack-compatible text, structured alert, HMAC over the raw body, idempotency key.
    const got = hooksOf(rule.id);
    expect(got.map((h) => h.body.alert.state)).toEqual(['FIRING', 'RESOLVED']);
    for (const h of got) {
      expect(h.path).toBe('/slack');
      expect(h.headers['content-type']).toBe('application/json');
      expect(typeof h.body.text).toBe('string');
      expect(h.body.text).toContain('Fire delivery');
      const expected = 'sha256=' + crypto.createHmac('sha256', SECRET).update(h.raw).digest('hex');
      expect(h.headers['x-delivery-overview-signature']).toBe(expected);
      expect(h.headers['idempotency-key']).toBe(h.body.alert.id);
    }
    expect(got[0].body.text).toContain('FIRING');
    expect(got[0].body.text).toContain('40%');
    expect(got[1].body.text).toContain('RESOLVED');
    expect(got[0].headers['idempotency-key']).not.toBe(got[1].headers['idempotency-key']);

    // Email: one firing, one recovery, to the rule's address.
    const sent = mailsOf(rule.id);
    expect(sent.map((m) => m.to)).toEqual([['oncall@example.com'], ['oncall@example.com']]);
    expect(sent.map((m) => m.subject)).toEqual(['[FIRING] Fire delivery (dst_fire)', '[RESOLVED] Fire delivery (dst_fire)']);
    expect(sent[0].raw).toContain(`X-Delivery-Overview-Idempotency-Key: ${got[0].body.alert.id}`);

    // In-app: FIRING then RESOLVED, exactly once each; the destination filter holds.
    await waitFor(() => subA.values.length >= 2 && subAdest.values.length >= 2, 5000, 'subscription events');
    await new Promise((res) => setTimeout(res, 400)); // several polls: nothing more arrives
    expect(subA.values.map((v) => [v.ruleId, v.state])).toEqual([
      [rule.id, 'FIRING'],
      [rule.id, 'RESOLVED'],
    ]);
    expect(subAdest.values.map((v) => v.id)).toEqual(subA.values.map((v) => v.id));
    expect(subAother.values).toEqual([]);
    expect(subA.errors).toEqual([]);

    // History: both transitions with their notification outcomes.
    const h = await history(readA, rule.id);
    expect(h.map((e) => e.state)).toEqual(['RESOLVED', 'FIRING']);
    for (const e of h) {
      expect(e.notifications).toEqual([
        expect.objectContaining({ channel: 'EMAIL', target: 'oncall@example.com', outcome: 'DELIVERED', attempts: 1, lastError: null }),
        expect.objectContaining({ channel: 'WEBHOOK', target: `${hookUrl}/…`, outcome: 'DELIVERED', attempts: 1, statusCode: 200 }),
      ]);
    }
    expect(h[1]).toMatchObject({ value: 40, threshold: 90, volume: 500, kind: 'DELIVERY_RATE_BELOW' });

    // Workspace B fires on its own data; A's subscriber never sees it, B's never saw A's.
    expect((await t.ingest(adminB, [report({ destinationId: 'dst_fire', step: 'failed_delivery', reason: '500', count: 500 }, 20)])).status).toBe(200);
    r = await t.gateway.alerts.evaluateOnce();
    expect(r.transitions.filter((e) => e.ruleId === ruleB.id).map((e) => e.state)).toEqual(['firing']);
    await waitFor(() => subB.values.length >= 1, 5000, "B's event");
    await new Promise((res) => setTimeout(res, 300));
    expect(subB.values.map((v) => v.ruleId)).toEqual([ruleB.id]);
    expect(subA.values.map((v) => v.ruleId)).toEqual([rule.id, rule.id]);
    expect(await history(readA, ruleB.id)).toEqual([]);

    subA.dispose();
    subB.dispose();
    await a.dispose();
    await b.dispose();
    for (const [tok, id] of [
      [adminA, rule.id],
      [adminB, ruleB.id],
    ])
      await t.gql(tok, UPDATE, { id, input: { enabled: false } });
  });

  it('does not move on a sample below minVolume', async () => {
    const rule = await create(adminA, { name: 'small', kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_small', threshold: 90, windowMinutes: 60 });
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_small', step: 'failed_delivery', reason: '500', count: 99 }, 20)])).status).toBe(200);
    let r = await t.gateway.alerts.evaluateOnce();
    expect(r.transitions.filter((e) => e.ruleId === rule.id)).toEqual([]);
    expect(r.insufficient).toBeGreaterThanOrEqual(1);
    // The 100th event makes the sample large enough.
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_small', step: 'failed_delivery', reason: '500', count: 1 }, 20)])).status).toBe(200);
    r = await t.gateway.alerts.evaluateOnce();
    expect(r.transitions.filter((e) => e.ruleId === rule.id).map((e) => [e.state, e.value])).toEqual([['firing', 0]]);
    await t.gql(adminA, UPDATE, { id: rule.id, input: { enabled: false } });
  });

  it('retries a webhook that is down, and records the failure in alertHistory', async () => {
    const down = await create(adminA, { name: 'down', kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_down', threshold: 10, webhookUrl: closedPortUrl });
    const flaky = await create(adminA, {
      name: 'flaky',
      kind: 'RETRY_PENDING_ABOVE',
      destinationId: 'dst_down',
      threshold: 10,
      webhookUrl: `${hookUrl}/flaky`,
      webhookSecret: SECRET,
    });
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_down', step: 'retry_enqueued', reason: '429', count: 50 }, 5)])).status).toBe(200);
    const r = await t.gateway.alerts.evaluateOnce();
    expect(r.transitions.filter((e) => e.ruleId === down.id || e.ruleId === flaky.id)).toHaveLength(2);

    // The flaky receiver saw every attempt, each with the same idempotency key.
    const attempts = hooksOf(flaky.id);
    expect(attempts).toHaveLength(RETRY.attempts);
    expect(new Set(attempts.map((h) => h.headers['idempotency-key'])).size).toBe(1);

    const [downEvent] = await history(readA, down.id);
    expect(downEvent.notifications).toEqual([
      {
        channel: 'WEBHOOK',
        target: `${new URL(closedPortUrl).origin}/…`,
        outcome: 'FAILED',
        attempts: RETRY.attempts,
        lastError: expect.stringContaining('connection refused'),
        statusCode: null,
      },
    ]);
    const [flakyEvent] = await history(readA, flaky.id);
    expect(flakyEvent.notifications).toEqual([
      expect.objectContaining({ outcome: 'FAILED', attempts: RETRY.attempts, statusCode: 503, lastError: 'the receiver answered HTTP 503' }),
    ]);
    for (const id of [down.id, flaky.id]) await t.gql(adminA, UPDATE, { id, input: { enabled: false } });
  });

  it('two evaluators over the same data (two replicas) notify once per transition', async () => {
    const rule = await create(adminA, {
      name: 'replicas',
      kind: 'DELIVERY_RATE_BELOW',
      destinationId: 'dst_rep',
      threshold: 90,
      windowMinutes: 60,
      webhookUrl: `${hookUrl}/rep`,
    });
    const silent = createLogger('silent');
    const one = new Evaluator({
      db: t.gateway.db,
      log: silent,
      retry: RETRY,
      email: null,
      claimant: 'replica-1',
      allowPrivateNetworks: true,
      secrets: t.gateway.secrets,
    });
    const two = new Evaluator({
      db: t.gateway.db,
      log: silent,
      retry: RETRY,
      email: null,
      claimant: 'replica-2',
      allowPrivateNetworks: true,
      secrets: t.gateway.secrets,
    });
    const both = async () => {
      const [x, y] = await Promise.all([one.evaluateOnce(), two.evaluateOnce()]);
      return [...x.transitions, ...y.transitions].filter((e) => e.ruleId === rule.id).map((e) => e.state);
    };

    expect((await t.ingest(adminA, [report({ destinationId: 'dst_rep', step: 'failed_delivery', reason: '500', count: 200 }, 20)])).status).toBe(200);
    expect(await both()).toEqual(['firing']);
    expect(await both()).toEqual([]);
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_rep', step: 'delivered', count: 5000 }, 10)])).status).toBe(200);
    expect(await both()).toEqual(['resolved']);
    expect(await both()).toEqual([]);
    expect(hooksOf(rule.id).map((h) => h.body.alert.state)).toEqual(['FIRING', 'RESOLVED']);
    expect((await history(readA, rule.id)).map((e) => e.state)).toEqual(['RESOLVED', 'FIRING']);

    // The claim itself: the first claimant wins, any later one loses.
    const store = new AlertStore(t.gateway.db, t.gateway.secrets);
    const key = `test:${Date.now()}:firing`;
    const claims = await Promise.all([store.claim(key, 'replica-1', 60_000), store.claim(key, 'replica-2', 60_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.claim(key, 'replica-3', 60_000)).toBe(false);
    await Promise.all([one.stop(), two.stop()]);
    await t.gql(adminA, UPDATE, { id: rule.id, input: { enabled: false } });
  });

  it('runs on its own interval until stopped', async () => {
    const rule = await create(adminA, { name: 'loop', kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_loop', threshold: 5, webhookUrl: `${hookUrl}/loop` });
    const sweeps: number[] = [];
    const looping = new Evaluator({
      db: t.gateway.db,
      log: createLogger('silent'),
      retry: RETRY,
      email: null,
      allowPrivateNetworks: true,
      secrets: t.gateway.secrets,
      hooks: { onSweep: (r) => sweeps.push(r.evaluated) },
    });
    looping.start(100);
    await waitFor(() => sweeps.length >= 2, 5000, 'two sweeps');
    expect((await t.ingest(adminA, [report({ destinationId: 'dst_loop', step: 'retry_enqueued', reason: '429', count: 6 }, 2)])).status).toBe(200);
    await waitFor(() => hooksOf(rule.id).length === 1, 5000, 'the webhook');
    await looping.stop();
    const n = sweeps.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(sweeps.length).toBe(n);
    expect(hooksOf(rule.id).map((h) => h.body.alert.state)).toEqual(['FIRING']);
    await t.gql(adminA, UPDATE, { id: rule.id, input: { enabled: false } });
  });

  it('measures every kind as documented', async () => {
    const H = 60;
    const day = 24 * 60;
    const batch = [
      // SOURCE_VOLUME_ANOMALY: 100 received in the same hour on each of the previous 7 days, 400 now.
      ...Array.from({ length: 7 }, (_, k) => sourceReport({ sourceId: 'src_vol', count: 100 }, (k + 1) * day + 30)),
      sourceReport({ sourceId: 'src_vol', count: 400 }, 30),
      // DISCARD_RATE_ABOVE: src_d (connected to dst_disc) received 1,000; 300 filtered at destination for reason "x".
      sourceReport({ sourceId: 'src_d', count: 1000 }, 30),
      report({ sourceId: 'src_d', destinationId: 'dst_disc', step: 'delivered', count: 700 }, 30),
      report({ sourceId: 'src_d', destinationId: 'dst_disc', step: 'filtered_destination', reason: 'x', count: 300 }, 30),
      // RETRY_PENDING_ABOVE: 50 waiting.
      report({ destinationId: 'dst_retry', step: 'retry_enqueued', reason: '429', count: 50 }, 30),
    ];
    expect((await t.ingest(adminA, batch)).status).toBe(200);
    const sync = (id: string, status: string, minutesAgo: number) => ({
      type: 'sync',
      destinationId: 'dst_wh',
      syncId: id,
      status,
      startedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      finishedAt: new Date(Date.now() - (minutesAgo - 1) * 60_000).toISOString(),
      reason: status === 'success' ? undefined : 'warehouse_unreachable',
      collections: [],
    });
    const syncs = await t.ingest(adminA, [sync('s1', 'failed', 40), sync('s2', 'partial', 30), sync('s3', 'success', 20)]);
    expect(syncs.status).toBe(200);

    const rules = await Promise.all([
      create(adminA, { name: 'volume', kind: 'SOURCE_VOLUME_ANOMALY', sourceId: 'src_vol', threshold: 50, windowMinutes: H }),
      create(adminA, {
        name: 'discard',
        kind: 'DISCARD_RATE_ABOVE',
        destinationId: 'dst_disc',
        step: 'FILTERED_AT_DESTINATION',
        threshold: 20,
        windowMinutes: H,
      }),
      create(adminA, {
        name: 'discard y',
        kind: 'DISCARD_RATE_ABOVE',
        destinationId: 'dst_disc',
        step: 'FILTERED_AT_DESTINATION',
        reason: 'y',
        threshold: 20,
        windowMinutes: H,
      }),
      create(adminA, { name: 'syncs', kind: 'SYNC_FAILURES', destinationId: 'dst_wh', threshold: 2, windowMinutes: H }),
      create(adminA, { name: 'retry', kind: 'RETRY_PENDING_ABOVE', destinationId: 'dst_retry', threshold: 49 }),
    ]);
    const r = await t.gateway.alerts.evaluateOnce();
    expect(r.errors).toBe(0);
    const byRule = new Map(r.transitions.map((e) => [e.ruleId, e]));
    const [volume, discard, discardY, syncRule, retry] = rules.map((x) => byRule.get(x.id));
    expect(volume).toMatchObject({ state: 'firing', value: 300, volume: 400, baseline: 100 });
    expect(discard).toMatchObject({ state: 'firing', value: 30, volume: 1000 });
    expect(discardY).toBeUndefined();
    expect(syncRule).toMatchObject({ state: 'firing', value: 2 });
    expect(retry).toMatchObject({ state: 'firing', value: 50 });
    expect(volume!.message).toContain('+300%');
    for (const x of rules) await t.gql(adminA, UPDATE, { id: x.id, input: { enabled: false } });
  });
});
