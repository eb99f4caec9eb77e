/**
 * The correctness proof: thousands of seeded random reports go through the real
 * ingest API into embedded ClickHouse, and every number the GraphQL API answers
 * (pipeline steps, retry pending, shares, the three changes, breakdown rows,
 * discard rows) is compared with a brute-force recount of the same reports held
 * in memory (test/helpers/recount.ts).
 */
import { resolveTimeRange, type ResolvedRange, type TimeRangePreset } from '../../src/domain/time-range';
import { findDiscardReason, type DiscardStep } from '../../src/domain/discard-reasons';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { mulberry32 } from '../helpers/seeded';
import {
  DISCARD_BOXES,
  LAYOUT,
  matchesFilter,
  Recount,
  type ApiPipeline,
  type ChangeV,
  type Filter,
  type Kind,
  type Range,
  type Rec,
} from '../helpers/recount';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Override with DIFF_SEED=<n> to explore other data sets; every mismatch message is reproducible from the seed. */
const SEED = process.env.DIFF_SEED ? Number(process.env.DIFF_SEED) : 0x5eed_2026;
const CASES = 64;
const FLOWS = 900;
const WS = 'ws_diff';

// ── Seeded randomness (mulberry32) ──────────────────────────────────────────────

const rnd = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const chance = (p: number) => rnd() < p;
function subset<T>(xs: readonly T[], min: number, max: number): T[] {
  const pool = [...xs];
  const out: T[] = [];
  const n = int(min, Math.min(max, pool.length));
  while (out.length < n) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
  return out;
}

// ── The world ────────────────────────────────────────────────────────────────────

interface DestSpec {
  kind: Kind;
  mappings: string[];
  /** Sources whose events flow to this destination. */
  sources: string[];
}
const DESTS: Record<string, DestSpec> = {
  dst_classic_a: { kind: 'classic', mappings: [], sources: ['src_web', 'src_ios'] },
  // src_legacy reached this destination only more than 24 h ago: it stays connected (all time).
  dst_classic_b: { kind: 'classic', mappings: [], sources: ['src_server', 'src_legacy'] },
  dst_actions_a: { kind: 'actions', mappings: ['map_a1', 'map_a2', 'map_a3'], sources: ['src_web', 'src_android', 'src_server'] },
  dst_actions_b: { kind: 'actions', mappings: ['map_b1', 'map_b2'], sources: ['src_ios'] },
  dst_storage: { kind: 'storage', mappings: [], sources: ['src_web', 'src_android', 'src_server'] },
};
const DEST_IDS = Object.keys(DESTS);
// src_orphan never reaches a destination (never connected); src_retryonly reaches
// dst_classic_a only through retry_enqueued reports (connected through them).
const SOURCES = ['src_web', 'src_ios', 'src_android', 'src_server', 'src_legacy', 'src_orphan', 'src_retryonly'];
const SOURCE_WEIGHTS = [5, 3, 3, 3, 2, 1, 1];
function destsOf(source: string): string[] {
  if (source === 'src_retryonly') return ['dst_classic_a'];
  return DEST_IDS.filter((d) => DESTS[d].sources.includes(source));
}

const EVENT_TYPES = ['track', 'page', 'screen', 'identify', ''];
const EVENT_NAMES = ['Order Completed', 'Signed Up', 'Product Viewed', 'Cart Viewed', 'Ordér Paid', ''];
const APP_VERSIONS = ['1.0.0', '1.1.0', '2.0.0', '2.3.1', ''];
const REASONS: Record<string, string[]> = {
  // catalogue codes plus codes the catalogue does not know
  failed_ingest: ['id_required', 'event_not_defined', 'BAD_REQUEST', 'bad_request', 'MYSTERY_INGEST', 'weird-code.v2'],
  filtered_source: ['schema_violation', 'unplanned', 'legacy_block'],
  filtered_destination: ['FILTERED_BY_RULES', 'NO_MATCHING_MAPPING', 'FILTERED_BY_END_USER_CONSENT', 'SOMETHING_NEW'],
  failed_delivery: ['400', '429', 'ETIMEDOUT', 'etimedout', '503', 'E_WEIRD', '418'],
};
const DISCARD_STEP_OF_BOX: Record<string, DiscardStep> = {
  FAILED_ON_INGEST: 'failed_ingest',
  FILTERED_AT_SOURCE: 'filtered_source',
  FILTERED_AT_DESTINATION: 'filtered_destination',
  FAILED_DELIVERY: 'failed_delivery',
};

// ── Data generation ──────────────────────────────────────────────────────────────

const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, '0');
/** ISO-8601 of `ms` written in a fixed UTC offset (minutes east), e.g. 2026-11-25T17:37:00.123+05:30. */
function isoWithOffset(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0 && chance(0.5)) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * MIN).toISOString().slice(0, 23);
  const a = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${pad(a / 60)}:${pad(a % 60)}`;
}

interface Dims {
  eventType: string;
  eventName: string;
  appVersion: string;
  enriched: boolean;
}
/** Events that reached a destination's side but were not (yet) reported there. */
interface InFlight extends Dims {
  destinationId: string;
  count: number;
}

const genNow = Date.now();
const WINDOW_START = genNow - 30 * HOUR;
/** Newest report time: older than floor(now) at any later query, so lookback:false ranges see all of it. */
const WINDOW_END = genNow - 2 * MIN;

const records: Rec[] = [];
const wire: Record<string, unknown>[] = [];
const inFlight: InFlight[] = [];

function emit(rec: Rec, extra: Record<string, unknown> = {}): void {
  records.push(rec);
  const w: Record<string, unknown> = {
    timestamp: isoWithOffset(rec.time, pick([0, 0, 0, 0, 330, -240, 345, -570])),
    sourceId: rec.sourceId,
    step: rec.step,
    count: rec.count,
    ...extra,
  };
  if (rec.destinationId !== '') {
    w.destinationId = rec.destinationId;
    w.destinationKind = rec.destinationKind;
  }
  if (rec.mappingId !== '') w.mappingId = rec.mappingId;
  if (rec.reason !== '') w.reason = rec.reason;
  // Empty dimensions are sent as absent, null or "" at random: all mean "not reported".
  for (const k of ['eventType', 'eventName', 'appVersion'] as const) {
    if (rec[k] !== '') w[k] = rec[k];
    else if (chance(0.3)) w[k] = pick([null, '']);
  }
  if (rec.enriched) w.enriched = true;
  else if (chance(0.5)) w.enriched = false;
  if (chance(0.2)) w.messageId = `msg_${Math.floor(rnd() * 1e12).toString(36)}`;
  if (rec.step in REASONS && rec.destinationId !== '' && chance(0.03)) w.sample = { payload: { n: rec.count }, error: 'sampled' };
  wire.push(w);
}

function flowTime(): number {
  const t = WINDOW_START + Math.floor(rnd() * (WINDOW_END - 60_000 - WINDOW_START));
  const r = rnd();
  if (r < 0.04) return Math.ceil(t / HOUR) * HOUR; // exactly on an hour boundary
  if (r < 0.08) return Math.ceil(t / HOUR) * HOUR - 1; // the last millisecond of an hour
  if (r < 0.12) return Math.ceil(t / MIN) * MIN; // exactly on a minute boundary
  return t;
}

function generate(): void {
  const weighted = SOURCES.flatMap((s, i) => Array<string>(SOURCE_WEIGHTS[i]).fill(s));
  for (let i = 0; i < FLOWS; i++) {
    const sourceId = pick(weighted);
    const T = Math.min(flowTime(), WINDOW_END - 60_000);
    const dims: Dims = { eventType: pick(EVENT_TYPES), eventName: pick(EVENT_NAMES), appVersion: pick(APP_VERSIONS), enriched: chance(0.4) };
    const base = { sourceId, destinationId: '', destinationKind: '' as const, mappingId: '', reason: '', ...dims };
    const n = int(1, 50);
    emit({ ...base, time: T, step: 'received', count: n });
    const failedIngest = chance(0.15) ? int(1, n) : 0;
    if (failedIngest > 0) emit({ ...base, time: T + int(0, 5_000), step: 'failed_ingest', reason: pick(REASONS.failed_ingest), count: failedIngest });
    const filteredSource = n - failedIngest > 0 && chance(0.15) ? int(1, n - failedIngest) : 0;
    if (filteredSource > 0) emit({ ...base, time: T + int(0, 5_000), step: 'filtered_source', reason: pick(REASONS.filtered_source), count: filteredSource });
    const passed = n - failedIngest - filteredSource;

    for (const destinationId of destsOf(sourceId)) {
      const spec = DESTS[destinationId];
      const stuck = sourceId === 'src_retryonly' || (sourceId === 'src_legacy' && T > genNow - 24 * HOUR);
      if (stuck || passed === 0) {
        if (passed > 0) inFlight.push({ destinationId, count: passed, ...dims });
        continue;
      }
      let rest = passed;
      const take = (p: number) => {
        const c = chance(p) ? int(0, rest) : 0;
        rest -= c;
        return c;
      };
      const filteredDest = take(0.2);
      const failed = spec.kind === 'storage' ? 0 : take(0.25);
      const pending = take(0.1);
      const delivered = rest;
      if (pending > 0) inFlight.push({ destinationId, count: pending, ...dims });
      const destTime = () => Math.min(T + int(0, 600_000), WINDOW_END);
      const mapping = () => (spec.kind === 'actions' ? (chance(0.1) ? '' : pick(spec.mappings)) : '');
      const dest = { ...base, destinationId, destinationKind: spec.kind };
      const parts: [string, number][] = [
        ['filtered_destination', filteredDest],
        ['failed_delivery', failed],
        ['delivered', delivered],
      ];
      for (const [step, count] of parts) {
        if (count === 0) continue;
        // Sometimes split one outcome over two reports (two mappings, two reasons, two times).
        const split = count >= 2 && chance(0.25) ? int(1, count - 1) : count;
        for (const c of split === count ? [count] : [split, count - split]) {
          emit({ ...dest, time: destTime(), step, mappingId: mapping(), reason: step in REASONS ? pick(REASONS[step]) : '', count: c });
        }
      }
    }
  }

  // Retries: per destination and mapping, in time order, never resolving more than is pending.
  // Not on storage destinations: their failed loads are syncs, and ingest refuses retries there.
  for (const destinationId of DEST_IDS.filter((id) => DESTS[id].kind !== 'storage')) {
    const spec = DESTS[destinationId];
    for (const mappingId of spec.kind === 'actions' ? [...spec.mappings, ''] : ['']) {
      const times = Array.from({ length: int(8, 30) }, () => WINDOW_START + Math.floor(rnd() * (WINDOW_END - WINDOW_START))).sort((a, b) => a - b);
      let pending = 0;
      times.forEach((time, k) => {
        const retryOnly = destinationId === 'dst_classic_a' && (k === 0 || chance(0.2));
        const sourceId = retryOnly ? 'src_retryonly' : pick(spec.sources);
        const dims: Dims = { eventType: pick(EVENT_TYPES), eventName: pick(EVENT_NAMES), appVersion: pick(APP_VERSIONS), enriched: chance(0.4) };
        const base = { time, sourceId, destinationId, destinationKind: spec.kind, mappingId, ...dims };
        if (pending > 0 && !retryOnly && chance(0.45)) {
          const c = int(1, Math.min(pending, 50));
          pending -= c;
          emit({ ...base, step: 'retry_resolved', reason: '', count: c });
        } else {
          const c = int(1, 50);
          pending += c;
          emit({ ...base, step: 'retry_enqueued', reason: pick(['429', '503', 'ETIMEDOUT', '']), count: c });
        }
      });
    }
  }
}

// ── GraphQL ──────────────────────────────────────────────────────────────────────

const CHANGE = 'change { count relativePercent percentagePoints }';
const PIPELINE_FIELDS = `from to previousFrom previousTo retryPending steps { kind count previousCount share ${CHANGE} }`;
const BREAKDOWN_FIELDS = `eventType eventName appVersion count previousCount share ${CHANGE}`;
const DISCARD_FIELDS = `reason { code step unknown } count previousCount share ${CHANGE}`;

interface ApiBreakdownRow {
  eventType: string;
  eventName: string;
  appVersion: string;
  count: number;
  previousCount: number;
  share: number | null;
  change: ChangeV;
}
interface ApiDiscardRow {
  reason: { code: string; step: string; unknown: boolean };
  count: number;
  previousCount: number;
  share: number | null;
  change: ChangeV;
}

interface RangeInput {
  preset?: TimeRangePreset;
  from?: string;
  to?: string;
  timeZone?: string;
  lookback?: boolean;
}

const lit = (v: unknown) => JSON.stringify(v);

function rangeOf(p: ApiPipeline): Range {
  return { from: Date.parse(p.from), to: Date.parse(p.to), previousFrom: Date.parse(p.previousFrom), previousTo: Date.parse(p.previousTo) };
}
const sameRange = (a: Range, b: Range) => a.from === b.from && a.to === b.to && a.previousFrom === b.previousFrom && a.previousTo === b.previousTo;
const fmt = (r: Range) =>
  `[${new Date(r.from).toISOString()}, ${new Date(r.to).toISOString()}) prev [${new Date(r.previousFrom).toISOString()}, ${new Date(r.previousTo).toISOString()})`;

function resolveLocally(input: RangeInput, now: number): ResolvedRange {
  return resolveTimeRange(
    {
      preset: input.preset ?? null,
      from: input.from ? new Date(input.from) : null,
      to: input.to ? new Date(input.to) : null,
      timeZone: input.timeZone ?? null,
      lookback: input.lookback ?? null,
    },
    now,
  );
}

// ── Comparison ───────────────────────────────────────────────────────────────────

/** Every mismatch, with enough context to reproduce it. */
const mismatches: string[] = [];

function sameNumber(api: number | null | undefined, exp: number | null): boolean {
  if (exp === null) return api === null;
  if (api === null || api === undefined) return false;
  return Math.abs(api - exp) < 5e-10; // toBeCloseTo(exp, 9)
}
function compareValue(where: string, field: string, api: number | null | undefined, exp: number | null, exact: boolean): void {
  const ok = exact ? api === exp : sameNumber(api, exp);
  if (!ok) mismatches.push(`${where}: ${field} api=${String(api)} recount=${String(exp)}`);
}
function compareChange(where: string, api: ChangeV, exp: ChangeV): void {
  compareValue(where, 'change.count', api?.count, exp.count, true);
  compareValue(where, 'change.relativePercent', api?.relativePercent, exp.relativePercent, false);
  compareValue(where, 'change.percentagePoints', api?.percentagePoints, exp.percentagePoints, false);
}

function comparePipeline(
  where: string,
  api: ApiPipeline,
  rc: Recount,
  destinationId: string,
  range: Range,
  mapping: string | null,
  filter: Filter | null,
): void {
  const exp = rc.pipeline(destinationId, range, mapping, filter);
  compareValue(where, 'retryPending', api.retryPending, exp.retryPending, true);
  const kinds = api.steps.map((s) => s.kind).join(',');
  const expKinds = exp.steps.map((s) => s.kind).join(',');
  if (kinds !== expKinds) {
    mismatches.push(`${where}: step kinds api=${kinds} recount=${expKinds}`);
    return;
  }
  exp.steps.forEach((e, i) => {
    const a = api.steps[i];
    const w = `${where} ${e.kind}`;
    compareValue(w, 'count', a.count, e.count, true);
    compareValue(w, 'previousCount', a.previousCount, e.previousCount, true);
    compareValue(w, 'share', a.share, e.share, false);
    compareChange(w, a.change, e.change);
  });
}

function compareRows<A, E>(where: string, api: A[], exp: E[], keyA: (a: A) => string, keyE: (e: E) => string, each: (w: string, a: A, e: E) => void): void {
  const ak = api.map(keyA);
  const ek = exp.map(keyE);
  if (ak.join('\n') !== ek.join('\n')) {
    const missing = ek.filter((k) => !ak.includes(k));
    const extra = ak.filter((k) => !ek.includes(k));
    mismatches.push(
      `${where}: rows differ (api ${ak.length}, recount ${ek.length}); missing=${JSON.stringify(missing.slice(0, 5))} extra=${JSON.stringify(extra.slice(0, 5))}; first api=${JSON.stringify(ak.slice(0, 4))} first recount=${JSON.stringify(ek.slice(0, 4))}`,
    );
    return;
  }
  exp.forEach((e, i) => each(`${where} row ${ek[i]}`, api[i], e));
}

// ── Setup ────────────────────────────────────────────────────────────────────────

let t: TestGateway;
let token: string;
let rc: Recount;

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(token, query, variables);
  if (res.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}\n${query}`);
  return res.body.data as T;
}

beforeAll(async () => {
  t = await startTestGateway('differential', { QUERY_MAX_COST: '100000000', QUERY_MAX_ALIASES: '1000' });
  token = await t.token(WS, ['read', 'ingest']);
  generate();
  rc = new Recount(records);

  // Several batches, alternating JSON arrays and NDJSON.
  const BATCHES = 5;
  const size = Math.ceil(wire.length / BATCHES);
  for (let b = 0; b < BATCHES; b++) {
    const batch = wire.slice(b * size, (b + 1) * size);
    const ndjson = b % 2 === 1;
    const res = await t.ingest(token, ndjson ? batch.map((r) => JSON.stringify(r)).join('\n') + '\n' : batch, {
      contentType: ndjson ? 'application/x-ndjson' : 'application/json',
    });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { accepted: batch.length } });
    expect(res.body.events).toBe(batch.reduce((s, r) => s + (r.count as number), 0));
  }

  // Noise in another workspace with the same ids: must never show up in ws_diff.
  const noiseToken = await t.token('ws_noise', ['ingest']);
  const noise = wire.slice(0, 300).map((r) => ({ ...r, count: 1_000 }));
  expect((await t.ingest(noiseToken, noise)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

// ── Tests ────────────────────────────────────────────────────────────────────────

describe('generated data', () => {
  it('is large, varied, and conserves events in the recount (in flight = remainder ≥ 0)', () => {
    expect(records.length).toBeGreaterThan(3000);
    const steps = new Set(records.map((r) => r.step));
    expect([...steps].sort()).toEqual([
      'delivered',
      'failed_delivery',
      'failed_ingest',
      'filtered_destination',
      'filtered_source',
      'received',
      'retry_enqueued',
      'retry_resolved',
    ]);
    expect(rc.connected.get('dst_classic_a')).toEqual(new Set(['src_web', 'src_ios', 'src_retryonly']));
    expect(rc.connected.get('dst_classic_b')).toEqual(new Set(['src_server', 'src_legacy']));
    // The recount itself satisfies the identity, with the in-flight events the generator kept back.
    const all: Range = { from: WINDOW_START - HOUR, to: genNow, previousFrom: WINDOW_START - 2 * HOUR, previousTo: WINDOW_START - HOUR };
    for (const d of DEST_IDS) {
      const c = (step: string) => rc.stepCount(d, step, all, null, null).now;
      const remainder = c('received') - c('failed_ingest') - c('filtered_source') - c('filtered_destination') - c('failed_delivery') - c('delivered');
      expect(remainder).toBe(inFlight.filter((f) => f.destinationId === d).reduce((s, f) => s + f.count, 0));
      expect(remainder).toBeGreaterThanOrEqual(0);
    }
    // Retry gauges never go negative.
    for (const d of DEST_IDS) for (const m of [null, ...DESTS[d].mappings]) expect(rc.retryPending(d, m)).toBeGreaterThanOrEqual(0);
  });
});

interface Case {
  id: number;
  dest: string;
  range: RangeInput;
  mapping: string | null;
  filter: Filter | null;
  breakdownReason: { box: string; reason: string };
  smallFirst: { box: string; first: number };
}

function randomRange(): RangeInput {
  const timeZone = pick([undefined, undefined, 'UTC', 'America/New_York', 'Asia/Kolkata']);
  const lookback = pick([undefined, true, false]);
  const base: RangeInput = {};
  if (timeZone) base.timeZone = timeZone;
  if (lookback !== undefined) base.lookback = lookback;
  if (chance(0.35)) {
    const preset = (chance(0.1) ? pick(['LAST_7_DAYS', 'LAST_2_WEEKS']) : pick(['LAST_10_MINUTES', 'LAST_HOUR', 'LAST_24_HOURS'])) as TimeRangePreset;
    return { ...base, preset };
  }
  const align = rnd();
  const snap = (ms: number) => (align < 0.2 ? Math.floor(ms / HOUR) * HOUR : align < 0.5 ? Math.floor(ms / MIN) * MIN : ms);
  const latestFrom = genNow - 10 * MIN;
  const from = Math.max(snap(WINDOW_START + Math.floor(rnd() * (latestFrom - WINDOW_START))), WINDOW_START - HOUR);
  const scale = pick([20 * MIN, 3 * HOUR, 12 * HOUR, 30 * HOUR]);
  let to = snap(from + 2 * MIN + Math.floor(rnd() * scale));
  if (to <= from + MIN) to = from + HOUR;
  to = Math.min(to, Date.now() + 30_000); // never more than the allowed minute of clock skew ahead
  return { ...base, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function randomFilter(): Filter | null {
  if (chance(0.45)) return null;
  const f: Filter = {};
  if (chance(0.45)) f.eventTypes = subset([...EVENT_TYPES, 'alias'], 1, 3);
  if (chance(0.45)) f.eventNames = subset([...EVENT_NAMES, 'Nope'], 1, 3);
  if (chance(0.4)) f.appVersions = subset([...APP_VERSIONS, '9.9.9'], 1, 3);
  if (chance(0.3)) f.enriched = chance(0.5);
  return f;
}

function makeCase(id: number): Case {
  const dest = DEST_IDS[id % DEST_IDS.length];
  const spec = DESTS[dest];
  const boxes = LAYOUT[spec.kind].filter(([, s]) => s !== null).map(([k]) => k);
  const discardBoxes = boxes.filter((b) => DISCARD_BOXES.includes(b));
  const reasonBox = pick(discardBoxes);
  return {
    id,
    dest,
    range: randomRange(),
    mapping: spec.kind === 'actions' && chance(0.5) ? pick(spec.mappings) : null,
    filter: randomFilter(),
    breakdownReason: { box: reasonBox, reason: pick([...REASONS[DISCARD_STEP_OF_BOX[reasonBox]], 'NOT_REPORTED']) },
    smallFirst: { box: pick(boxes), first: int(1, 4) },
  };
}

/** One request per case: every destination's pipeline, and the breakdown and discard tables of the case's destination. */
function caseQuery(c: Case): string {
  const kind = DESTS[c.dest].kind;
  const boxes = LAYOUT[kind].filter(([, s]) => s !== null).map(([k]) => k);
  const args = (dest: string) => `range: $range, filter: $filter${dest === c.dest && c.mapping ? `, mappingId: ${lit(c.mapping)}` : ''}`;
  const parts = DEST_IDS.map((d) => `p_${d}: destination(id: ${lit(d)}) { pipeline(${args(d)}) { ${PIPELINE_FIELDS} } }`);
  const tables = [
    ...boxes.map((b) => `b_${b}: breakdown(step: ${b}, ${args(c.dest)}, first: 1000) { ${BREAKDOWN_FIELDS} }`),
    `b_reason: breakdown(step: ${c.breakdownReason.box}, reason: ${lit(c.breakdownReason.reason)}, ${args(c.dest)}, first: 1000) { ${BREAKDOWN_FIELDS} }`,
    `b_small: breakdown(step: ${c.smallFirst.box}, ${args(c.dest)}, first: ${c.smallFirst.first}) { ${BREAKDOWN_FIELDS} }`,
    ...boxes.filter((b) => DISCARD_BOXES.includes(b)).map((b) => `x_${b}: discards(step: ${b}, ${args(c.dest)}) { ${DISCARD_FIELDS} }`),
  ];
  parts.push(`main: destination(id: ${lit(c.dest)}) { ${tables.join('\n')} }`);
  return `query($range: TimeRangeInput!, $filter: EventFilter) {\n${parts.join('\n')}\n}`;
}

function describeCase(c: Case): string {
  return `case ${c.id} dest=${c.dest} range=${JSON.stringify(c.range)} mapping=${c.mapping} filter=${JSON.stringify(c.filter)}`;
}

type CaseData = Record<string, { pipeline: ApiPipeline }> & { main: Record<string, ApiBreakdownRow[] | ApiDiscardRow[]> };

/** Runs the query; asserts the server's range is what resolveTimeRange gives for the clock around the request. */
async function runWithRange(c: Case): Promise<{ data: CaseData; range: Range }> {
  const query = caseQuery(c);
  for (let attempt = 0; ; attempt++) {
    const before = Date.now();
    const data = await gql<CaseData>(query, { range: c.range, filter: c.filter });
    const after = Date.now();
    const expBefore = resolveLocally(c.range, before);
    const expAfter = resolveLocally(c.range, after);
    if (!sameRange(expBefore, expAfter) && attempt < 2) continue; // the minute ticked during the request: ask again
    const ranges = DEST_IDS.map((d) => rangeOf(data[`p_${d}`].pipeline));
    for (const r of ranges) {
      if (!sameRange(r, expBefore) && !sameRange(r, expAfter)) {
        mismatches.push(`${describeCase(c)}: server range ${fmt(r)} is not resolveTimeRange's ${fmt(expBefore)}`);
      }
    }
    return { data, range: ranges[0] };
  }
}

describe('differential: GraphQL answers equal the brute-force recount', () => {
  afterEach(() => {
    // Report every mismatch of the test at once (they are the valuable output).
    const found = mismatches.splice(0);
    expect(found).toEqual([]);
  });

  it(`matches for ${CASES} seeded random cases (pipeline of every destination, breakdown and discard tables)`, async () => {
    let rows = 0;
    for (let i = 0; i < CASES; i++) {
      const c = makeCase(i);
      const where = describeCase(c);
      const { data, range } = await runWithRange(c);
      for (const d of DEST_IDS) {
        const mapping = d === c.dest ? c.mapping : null;
        const p = data[`p_${d}`].pipeline;
        comparePipeline(`${where} | pipeline ${d}${mapping ? `/${mapping}` : ''}`, p, rc, d, rangeOf(p), mapping, c.filter);
      }
      const kind = DESTS[c.dest].kind;
      const boxes = LAYOUT[kind].filter(([, s]) => s !== null).map(([k]) => k);
      const bdKey = (r: { eventType: string; eventName: string; appVersion: string }) => JSON.stringify([r.eventType, r.eventName, r.appVersion]);
      const eachBd = (w: string, a: ApiBreakdownRow, e: ReturnType<Recount['breakdown']>[number]) => {
        compareValue(w, 'count', a.count, e.count, true);
        compareValue(w, 'previousCount', a.previousCount, e.previousCount, true);
        compareValue(w, 'share', a.share, e.share, false);
        compareChange(w, a.change, e.change);
      };
      const bd = (alias: string, box: string, reason: string | null, first: number) => {
        const api = data.main[alias] as ApiBreakdownRow[];
        const exp = rc.breakdown(c.dest, box, range, c.mapping, c.filter, reason, first);
        rows += exp.length;
        compareRows(`${where} | breakdown ${box}${reason ? ` reason=${reason}` : ''} first=${first}`, api, exp, bdKey, bdKey, eachBd);
      };
      for (const b of boxes) bd(`b_${b}`, b, null, 1000);
      bd('b_reason', c.breakdownReason.box, c.breakdownReason.reason, 1000);
      bd('b_small', c.smallFirst.box, null, c.smallFirst.first);
      for (const b of boxes.filter((x) => DISCARD_BOXES.includes(x))) {
        const api = data.main[`x_${b}`] as ApiDiscardRow[];
        const exp = rc.discards(c.dest, b, range, c.mapping, c.filter);
        rows += exp.length;
        compareRows(
          `${where} | discards ${b}`,
          api,
          exp,
          (a) => a.reason.code,
          (e) => e.code,
          (w, a, e) => {
            compareValue(w, 'count', a.count, e.count, true);
            compareValue(w, 'previousCount', a.previousCount, e.previousCount, true);
            compareValue(w, 'share', a.share, e.share, false);
            compareChange(w, a.change, e.change);
            if (a.reason.step !== b) mismatches.push(`${w}: reason.step ${a.reason.step}`);
            const known = findDiscardReason(DISCARD_STEP_OF_BOX[b], e.code) !== undefined;
            if (a.reason.unknown !== !known) mismatches.push(`${w}: reason.unknown ${a.reason.unknown}, catalogue says known=${known}`);
          },
        );
      }
    }
    // The cases must actually compare something.
    expect(rows).toBeGreaterThan(CASES * 5);
  }, 90_000);

  it('conserves events per destination over the whole data window, with and without a filter', async () => {
    // lookback: false, from before the first report to now: every report is inside.
    const range = { from: new Date(WINDOW_START - HOUR).toISOString(), to: new Date(Date.now()).toISOString(), lookback: false };
    const filters: (Filter | null)[] = [
      null,
      { eventTypes: ['track', ''] },
      { eventNames: ['Signed Up'], enriched: true },
      { appVersions: ['2.3.1', '1.0.0'], eventTypes: ['page'] },
    ];
    for (const filter of filters) {
      const q = `query($range: TimeRangeInput!, $filter: EventFilter) { ${DEST_IDS.map((d) => `p_${d}: destination(id: ${lit(d)}) { pipeline(range: $range, filter: $filter) { ${PIPELINE_FIELDS} } }`).join('\n')} }`;
      const data = await gql<Record<string, { pipeline: ApiPipeline }>>(q, { range, filter });
      for (const d of DEST_IDS) {
        const p = data[`p_${d}`].pipeline;
        const where = `conservation ${d} filter=${JSON.stringify(filter)}`;
        if (Date.parse(p.from) > WINDOW_START || Date.parse(p.to) <= WINDOW_END)
          mismatches.push(`${where}: range ${p.from}..${p.to} does not cover the data window`);
        comparePipeline(where, p, rc, d, rangeOf(p), null, filter);
        const c = (k: string) => p.steps.find((s) => s.kind === k)?.count ?? 0;
        const delivered = DESTS[d].kind === 'storage' ? c('EVENTS_TO_WAREHOUSE_ROWS') : c('SUCCESSFUL_DELIVERY');
        const remainder =
          c('SUCCESSFULLY_RECEIVED') - c('FAILED_ON_INGEST') - c('FILTERED_AT_SOURCE') - c('FILTERED_AT_DESTINATION') - c('FAILED_DELIVERY') - delivered;
        const expected = inFlight.filter((f) => f.destinationId === d && matchesFilter(f, filter)).reduce((s, f) => s + f.count, 0);
        if (remainder !== expected)
          mismatches.push(
            `${where}: received − failed on ingest − filtered at source − (filtered at destination + failed delivery + delivered) = ${remainder}, in flight = ${expected}`,
          );
      }
    }
  });

  it('gives the same counts from both aggregate tiers: a ragged range equals the sum of its hour-split parts', async () => {
    const H = Math.floor(genNow / HOUR) * HOUR;
    // [H−21h+17m+23.456s, H−3h+41m+5.5s): head and tail minutes around 17 whole hours.
    const from = H - 21 * HOUR + 17 * MIN + 23_456;
    const to = H - 3 * HOUR + 41 * MIN + 5_500;
    const h1 = Math.ceil(from / HOUR) * HOUR;
    const hLast = Math.floor(to / HOUR) * HOUR;
    const parts: [number, number][] = [
      [from, h1], // minutes only (inside one hour)
      [h1, h1 + HOUR], // exactly one whole hour: hours only
      [h1 + HOUR, hLast], // many whole hours: hours only
      [hLast, to], // minutes only
    ];
    const iso = (ms: number) => new Date(ms).toISOString();
    const ranges = [[from, to], ...parts].map(([f, tt]) => ({ from: iso(f), to: iso(tt), lookback: false }));
    const perMapping: [string, string | null][] = DEST_IDS.map((d) => [d, null]);
    perMapping.push(['dst_actions_a', 'map_a2'], ['dst_actions_b', 'map_b1']);
    const q = `query { ${ranges
      .flatMap((r, ri) =>
        perMapping.map(
          ([d, m], di) =>
            `r${ri}_${di}: destination(id: ${lit(d)}) { pipeline(range: { from: ${lit(r.from)}, to: ${lit(r.to)}, lookback: false }${m ? `, mappingId: ${lit(m)}` : ''}) { ${PIPELINE_FIELDS} } }`,
        ),
      )
      .join('\n')} }`;
    const data = await gql<Record<string, { pipeline: ApiPipeline }>>(q);
    perMapping.forEach(([d, m], di) => {
      const whole = data[`r0_${di}`].pipeline;
      const where = `tiers ${d}${m ? `/${m}` : ''}`;
      comparePipeline(`${where} whole ${fmt(rangeOf(whole))}`, whole, rc, d, rangeOf(whole), m, null);
      const sums = new Map<string, number>();
      parts.forEach((_, pi) => {
        const p = data[`r${pi + 1}_${di}`].pipeline;
        comparePipeline(`${where} part ${fmt(rangeOf(p))}`, p, rc, d, rangeOf(p), m, null);
        for (const s of p.steps) if (s.kind !== 'RETRY_PENDING') sums.set(s.kind, (sums.get(s.kind) ?? 0) + s.count);
      });
      for (const s of whole.steps) {
        if (s.kind === 'RETRY_PENDING') continue;
        if (sums.get(s.kind) !== s.count) mismatches.push(`${where} ${s.kind}: whole ${s.count} ≠ sum of parts ${sums.get(s.kind)}`);
      }
    });
    // The data does hit every part, so the check is not vacuous.
    for (const [f, tt] of parts) expect(records.some((r) => r.time >= Math.floor(f / MIN) * MIN && r.time < Math.floor(tt / MIN) * MIN)).toBe(true);
  });

  it('gives identical counts in every time zone (the zone moves buckets, not instants)', async () => {
    const H = Math.floor(genNow / HOUR) * HOUR;
    const custom = { from: new Date(H - 19 * HOUR + 7 * MIN + 31_000).toISOString(), to: new Date(H - 2 * HOUR + 53 * MIN).toISOString() };
    for (const range of [custom, { preset: 'LAST_24_HOURS', lookback: false }, { preset: 'LAST_HOUR' }] as RangeInput[]) {
      const zones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu'];
      for (let attempt = 0; ; attempt++) {
        const before = Date.now();
        const q = `query { ${zones
          .flatMap((z, zi) =>
            DEST_IDS.map((d) => {
              const r = Object.entries({ ...range, timeZone: z })
                .map(([k, v]) => `${k}: ${k === 'preset' ? v : lit(v)}`)
                .join(', ');
              return `z${zi}_${d}: destination(id: ${lit(d)}) { pipeline(range: { ${r} }) { ${PIPELINE_FIELDS} } }`;
            }),
          )
          .join('\n')} }`;
        const data = await gql<Record<string, { pipeline: ApiPipeline }>>(q);
        if (Math.floor(Date.now() / MIN) !== Math.floor(before / MIN) && attempt < 2) continue;
        for (const d of DEST_IDS) {
          const utc = data[`z0_${d}`].pipeline;
          comparePipeline(`zones ${d} ${JSON.stringify(range)} UTC`, utc, rc, d, rangeOf(utc), null, null);
          zones.forEach((z, zi) => {
            if (zi === 0) return;
            const other = data[`z${zi}_${d}`].pipeline;
            const same = JSON.stringify(other) === JSON.stringify(utc);
            if (!same)
              mismatches.push(
                `zones ${d} ${JSON.stringify(range)}: ${z} answer differs from UTC: ${JSON.stringify(other).slice(0, 300)} vs ${JSON.stringify(utc).slice(0, 300)}`,
              );
          });
        }
        break;
      }
    }
  });

  it('sees only its own workspace (same ids ingested elsewhere do not count)', async () => {
    const data = await gql<Record<string, { pipeline: ApiPipeline }>>(
      `query { ${DEST_IDS.map((d) => `p_${d}: destination(id: ${lit(d)}) { pipeline(range: { preset: LAST_2_WEEKS, lookback: false }) { ${PIPELINE_FIELDS} } }`).join('\n')} }`,
    );
    for (const d of DEST_IDS) comparePipeline(`workspace ${d}`, data[`p_${d}`].pipeline, rc, d, rangeOf(data[`p_${d}`].pipeline), null, null);
  });
});
