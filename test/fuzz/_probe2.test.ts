import pino from 'pino';
import { Writable } from 'node:stream';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
let t: TestGateway; let token: string;
const logs: any[] = [];
beforeAll(async () => {
  const log = pino({ level: 'error' }, new Writable({ write(c, _e, cb) { logs.push(JSON.parse(c.toString())); cb(); } }));
  t = await startTestGateway('probe2', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' }, { log: log as any }); token = await t.token('ws_p', ['ingest', 'read']);
  await t.ingest(token, [report({ destinationId: 'dst_a', step: 'failed_delivery', reason: 'x', eventType: '\udfff', messageId: 'm1' }), report({ destinationId: 'dst_b', destinationKind: 'actions', mappingId: 'map1' })]);
});
afterAll(async () => t.close());
it('probe', async () => {
  const lastErr = () => { const l = logs.pop(); return l ? JSON.stringify(l.err ?? l).slice(0, 400) : 'none'; };
  const r0 = await t.gql(token, '{ trace(messageId: "m1") { eventType } }');
  console.log('low surrogate readback', JSON.stringify(r0.body), [...((r0.body as any).data.trace[0].eventType as string)].map((c) => c.codePointAt(0)!.toString(16)));
  const strs = ['\ud800', '\udfff', '\u0000', '{x:String}', "'; DROP TABLE x; --", 'x'.repeat(200_000), '\\', '😀'];
  const qs: [string, string, (s: string) => Record<string, unknown>][] = [
    ['trace', 'query($s: String!) { trace(messageId: $s) { step } }', (s) => ({ s })],
    ['destination', 'query($s: ID!) { destination(id: $s) { id } }', (s) => ({ s })],
    ['reason', 'query($s: String) { destination(id: "dst_a") { breakdown(step: FAILED_DELIVERY, reason: $s, range: {preset: LAST_HOUR}) { count } } }', (s) => ({ s })],
    ['filter', 'query($s: String!) { destination(id: "dst_a") { pipeline(range: {preset: LAST_HOUR}, filter: {eventNames: [$s], eventTypes: [$s], appVersions: [$s]}) { steps { count } } breakdown(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}, filter: {eventNames: [$s]}) { count } discards(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}, filter: {eventNames: [$s]}) { count samples { error } } timeseries(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}, granularity: MINUTE, filter: {eventNames: [$s]}) { total } insights(range: {preset: LAST_HOUR}, filter: {eventNames: [$s]}) { count } } }', (s) => ({ s })],
    ['tz', 'query($s: String!) { destination(id: "dst_a") { pipeline(range: {preset: LAST_HOUR, timeZone: $s}) { from } } }', (s) => ({ s })],
    ['mapping', 'query($s: ID!) { destination(id: "dst_b") { pipeline(range: {preset: LAST_HOUR}, mappingId: $s) { from } retryPending(mappingId: $s) } }', (s) => ({ s })],
    ['syncs', 'query($s: ID!) { destination(id: $s) { syncs(range: {preset: LAST_HOUR}) { id } } }', (s) => ({ s })],
  ];
  for (const [name, q, vars] of qs) for (const s of strs) {
    const r = await t.gql(token, q, vars(s));
    const codes = (r.body.errors ?? []).map((e) => e.extensions?.code);
    if (r.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) console.log('!!', name, JSON.stringify(s.slice(0, 20)), r.status, JSON.stringify(r.body).slice(0, 300), lastErr());
    else console.log('ok', name, JSON.stringify(s.slice(0, 20)), r.status, codes.join(','));
  }
  const ranges = [
    { from: '0001-01-01T00:00:00Z', to: '9999-12-31T00:00:00Z' }, { from: '-271821-04-20T00:00:00Z', to: '+275760-09-13T00:00:00Z' },
    { from: 1, to: 2 }, { from: new Date(Date.now() - 3600e3).toISOString(), to: new Date(Date.now() + 90e3).toISOString() },
    { preset: 'LAST_HOUR', lookback: false, timeZone: 'Asia/Kathmandu' },
    { from: new Date(Date.now() - 14 * 86400e3 + 1000).toISOString(), to: new Date(Date.now()).toISOString(), timeZone: 'Australia/Lord_Howe' },
    { from: new Date(Date.now() - 14 * 86400e3 - 30e3).toISOString(), to: new Date(Date.now() - 14 * 86400e3 + 60e3).toISOString() },
    { from: new Date(Date.now() - 60e3).toISOString(), to: new Date(Date.now()+ 100e3).toISOString() },
    { from: new Date(Date.now() - 30e3).toISOString(), to: new Date(Date.now() - 20e3).toISOString() },
  ];
  for (const r of ranges) for (const g of ['MINUTE', 'HOUR', 'DAY']) {
    const res = await t.gql(token, `query($r: TimeRangeInput!) { destination(id: "dst_a") { pipeline(range: $r) { from to } breakdown(step: FAILED_DELIVERY, range: $r) { count } discards(step: FAILED_DELIVERY, range: $r) { count samples { error } } timeseries(step: FAILED_DELIVERY, range: $r, granularity: ${g}, groupBy: [REASON, EVENT_NAME]) { total points { at } } insights(range: $r) { count } syncs(range: $r) { id } } }`, { r });
    const codes = (res.body.errors ?? []).map((e) => e.extensions?.code);
    console.log(codes.includes('INTERNAL_SERVER_ERROR') || res.status >= 500 ? '!!' : 'ok', JSON.stringify(r), g, res.status, codes.join(','), codes.includes('INTERNAL_SERVER_ERROR') ? lastErr() : '');
  }
  for (const [n, q] of [['first', '{ destination(id: "dst_a") { breakdown(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}, first: 2147483647) { count } } }'], ['neg', '{ destination(id: "dst_a") { breakdown(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}, first: -1) { count } syncs(range: {preset: LAST_HOUR}, first: 0) { id } insights(range: {preset: LAST_HOUR}, limit: 0) { count } discards(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}) { samples(limit: -5) { error } } } }'], ['wrongstep', '{ destination(id: "dst_a") { breakdown(step: RETRY_PENDING, range: {preset: LAST_HOUR}) { count } discards(step: SUCCESSFULLY_SYNCED, range: {preset: LAST_HOUR}) { count } timeseries(step: RETRY_PENDING, range: {preset: LAST_HOUR}, granularity: MINUTE) { total } } }'], ['discardReasons', '{ discardReasons(step: RETRY_PENDING) { code } a: discardReasons(step: SUCCESSFULLY_SYNCED) { code } }'], ['mutation', 'mutation { setDisplayName(name: "\'; DROP", id: "x", entity: SOURCE) createApiToken(scopes: [READ], workspaceId: "x") revokeApiToken(id: "x") }'], ['sub', 'subscription { retryPendingChanged(destinationId: "dst_a") { count } }'], ['dupe', '{ trace(messageId: "a") { step } trace(messageId: "b") { step } }'], ['fragcycle', 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }']] as const) {
    const res = await t.gql(token, q);
    const codes = (res.body.errors ?? []).map((e) => e.extensions?.code);
    console.log(codes.includes('INTERNAL_SERVER_ERROR') || res.status >= 500 ? '!!' : 'ok', n, res.status, JSON.stringify(res.body).slice(0, 300));
  }
});
