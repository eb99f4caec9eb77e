import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress } from '../../src/alerts/notify/egress';
import { postWebhook } from '../../src/alerts/notify/webhook';
import { checkRuleFields, type AlertRuleFields } from '../../src/alerts/rules';
import type { AlertEventValue } from '../../src/alerts/store';

describe('which addresses alert webhooks may reach', () => {
  const NOT_PUBLIC = [
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fc00::abcd',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::1',
    '::7f00:1',
    '::127.0.0.1',
    '2002:a9fe:a9fe::',
    '2001::1',
    '2001:db8::1',
    'fec0::1',
    '100::1',
    'not an ip',
    '',
  ];
  const PUBLIC = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '2a00:1450::1', '::ffff:8.8.8.8'];
  it.each(NOT_PUBLIC)('%s is not public', (ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(PUBLIC)('%s is public', (ip) => expect(isPublicAddress(ip)).toBe(true));
});

describe('alert rules refuse webhook URLs naming non-public hosts', () => {
  const base: AlertRuleFields = {
    name: 'r',
    kind: 'delivery_rate_below',
    destinationId: 'd',
    mappingId: null,
    sourceId: null,
    step: null,
    reason: null,
    threshold: 0.9,
    criticalThreshold: null,
    windowMinutes: 60,
    minVolume: 0,
    enabled: true,
    webhookUrl: null,
    webhookSecret: null,
    emails: [],
    slackWebhookUrl: null,
    pagerdutyRoutingKey: null,
    mutedUntil: null,
  } as AlertRuleFields;
  const REFUSED = [
    'http://127.0.0.1:8123/',
    'http://localhost:9000/x',
    'http://[::1]/',
    'http://[::ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'https://10.0.0.5/hook',
    'http://0x7f.1/',
  ];
  it.each(REFUSED)('%s is refused, unless private networks are allowed', (webhookUrl) => {
    expect(() => checkRuleFields({ ...base, webhookUrl })).toThrow(/public address/);
    expect(checkRuleFields({ ...base, webhookUrl }, true).webhookUrl).toBe(webhookUrl);
  });
  it('a public name or address is accepted', () => {
    for (const webhookUrl of ['https://hooks.slack.com/services/T0/B0/x', 'https://8.8.8.8/h'])
      expect(checkRuleFields({ ...base, webhookUrl }).webhookUrl).toBe(webhookUrl);
  });
});

describe('webhook delivery checks the addresses it connects to', () => {
  let server: http.Server;
  let port: number;
  let received = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      received++;
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const event: AlertEventValue = {
    id: 'alr_1:0:firing',
    workspaceId: 'ws',
    ruleId: 'alr_1',
    ruleName: 'r',
    kind: 'delivery_rate_below',
    state: 'firing',
    severity: 'warning',
    previousSeverity: null,
    at: 0,
    previousStateSince: 0,
    destinationId: 'd',
    mappingId: null,
    sourceId: null,
    step: null,
    reason: null,
    value: 0.5,
    threshold: 0.9,
    volume: 10,
    baseline: null,
    counts: {},
    windowMinutes: 60,
    message: 'm',
    mutedUntil: null,
    silenced: false,
    recordedAt: 0,
  };
  const policy = { attempts: 1, baseDelayMs: 1, timeoutMs: 2_000 };
  const send = (url: string, allowPrivate: boolean) => postWebhook(url, null, event, policy, new AbortController().signal, allowPrivate);

  it('a name resolving to loopback is refused at connect time, without retries, and nothing is sent', async () => {
    const before = received;
    await expect(send(`http://localhost:${port}/hook`, false)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/localhost resolves to a non-public address/),
    });
    await expect(send(`http://127.0.0.1:${port}/hook`, false)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/127\.0\.0\.1 is not a public address/),
    });
    expect(received).toBe(before);
  });

  it('with ALERT_WEBHOOK_ALLOW_PRIVATE the same receiver gets the POST', async () => {
    const before = received;
    await expect(send(`http://localhost:${port}/hook`, true)).resolves.toEqual({ statusCode: 200 });
    expect(received).toBe(before + 1);
  });
});
