/**
 * Pipelines over whole days against a brute-force recount: seeded reports spread over six
 * days (some on a UTC midnight, the millisecond before one, or a zone's midnight) go through
 * the ingest API, and pipelines over ranges that hold whole days — midnight to midnight in UTC
 * and in zones whose days are not UTC days (Berlin, Kolkata at +05:30, New York), random
 * multi-day ranges, the week and two-week presets — must equal test/helpers/recount.ts. The
 * main differential test's data spans 30 hours; this one reaches the hour tiers' middle
 * across several days, with and without an event filter (steps_* and events_* tiers). It
 * was written for a day tier (tried and dropped: docs/performance.md, Round 2) and caught
 * an inclusive day end and a missing day branch there.
 */
import { planTiers } from '../../src/domain/tier-plan';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { Recount, type ApiPipeline, type Filter, type Range, type Rec } from '../helpers/recount';
import { mulberry32 } from '../helpers/seeded';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SEED = process.env.DIFF_SEED ? Number(process.env.DIFF_SEED) : 0xda7_2026;
const WS = 'ws_days';
const rnd = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const DESTS = {
  dst_c: { kind: 'classic' as const, sources: ['src_a', 'src_b'], mappings: [''] },
  dst_x: { kind: 'actions' as const, sources: ['src_a', 'src_c'], mappings: ['map_1', 'map_2'] },
};
const DEST_IDS = Object.keys(DESTS) as (keyof typeof DESTS)[];
const SOURCES = ['src_a', 'src_b', 'src_c'];
const NAMES = ['Order Completed', 'Signed Up', ''];
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York'];

const now = Date.now();
const START = now - 6 * DAY;
const END = now - 2 * MIN;

/** The zone's offset from UTC at instant `ms`, in ms (Intl; no zone table of our own). */
function offsetOf(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(ms / 1000) * 1000;
}
/** The instant of 00:00 in `zone` on the calendar date whose UTC midnight is `utcMidnight`. */
function zoneMidnight(zone: string, utcMidnight: number): number {
  let t = utcMidnight;
  for (let i = 0; i < 3; i++) t = utcMidnight - offsetOf(zone, t);
  return t;
}

function reportTime(): number {
  const t = START + Math.floor(rnd() * (END - START));
  const day = Math.floor(t / DAY) * DAY;
  const r = rnd();
  if (r < 0.05) return day; // a UTC midnight
  if (r < 0.1) return day - 1; // the last millisecond of a UTC day
  if (r < 0.15) return zoneMidnight(pick(ZONES), day); // a zone's midnight
  return t;
}

const records: Rec[] = [];
function generate(): void {
  for (let i = 0; i < 1500; i++) {
    const sourceId = pick(SOURCES);
    const base = {
      sourceId,
      destinationId: '',
      destinationKind: '' as const,
      mappingId: '',
      reason: '',
      eventType: 'track',
      eventName: pick(NAMES),
      appVersion: pick(['1.0', '2.0']),
      enriched: false,
    };
    const time = Math.max(START, Math.min(reportTime(), END));
    const n = int(1, 40);
    records.push({ ...base, time, step: 'received', count: n });
    if (rnd() < 0.2) records.push({ ...base, time, step: 'filtered_source', reason: 'schema_violation', count: int(1, n) });
    for (const d of DEST_IDS.filter((id) => DESTS[id].sources.includes(sourceId))) {
      const spec = DESTS[d];
      const step = pick(['delivered', 'delivered', 'failed_delivery', 'filtered_destination']);
      const reason = step === 'failed_delivery' ? pick(['429', 'ETIMEDOUT']) : step === 'filtered_destination' ? 'FILTERED_BY_RULES' : '';
      records.push({ ...base, time, destinationId: d, destinationKind: spec.kind, mappingId: pick(spec.mappings), step, reason, count: int(1, n) });
    }
  }
}

function wireOf(r: Rec): Record<string, unknown> {
  const w: Record<string, unknown> = {
    timestamp: new Date(r.time).toISOString(),
    sourceId: r.sourceId,
    step: r.step,
    count: r.count,
    eventType: r.eventType,
    appVersion: r.appVersion,
  };
  if (r.eventName !== '') w.eventName = r.eventName;
  if (r.destinationId !== '') Object.assign(w, { destinationId: r.destinationId, destinationKind: r.destinationKind });
  if (r.mappingId !== '') w.mappingId = r.mappingId;
  if (r.reason !== '') w.reason = r.reason;
  return w;
}

interface Case {
  range: Record<string, unknown>;
  dest: keyof typeof DESTS;
  mapping: string | null;
  filter: Filter | null;
}

/** Midnight to midnight in a zone, random multi-day ranges, and the long presets. */
function makeCase(i: number): Case {
  const dest = pick(DEST_IDS);
  const mapping = dest === 'dst_x' && rnd() < 0.3 ? pick(DESTS.dst_x.mappings) : null;
  const filter = rnd() < 0.3 ? { eventNames: [pick(NAMES)] } : null;
  const zone = pick(ZONES);
  const latest = Math.floor((now - 5 * MIN) / MIN) * MIN;
  let range: Record<string, unknown>;
  if (i % 3 === 0) {
    const lastDay = Math.floor(now / DAY) * DAY - int(0, 2) * DAY;
    const from = zoneMidnight(zone, lastDay - int(1, 3) * DAY);
    range = { from: new Date(from).toISOString(), to: new Date(Math.min(zoneMidnight(zone, lastDay), latest)).toISOString(), timeZone: zone };
  } else if (i % 3 === 1) {
    const from = Math.floor((START + rnd() * 3 * DAY) / MIN) * MIN;
    range = { from: new Date(from).toISOString(), to: new Date(Math.min(from + int(26 * 60, 4 * 24 * 60) * MIN, latest)).toISOString(), timeZone: zone };
  } else {
    range = { preset: pick(['LAST_7_DAYS', 'LAST_2_WEEKS', 'LAST_24_HOURS']), timeZone: zone, lookback: rnd() < 0.7 };
  }
  return { range, dest, mapping, filter };
}

let t: TestGateway;
let token: string;
let rc: Recount;

beforeAll(async () => {
  t = await startTestGateway('differential_days');
  token = await t.token(WS, ['read', 'ingest']);
  generate();
  rc = new Recount(records);
  for (let b = 0; b < records.length; b += 2000) {
    const batch = records.slice(b, b + 2000).map(wireOf);
    expect((await t.ingest(token, batch)).status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('differential: pipelines over whole days equal the recount', () => {
  it('matches for 60 seeded ranges spanning UTC and zone days, most of them with more than a day of whole hours', async () => {
    const mismatches: string[] = [];
    let longMiddles = 0;
    for (let i = 0; i < 60; i++) {
      const c = makeCase(i);
      const args = `range: $range, filter: $filter${c.mapping ? `, mappingId: ${JSON.stringify(c.mapping)}` : ''}`;
      const query = `query($range: TimeRangeInput!, $filter: EventFilter) { destination(id: ${JSON.stringify(c.dest)}) { pipeline(${args}) { from to previousFrom previousTo retryPending steps { kind count previousCount share } } } }`;
      const res = await t.gql<{ destination: { pipeline: ApiPipeline } }>(token, query, { range: c.range, filter: c.filter });
      if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
      const api = res.body.data!.destination.pipeline;
      const range: Range = {
        from: Date.parse(api.from),
        to: Date.parse(api.to),
        previousFrom: Date.parse(api.previousFrom),
        previousTo: Date.parse(api.previousTo),
      };
      const middle = planTiers(range.from, range.to).hours;
      if (middle !== null && middle.to - middle.from >= DAY && records.some((r) => r.time >= middle.from && r.time < middle.to)) longMiddles++;
      const exp = rc.pipeline(c.dest, range, c.mapping, c.filter);
      exp.steps.forEach((e, k) => {
        const a = api.steps[k];
        if (
          a?.kind !== e.kind ||
          a.count !== e.count ||
          a.previousCount !== e.previousCount ||
          (a.share === null) !== (e.share === null) ||
          Math.abs((a.share ?? 0) - (e.share ?? 0)) > 1e-9
        ) {
          mismatches.push(`case ${i} ${JSON.stringify(c)} [${api.from}, ${api.to}) ${e.kind}: api ${JSON.stringify(a)} recount ${JSON.stringify(e)}`);
        }
      });
    }
    expect(mismatches).toEqual([]);
    expect(longMiddles).toBeGreaterThanOrEqual(30);
  });
});
