/**
 * Free text round-trips byte-identically: reports whose text fields hold quotes,
 * backslashes, `{x:String}` templates, SQL, NUL and control characters, emoji, combining
 * marks and any other code point are ingested over HTTP and read back through every
 * GraphQL view that shows them (trace, breakdown with and without filters and reason,
 * discards and their samples, grouped timeseries), and must come back equal byte for
 * byte. Lone surrogates are refused at ingest (see ingest.test.ts); in a sample payload
 * they survive as JSON escapes.
 *
 *   npx jest test/fuzz/roundtrip.fuzz.test.ts      (FUZZ_SEED=<n> for another stream)
 */
import fc from 'fast-check';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { NASTY_FRAGMENTS, cutUnits, fcParams, hasLoneSurrogate, nastyText, preview, trackUnhandledRejections } from './fuzz-helpers';
import { setOwn, type Rec } from './ingest.bodies';

// About 10–15 s on an idle 2-core machine.
jest.setTimeout(300_000);

const MINUTE = 60_000;
const ROUND_TRIP_RUNS = Number(process.env.FUZZ_ROUND_TRIP_RUNS ?? 50); // × 1–4 records, one destination each
const RT_WS = 'ws_fuzz_roundtrip';

let t: TestGateway;
let rtToken: string;
let rejections: ReturnType<typeof trackUnhandledRejections>;

beforeAll(async () => {
  rejections = trackUnhandledRejections();
  t = await startTestGateway('roundtrip_fuzz', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' });
  rtToken = await t.token(RT_WS, ['ingest', 'read']);
});

afterAll(async () => {
  await t?.close();
  rejections?.stop();
});

/** Free text without lone surrogates: any code point, graphemes, quotes, backslashes, templates, SQL. */
const rtText = (max: number, min = 0) =>
  fc
    .oneof(
      { weight: 3, arbitrary: nastyText(max, { minUnits: min }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 60) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 30) }) },
      { weight: 1, arbitrary: fc.constantFrom(...NASTY_FRAGMENTS) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY_FRAGMENTS), fc.nat({ max: 300 })).map(([s, n]) => s.repeat(n)) },
    )
    .map((s) => cutUnits(s, max))
    .filter((s) => s.length >= min && !hasLoneSurrogate(s));

interface RtRecord {
  eventName: string;
  eventType: string;
  appVersion: string;
  reason: string;
  messageId: string;
  error: string;
  payloadText: string;
}

const rtRecord: fc.Arbitrary<RtRecord> = fc
  .record({
    eventName: rtText(256),
    eventType: rtText(64),
    appVersion: rtText(64),
    reason: rtText(128, 1),
    messageId: rtText(256, 1),
    error: rtText(2048, 1),
    inPayload: rtText(256),
  })
  .map(({ inPayload, ...r }) => {
    const payload: Rec = { s: inPayload, list: [inPayload, { s: inPayload }] };
    setOwn(payload, inPayload, inPayload);
    return { ...r, payloadText: JSON.stringify(payload) };
  });

const hex = (s: string | null | undefined) => (s === null || s === undefined ? String(s) : Buffer.from(s, 'utf8').toString('hex'));

/**
 * Compares what a view returned with what was sent, as multisets of tuples (records of
 * one run share a destination, so equal tuples merge into one row). Equal JS strings
 * without lone surrogates are equal UTF-8 bytes; the failure shows both in hex.
 */
function sameRows(view: string, got: unknown[][], want: unknown[][], recs: RtRecord[]): void {
  const key = (row: unknown[]) => JSON.stringify(row);
  const g = got.map(key).sort();
  const w = want.map(key).sort();
  if (JSON.stringify(g) === JSON.stringify(w)) return;
  const missing = w.filter((x) => !g.includes(x));
  const extra = g.filter((x) => !w.includes(x));
  const show = (rows: string[]) =>
    rows.map((r) => `${r}\n      utf8 ${(JSON.parse(r) as unknown[]).map((v) => (typeof v === 'string' ? hex(v) : String(v))).join(' | ')}`).join('\n    ');
  throw new Error(
    `${view} did not round-trip byte-identically\n  sent but not returned:\n    ${show(missing)}\n  returned but not sent:\n    ${show(extra)}\n  records ${preview(recs, 3000)}`,
  );
}

/** One GraphQL request per run reads every view the free text appears in. */
function rtQuery(messageIds: number, reasons: number): string {
  const vars = ['$d: ID!', '$r: TimeRangeInput!', '$en: [String!]', '$et: [String!]', '$av: [String!]'];
  const parts: string[] = [];
  for (let i = 0; i < messageIds; i++) {
    vars.push(`$m${i}: String!`);
    parts.push(`t${i}: trace(messageId: $m${i}) { step destinationId reason eventType eventName appVersion count }`);
  }
  const byReason: string[] = [];
  for (let i = 0; i < reasons; i++) {
    vars.push(`$reason${i}: String`);
    byReason.push(`r${i}: breakdown(step: FAILED_DELIVERY, reason: $reason${i}, range: $r) { eventType eventName appVersion count }`);
  }
  return `query RoundTrip(${vars.join(', ')}) {
    ${parts.join('\n    ')}
    destination(id: $d) {
      breakdown(step: FAILED_DELIVERY, range: $r) { eventType eventName appVersion count }
      ${byReason.join('\n      ')}
      filtered: breakdown(step: FAILED_DELIVERY, range: $r, filter: { eventNames: $en, eventTypes: $et, appVersions: $av }) { eventType eventName appVersion count }
      discards(step: FAILED_DELIVERY, range: $r) { reason { code unknown } count samples { messageId error payload eventType eventName appVersion } }
      timeseries(step: FAILED_DELIVERY, range: $r, granularity: HOUR, groupBy: [REASON, EVENT_NAME, EVENT_TYPE, APP_VERSION]) { reason eventName eventType appVersion total }
    }
  }`;
}

/** Groups tuples and sums the last element (a count), like a GROUP BY. */
function grouped(rows: unknown[][]): unknown[][] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(JSON.stringify(r.slice(0, -1)), (m.get(JSON.stringify(r.slice(0, -1))) ?? 0) + Number(r[r.length - 1]));
  return [...m].map(([k, n]) => [...(JSON.parse(k) as unknown[]), n]);
}

let rtCounter = 0;
const PER_RECORD = 3; // count of every round-trip report

describe('free text round-trips byte-identically (ingest → GraphQL)', () => {
  it('eventName, eventType, appVersion, reason, messageId, sample.error and sample.payload', async () => {
    const started = performance.now();
    let records = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rtRecord, { minLength: 1, maxLength: 4 }), async (recs) => {
        const dst = `dst_rt_${++rtCounter}`;
        const at = new Date(Date.now() - 10 * MINUTE).toISOString();
        const body = recs.map((r) => ({
          timestamp: at,
          sourceId: 'src_rt',
          destinationId: dst,
          destinationKind: 'classic',
          step: 'failed_delivery',
          reason: r.reason,
          eventType: r.eventType,
          eventName: r.eventName,
          appVersion: r.appVersion,
          messageId: r.messageId,
          count: PER_RECORD,
          sample: { payload: JSON.parse(r.payloadText), error: r.error },
        }));
        const ing = await t.ingest(rtToken, body);
        if (ing.status !== 200) throw new Error(`ingest answered ${ing.status} ${preview(ing.body)} for ${preview(body, 2000)}`);
        expect(ing.body).toMatchObject({ accepted: recs.length, events: PER_RECORD * recs.length, samples: recs.length });

        const reasons = [...new Set(recs.map((r) => r.reason))];
        const distinct = (f: (r: RtRecord) => string) => [...new Set(recs.map(f))];
        const vars: Record<string, unknown> = {
          d: dst,
          r: { preset: 'LAST_HOUR' },
          en: distinct((r) => r.eventName),
          et: distinct((r) => r.eventType),
          av: distinct((r) => r.appVersion),
        };
        recs.forEach((r, i) => (vars[`m${i}`] = r.messageId));
        reasons.forEach((reason, i) => (vars[`reason${i}`] = reason));
        const res = await t.gql<Record<string, any>>(rtToken, rtQuery(recs.length, reasons.length), vars);
        if (res.status !== 200 || res.body.errors) throw new Error(`GraphQL answered ${res.status} ${preview(res.body)}`);
        const data = res.body.data!;
        const d = data.destination;

        // trace(messageId): each message finds its own report(s) on this destination.
        recs.forEach((r, i) => {
          const entries = (data[`t${i}`] as Rec[]).filter((e) => e.destinationId === dst);
          const want = recs.filter((x) => x.messageId === r.messageId).map((x) => [x.reason, x.eventType, x.eventName, x.appVersion, PER_RECORD]);
          sameRows(
            `trace(messageId: ${preview(r.messageId, 80)})`,
            entries.map((e) => [e.reason, e.eventType, e.eventName, e.appVersion, e.count]),
            want,
            recs,
          );
        });
        const tuples = grouped(recs.map((r) => [r.eventType, r.eventName, r.appVersion, PER_RECORD]));
        const rows = (list: Rec[]) => list.map((x) => [x.eventType, x.eventName, x.appVersion, x.count]);
        sameRows('breakdown { eventType eventName appVersion }', rows(d.breakdown), tuples, recs);
        sameRows('breakdown(filter: the stored values)', rows(d.filtered), tuples, recs);
        reasons.forEach((reason, i) =>
          sameRows(
            `breakdown(reason: ${preview(reason, 80)})`,
            rows(d[`r${i}`]),
            grouped(recs.filter((r) => r.reason === reason).map((r) => [r.eventType, r.eventName, r.appVersion, PER_RECORD])),
            recs,
          ),
        );
        sameRows(
          'discards { reason { code } count }',
          (d.discards as Rec[]).map((x) => [(x.reason as Rec).code, (x.reason as Rec).unknown, x.count]),
          grouped(recs.map((r) => [r.reason, true, PER_RECORD])),
          recs,
        );
        sameRows(
          'discards { samples { messageId error payload eventType eventName appVersion } }',
          (d.discards as Rec[]).flatMap((x) =>
            (x.samples as Rec[]).map((s) => [(x.reason as Rec).code, s.messageId, s.error, s.payload, s.eventType, s.eventName, s.appVersion]),
          ),
          recs.map((r) => [r.reason, r.messageId, r.error, r.payloadText, r.eventType, r.eventName, r.appVersion]),
          recs,
        );
        sameRows(
          'timeseries(groupBy: [REASON, EVENT_NAME, EVENT_TYPE, APP_VERSION])',
          (d.timeseries as Rec[]).map((x) => [x.reason, x.eventName, x.eventType, x.appVersion, x.total]),
          grouped(recs.map((r) => [r.reason, r.eventName, r.eventType, r.appVersion, PER_RECORD])),
          recs,
        );
        records += recs.length;
      }),
      fcParams(2, ROUND_TRIP_RUNS),
    );

    console.log(`round trip: ${records} records in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${fcParams(2, 0).seed}`);
    expect(rejections.list).toEqual([]);
  });
});

describe('sample payloads', () => {
  it('sample.payload with lone surrogates is kept as JSON text that parses back to the same value', async () => {
    const dst = 'dst_lone_payload';
    const payload = { s: 'x\ud800y\udfffz', ['k\udbff']: ['\udc00'] };
    const res = await t.ingest(rtToken, [
      {
        timestamp: new Date(Date.now() - 10 * MINUTE).toISOString(),
        sourceId: 'src_lone',
        destinationId: dst,
        destinationKind: 'classic',
        step: 'failed_delivery',
        reason: 'lone',
        sample: { payload },
      },
    ]);
    expect(res.status).toBe(200);
    const q = await t.gql<Record<string, any>>(
      rtToken,
      `{ destination(id: "${dst}") { discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { samples { payload } } } }`,
    );
    const text = q.body.data!.destination.discards[0].samples[0].payload as string;
    expect(text).toBe(JSON.stringify(payload)); // JSON.stringify escapes lone surrogates as \udXXX
    expect(JSON.parse(text)).toEqual(payload);
  });
});
