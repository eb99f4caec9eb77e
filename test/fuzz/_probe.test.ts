import pino from 'pino';
import { Writable } from 'node:stream';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
let t: TestGateway; let token: string;
const logs: any[] = [];
beforeAll(async () => {
  const log = pino({ level: 'error' }, new Writable({ write(c, _e, cb) { logs.push(JSON.parse(c.toString())); cb(); } }));
  t = await startTestGateway('probe', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' }, { log: log as any }); token = await t.token('ws_p', ['ingest', 'read']); });
afterAll(async () => t.close());
it('probe', async () => {
  const show = (l: string, r: any) => console.log(l, r.status, JSON.stringify(r.body).slice(0, 300));
  const lastErr = () => { const l = logs.pop(); return l ? JSON.stringify(l.err ?? l).slice(0, 600) : 'none'; };
  const cases: Record<string, Record<string, unknown>> = {
    eventName: { eventName: 'a\ud800b' },
    eventType: { eventType: '\udfff' },
    messageId: { messageId: 'm\ud800' },
    reason: { reason: 'r\ud800' },
    sampleError: { sample: { error: 'e\ud800' } },
    samplePayload: { sample: { payload: { s: 'x\ud800y' } } },
    sampleKey: { sample: { payload: { ['k\ud800']: 1 } } },
    pairOK: { eventName: '😀', sample: { payload: { s: '😀' }, error: '😀' } },
  };
  let i = 0;
  for (const [name, o] of Object.entries(cases)) {
    const dst = `dst_ls_${i++}`;
    const r = await t.ingest(token, [report({ destinationId: dst, step: 'failed_delivery', reason: 'x', ...o })]);
    show(name, r); if (r.status >= 500) console.log(' cause', lastErr());
    const ev = await t.sql<any>(`SELECT hex(event_name) en, hex(event_type) et, hex(message_id) m, hex(reason) r FROM {{db}}.delivery_events WHERE destination_id='${dst}'`);
    const sm = await t.sql<any>(`SELECT hex(payload) p, hex(error) e FROM {{db}}.discard_samples WHERE destination_id='${dst}'`);
    console.log(' stored events', JSON.stringify(ev), 'samples', JSON.stringify(sm));
  }
  const deep = '['.repeat(200000) + ']'.repeat(200000);
  let r = await t.ingest(token, `[{"timestamp":"${new Date(Date.now()-600000).toISOString()}","sourceId":"s","destinationId":"dst_deep","destinationKind":"classic","step":"failed_delivery","reason":"x","sample":{"payload":${deep},"error":"e"}}]`);
  show('deep', r); console.log(' cause', lastErr());
  console.log(' stored events', JSON.stringify(await t.sql<any>(`SELECT count() n FROM {{db}}.delivery_events WHERE destination_id='dst_deep'`)));
  // how deep does it need to be?
  for (const d of [1000, 5000, 10000, 50000]) {
    const dd = '['.repeat(d) + ']'.repeat(d);
    r = await t.ingest(token, `[{"timestamp":"${new Date(Date.now()-600000).toISOString()}","sourceId":"s","destinationId":"dst_deep${d}","destinationKind":"classic","step":"failed_delivery","reason":"x","sample":{"payload":${dd}}}]`);
    show('deep' + d, r);
  }
  r = await t.ingest(token, [report({ destinationId: 'dst_trunc', step: 'failed_delivery', reason: 'x', sample: { payload: { s: 'a' + '😀'.repeat(5000) }, error: 'e' } })]);
  show('trunc', r); console.log(' cause', lastErr());
  console.log(' stored events', JSON.stringify(await t.sql<any>(`SELECT count() n FROM {{db}}.delivery_events WHERE destination_id='dst_trunc'`)));
  r = await t.ingest(token, [report({ destinationId: 'dst_trunc2', step: 'failed_delivery', reason: 'x', sample: { payload: { s: '😀'.repeat(5000) }, error: 'e' } })]);
  show('trunc2', r);
  const tr = await t.gql(token, `{ destination(id: "dst_trunc2") { discards(step: FAILED_DELIVERY, range: {preset: LAST_HOUR}) { samples { payload truncated } } } }`);
  const p = (tr.body as any).data?.destination?.discards?.[0]?.samples?.[0]?.payload as string;
  console.log('trunc2', JSON.stringify(tr.body.errors), p?.length, JSON.stringify(p?.slice(-6)), Buffer.byteLength(p ?? ''));
  const today = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  for (const ts of [`${today}T24:00:00Z`, `${today}T23:59:60Z`, `${today}T25:00:00Z`, `${today.slice(0,8)}00T10:00:00Z`, `${today}T10:00+0100`, `${today}T10:00:00.0000000001Z`]) {
    r = await t.ingest(token, [report({ timestamp: ts, messageId: 'ts-' + ts })]); show('ts ' + ts, r);
    if (r.status === 200) console.log(' stored', JSON.stringify(await t.sql<any>(`SELECT toString(time) t FROM {{db}}.delivery_events WHERE message_id={m:String}`, { m: 'ts-' + ts })));
  }
});
