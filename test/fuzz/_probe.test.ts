import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
let t: TestGateway; let token: string;
const rejections: unknown[] = [];
process.on('unhandledRejection', (e) => rejections.push(e));
beforeAll(async () => { t = await startTestGateway('probe', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' }); token = await t.token('ws_p', ['ingest', 'read']); });
afterAll(async () => t.close());
it('probe', async () => {
  const show = (l: string, r: any) => console.log(l, r.status, JSON.stringify(r.body).slice(0, 400));
  // lone surrogate
  let r = await t.ingest(token, [report({ destinationId: 'dst_ls', eventName: 'a\ud800b', messageId: 'm-ls-\udc00', step: 'failed_delivery', reason: 'r\ud800', sample: { payload: { s: 'x\ud800y' }, error: 'e\udfff' } })]);
  show('lone', r);
  const g = await t.gql(token, `{ trace(messageId: "m-ls-\\udc00") { eventName reason } destination(id: "dst_ls") { breakdown(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}) { eventName } discards(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}) { reason { code } samples { payload error messageId eventName } } } }`);
  console.log('lone readback', JSON.stringify(g.body));
  const rows = await t.sql<any>("SELECT hex(event_name) h, hex(message_id) m, hex(reason) r FROM {{db}}.delivery_events WHERE destination_id='dst_ls'");
  console.log('hex', JSON.stringify(rows));
  const srows = await t.sql<any>("SELECT hex(payload) p, hex(error) e FROM {{db}}.discard_samples WHERE destination_id='dst_ls'");
  console.log('hex samples', JSON.stringify(srows));
  // deep nesting payload
  const deep = '['.repeat(200000) + ']'.repeat(200000);
  const body = `[{"timestamp":"${new Date(Date.now()-600000).toISOString()}","sourceId":"s","destinationId":"dst_deep","destinationKind":"classic","step":"failed_delivery","reason":"x","sample":{"payload":${deep},"error":"e"}}]`;
  let t0 = Date.now();
  r = await t.ingest(token, body); show('deep', r); console.log('ms', Date.now()-t0);
  const deepObj = '{"a":'.repeat(200000) + '1' + '}'.repeat(200000);
  r = await t.ingest(token, `[{"timestamp":"${new Date(Date.now()-600000).toISOString()}","sourceId":"s","destinationId":"dst_deep","destinationKind":"classic","step":"failed_delivery","reason":"x","sample":{"payload":${deepObj},"error":"e"}}]`); show('deepobj', r);
  // deep array as a record itself
  r = await t.ingest(token, '[' + deep + ']'); show('deeprecord', r);
  // truncation splitting surrogate pair
  r = await t.ingest(token, [report({ destinationId: 'dst_trunc', step: 'failed_delivery', reason: 'x', sample: { payload: { s: 'a' + '😀'.repeat(5000) }, error: 'e' } })]);
  show('trunc', r);
  const tr = await t.gql(token, `{ destination(id: "dst_trunc") { discards(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}) { samples { payload truncated } } } }`);
  const p = (tr.body as any).data?.destination?.discards?.[0]?.samples?.[0]?.payload as string;
  console.log('trunc', tr.status, JSON.stringify(tr.body.errors), p?.length, JSON.stringify(p?.slice(-6)), Buffer.byteLength(p ?? ''));
  const trows = await t.sql<any>("SELECT length(payload) n, hex(substring(payload, length(payload)-7)) tail FROM {{db}}.discard_samples WHERE destination_id='dst_trunc'");
  console.log('trunc raw', JSON.stringify(trows));
  // timing
  t0 = Date.now();
  for (let i = 0; i < 50; i++) await t.ingest(token, [report()]);
  console.log('50 valid seq ms', Date.now()-t0);
  t0 = Date.now();
  await Promise.all(Array.from({length: 50}, () => t.ingest(token, [report()])));
  console.log('50 valid par ms', Date.now()-t0);
  t0 = Date.now();
  for (let i = 0; i < 200; i++) await t.ingest(token, [report({count: 0})]);
  console.log('200 invalid seq ms', Date.now()-t0);
  // weird timestamps
  for (const ts of ['2026-02-30T10:00:00Z', new Date(Date.now()-600000).toISOString().replace('Z','+0000'), new Date(Date.now()-600000).toISOString().replace(/\.\d+Z/, '.123456789Z'), '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-13-45T99:99:99+99:99']) {
    r = await t.ingest(token, [report({ timestamp: ts })]); show('ts ' + ts, r);
  }
  console.log('rejections', rejections);
  expect((await fetch(t.url + '/healthz')).status).toBe(200);
});
