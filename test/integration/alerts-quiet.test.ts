import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * DESTINATION_QUIET end to end on the real engine: rules over GraphQL, the evaluator run by
 * hand (ALERT_EVAL_INTERVAL_MS=0), webhooks caught by an HTTP sink on 127.0.0.1. Each
 * destination has its own sources, so the cases do not see each other's counts.
 */

interface Hook {
  body: {
    text: string;
    alert: {
      ruleId: string;
      state: string;
      kind: string;
      value: number | null;
      volume: number;
      threshold: number;
      counts: Record<string, number>;
      message: string;
    };
  };
}

let t: TestGateway;
let admin: string;
let hookServer: http.Server;
let hookUrl: string;
const hooks: Hook[] = [];

const H = 60;
const RULE = 'id kind destinationId threshold windowMinutes minVolume state';
const CREATE = `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { ${RULE} } }`;
const UPDATE = `mutation($id: ID!, $input: AlertRuleUpdateInput!) { updateAlertRule(id: $id, input: $input) { ${RULE} } }`;
const HISTORY = `query($ruleId: ID) { alertHistory(range: { preset: LAST_HOUR }, ruleId: $ruleId) {
  state kind value threshold volume message counts { name count } } }`;

const retl = (o: Record<string, unknown>, minutesAgo: number) =>
  report(
    {
      destinationId: 'dst_q_retl',
      destinationKind: 'retl',
      sourceId: 'src_q_wh',
      syncId: 'run_1',
      operation: 'added',
      eventType: undefined,
      eventName: undefined,
      appVersion: undefined,
      ...o,
    },
    minutesAgo,
  );
const audience = (o: Record<string, unknown>, minutesAgo: number) =>
  report(
    {
      destinationId: 'dst_q_aud',
      destinationKind: 'audience',
      sourceId: 'src_q_space',
      audienceId: 'aud_1',
      spaceId: 'spa_1',
      operation: 'entered',
      eventType: undefined,
      eventName: undefined,
      appVersion: undefined,
      ...o,
    },
    minutesAgo,
  );
const sync = (syncId: string, rowsSynced: number, minutesAgo: number) => ({
  type: 'sync',
  destinationId: 'dst_q_wh',
  syncId,
  status: 'success',
  startedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  finishedAt: new Date(Date.now() - (minutesAgo - 1) * 60_000).toISOString(),
  collections: [{ name: 'tracks', rowsSynced, rowsFailed: 0 }],
});

beforeAll(async () => {
  hookServer = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      hooks.push({ body: JSON.parse(raw) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/quiet`;
  t = await startTestGateway('alerts_quiet', { ALERT_EVAL_INTERVAL_MS: '0', ALERT_NOTIFY_ATTEMPTS: '1' });
  admin = await t.token('ws_quiet', ['read', 'ingest', 'admin']);
  // The catalog, two hours back (outside every window below): each destination and the source it is connected to.
  const seed = [
    ...['quiet', 'ok', 'idle', 'filt'].map((d) => report({ sourceId: `src_q_${d}`, destinationId: `dst_q_${d}`, step: 'delivered' }, 120)),
    report({ sourceId: 'src_q_act', destinationId: 'dst_q_act', destinationKind: 'actions', mappingId: 'map_1', step: 'delivered' }, 120),
    report({ sourceId: 'src_q_wh', destinationId: 'dst_q_wh', destinationKind: 'storage', step: 'delivered' }, 120),
    retl({ step: 'delivered' }, 120),
    audience({ step: 'delivered' }, 120),
  ];
  expect((await t.ingest(admin, seed)).status).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => hookServer.close(() => r()));
});

type Rule = Record<string, unknown> & { id: string };
async function create(input: Record<string, unknown>): Promise<Rule> {
  const res = await t.gql<{ createAlertRule: Rule }>(admin, CREATE, { input: { name: 'quiet', kind: 'DESTINATION_QUIET', windowMinutes: H, ...input } });
  if (!res.body.data?.createAlertRule) throw new Error(`create failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.createAlertRule;
}
async function createError(input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await t.gql(admin, CREATE, { input: { name: 'quiet', kind: 'DESTINATION_QUIET', ...input } });
  expect(res.body.data?.createAlertRule ?? null).toBeNull();
  return { message: res.body.errors![0].message, ...res.body.errors![0].extensions };
}
async function ingest(records: Record<string, unknown>[]): Promise<void> {
  const res = await t.ingest(admin, records);
  expect([res.status, res.body]).toEqual([200, expect.anything()]);
}
/** One sweep; the transitions of `rule` as [state, value, volume, counts]. */
async function evaluate(rule: Rule): Promise<[string, number | null, number, Record<string, number>][]> {
  const r = await t.gateway.alerts.evaluateOnce();
  expect(r.errors).toBe(0);
  return r.transitions.filter((e) => e.ruleId === rule.id).map((e) => [e.state, e.value, e.volume, e.counts]);
}
const disable = (rule: Rule) => t.gql(admin, UPDATE, { id: rule.id, input: { enabled: false } });

describe('DESTINATION_QUIET', () => {
  it('fires when the sources keep receiving and the destination delivers nearly nothing, explains why, and resolves', async () => {
    const rule = await create({ destinationId: 'dst_q_quiet', webhookUrl: hookUrl });
    expect(rule).toMatchObject({ kind: 'DESTINATION_QUIET', threshold: 1, minVolume: 100, windowMinutes: H, state: 'OK' });
    await ingest([
      sourceReport({ sourceId: 'src_q_quiet', count: 3000 }, 30),
      report({ sourceId: 'src_q_quiet', destinationId: 'dst_q_quiet', step: 'filtered_destination', reason: 'x', count: 1000 }, 30),
      report({ sourceId: 'src_q_quiet', destinationId: 'dst_q_quiet', step: 'delivered', count: 10 }, 30),
    ]);
    const counts = { received: 3000, filtered: 1000, expected: 2000, delivered: 10 };
    expect(await evaluate(rule)).toEqual([['firing', 0.5, 2000, counts]]);
    expect(await evaluate(rule)).toEqual([]);

    // The webhook says why: the share, the counts in order, and a sentence.
    const [hook] = hooks.filter((h) => h.body.alert.ruleId === rule.id);
    expect(hook.body.alert).toMatchObject({ state: 'FIRING', kind: 'DESTINATION_QUIET', value: 0.5, volume: 2000, threshold: 1, counts });
    expect(Object.keys(hook.body.alert.counts)).toEqual(['received', 'filtered', 'expected', 'delivered']);
    expect(hook.body.alert.message).toBe(
      'Delivered share of dst_q_quiet is 0.5% over the last 1 h: 3,000 events its sources received, 1,000 filtered on purpose, 2,000 expected, 10 delivered (alert below 1%)',
    );
    expect(hook.body.text).toContain(hook.body.alert.message);
    const [fired] = (await t.gql<{ alertHistory: Record<string, unknown>[] }>(admin, HISTORY, { ruleId: rule.id })).body.data!.alertHistory;
    expect(fired).toMatchObject({ state: 'FIRING', kind: 'DESTINATION_QUIET', value: 0.5, volume: 2000 });
    expect(fired.counts).toEqual(Object.entries(counts).map(([name, count]) => ({ name, count })));

    // Delivery comes back: 1,510 of 2,000 expected.
    await ingest([report({ sourceId: 'src_q_quiet', destinationId: 'dst_q_quiet', step: 'delivered', count: 1500 }, 5)]);
    expect(await evaluate(rule)).toEqual([['resolved', 75.5, 2000, { ...counts, delivered: 1510 }]]);
    expect(hooks.filter((h) => h.body.alert.ruleId === rule.id).map((h) => h.body.alert.state)).toEqual(['FIRING', 'RESOLVED']);
    await disable(rule);
  });

  it('does not fire for a healthy destination, an idle source, or one whose filters take (nearly) everything', async () => {
    const ok = await create({ destinationId: 'dst_q_ok' });
    const idle = await create({ destinationId: 'dst_q_idle' });
    const filt = await create({ destinationId: 'dst_q_filt', minVolume: 10 });
    await ingest([
      sourceReport({ sourceId: 'src_q_ok', count: 1000 }, 20),
      report({ sourceId: 'src_q_ok', destinationId: 'dst_q_ok', step: 'delivered', count: 990 }, 20),
      // 99 received and nothing delivered: below the minimum of 100.
      sourceReport({ sourceId: 'src_q_idle', count: 99 }, 20),
      // 0.8 % of what was received is delivered, but the rest was filtered on purpose.
      sourceReport({ sourceId: 'src_q_filt', count: 5000 }, 20),
      report({ sourceId: 'src_q_filt', destinationId: 'dst_q_filt', step: 'filtered_destination', reason: 'x', count: 4960 }, 20),
      report({ sourceId: 'src_q_filt', destinationId: 'dst_q_filt', step: 'delivered', count: 40 }, 20),
    ]);
    const r = await t.gateway.alerts.evaluateOnce();
    expect(r.errors).toBe(0);
    expect(r.transitions.filter((e) => [ok.id, idle.id, filt.id].includes(e.ruleId))).toEqual([]);
    expect(r.insufficient).toBeGreaterThanOrEqual(1);

    // The 100th received event makes the idle source's sample large enough: nothing was delivered.
    await ingest([sourceReport({ sourceId: 'src_q_idle', count: 1 }, 20)]);
    expect(await evaluate(idle)).toEqual([['firing', 0, 100, { received: 100, filtered: 0, expected: 100, delivered: 0 }]]);
    for (const rule of [ok, idle, filt]) await disable(rule);
  });

  it('Reverse ETL and audience destinations: their own first box is what keeps arriving', async () => {
    const r1 = await create({ destinationId: 'dst_q_retl' });
    const r2 = await create({ destinationId: 'dst_q_aud', threshold: 50 });
    await ingest([
      retl({ step: 'extracted', count: 800 }, 15),
      retl({ step: 'filtered_destination', reason: 'NO_MAPPING', count: 300 }, 15),
      retl({ step: 'delivered', count: 2 }, 15),
      audience({ step: 'computed', count: 400 }, 15),
      audience({ step: 'delivered', count: 300 }, 15),
    ]);
    const r = await t.gateway.alerts.evaluateOnce();
    const of = (id: string) => r.transitions.filter((e) => e.ruleId === id).map((e) => [e.state, e.value, e.counts]);
    expect(of(r1.id)).toEqual([['firing', 0.4, { extracted: 800, filtered: 300, expected: 500, delivered: 2 }]]);
    expect(of(r2.id)).toEqual([]); // 75 % delivered, above 50 %
    expect(r.transitions.find((e) => e.ruleId === r1.id)!.message).toContain('800 records its sync runs extracted');
    for (const rule of [r1, r2]) await disable(rule);
  });

  it('storage destinations: quiet until their syncs load rows', async () => {
    const rule = await create({ destinationId: 'dst_q_wh' });
    await ingest([
      sourceReport({ sourceId: 'src_q_wh', count: 600 }, 25),
      // Events turned into rows, but no sync loaded them: the warehouse heard nothing.
      report({ sourceId: 'src_q_wh', destinationId: 'dst_q_wh', destinationKind: 'storage', step: 'delivered', count: 600 }, 25),
    ]);
    expect((await t.ingest(admin, [sync('s_empty', 0, 20)])).status).toBe(200);
    expect(await evaluate(rule)).toEqual([['firing', 0, 600, { received: 600, filtered: 0, expected: 600, rowsSynced: 0 }]]);
    expect((await t.ingest(admin, [sync('s_full', 1200, 10)])).status).toBe(200);
    expect(await evaluate(rule)).toEqual([['resolved', 100, 600, { received: 600, filtered: 0, expected: 600, rowsSynced: 1200 }]]);
    await disable(rule);
  });

  it('refuses bad input with typed errors naming the field', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{}, { code: 'BAD_USER_INPUT', field: 'destinationId' }],
      [{ destinationId: 'dst_q_nope' }, { code: 'NOT_FOUND', field: 'destinationId' }],
      [
        { destinationId: 'dst_q_ok', threshold: 0 },
        { code: 'BAD_USER_INPUT', field: 'threshold' },
      ],
      [
        { destinationId: 'dst_q_ok', threshold: 101 },
        { code: 'BAD_USER_INPUT', field: 'threshold' },
      ],
      [
        { destinationId: 'dst_q_act', mappingId: 'map_1' },
        { code: 'BAD_USER_INPUT', field: 'mappingId' },
      ],
      [
        { destinationId: 'dst_q_ok', step: 'FAILED_DELIVERY' },
        { code: 'BAD_USER_INPUT', field: 'step' },
      ],
      [
        { destinationId: 'dst_q_ok', sourceId: 'src_q_ok' },
        { code: 'BAD_USER_INPUT', field: 'sourceId' },
      ],
      [{ destinationId: 'dst_q_ok', windowMinutes: 4 }, { code: 'BAD_USER_INPUT' }],
      [{ destinationId: 'dst_q_ok', minVolume: -1 }, { code: 'BAD_USER_INPUT' }],
      // The other kinds keep a required threshold.
      [
        { kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_q_ok' },
        { code: 'BAD_USER_INPUT', field: 'threshold' },
      ],
    ];
    for (const [input, expected] of cases) expect([input, await createError(input)]).toEqual([input, expect.objectContaining(expected)]);
  });
});
