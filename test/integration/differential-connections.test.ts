/**
 * The correctness proof for the two connection kinds: seeded random Reverse ETL sync runs and
 * audience syncs go through the real ingest API into embedded ClickHouse, and every number the
 * GraphQL API answers for them (pipeline steps, retry pending, shares, changes, breakdowns by
 * operation, mapping and audience, discard rows, sync runs) equals a brute-force recount of the
 * same reports (test/helpers/recount.ts and recount-connections.ts). Events are conserved per
 * kind: Records extracted − Failed to extract, and Membership changes computed, each equal what
 * was filtered, failed, delivered or is still in flight.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { mulberry32 } from '../helpers/seeded';
import { DISCARD_BOXES, LAYOUT, type ApiPipeline, type ChangeV, type Kind, type Range, type Rec } from '../helpers/recount';
import { ConnectionRecount, type GroupDim, type GroupedV, type RunV } from '../helpers/recount-connections';

const MIN = 60_000;
const HOUR = 60 * MIN;
const SEED = process.env.DIFF_SEED ? Number(process.env.DIFF_SEED) : 0x0c0_2026;
const CASES = 40;
const WS = 'ws_diff_conn';

const rnd = mulberry32(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const chance = (p: number) => rnd() < p;

// ── The world ────────────────────────────────────────────────────────────────────

interface DestSpec {
  kind: Extract<Kind, 'retl' | 'audience'>;
  source: string;
  mappings: string[];
  audiences: [string, string][];
}
const DESTS: Record<string, DestSpec> = {
  dst_retl_a: { kind: 'retl', source: 'src_warehouse', mappings: ['map_r1', 'map_r2', 'map_r3'], audiences: [] },
  dst_retl_b: { kind: 'retl', source: 'src_warehouse', mappings: ['map_r4'], audiences: [] },
  dst_aud_a: {
    kind: 'audience',
    source: 'src_space_one',
    mappings: [],
    audiences: [
      ['aud_buyers', 'spa_one'],
      ['aud_churn', 'spa_one'],
      ['aud_vip', 'spa_two'],
    ],
  },
  dst_aud_b: { kind: 'audience', source: 'src_space_one', mappings: [], audiences: [['aud_buyers', 'spa_one']] },
};
const DEST_IDS = Object.keys(DESTS);
const REASONS: Record<string, string[]> = {
  failed_extract: ['PRIMARY_KEY_MISSING', 'DUPLICATE_PRIMARY_KEY', 'QUERY_FAILED', 'MYSTERY_EXTRACT'],
  filtered_retl: ['MAPPING_DISABLED', 'OPERATION_NOT_SYNCED', 'MISSING_REQUIRED_FIELD'],
  filtered_audience: ['NO_MATCHING_IDENTIFIER', 'EXITS_NOT_SENT', 'FILTERED_BY_END_USER_CONSENT'],
  failed_delivery: ['400', 'BAD_REQUEST', '429', 'RECORD_NOT_FOUND', 'AUDIENCE_NOT_FOUND', 'E_ODD'],
};

// ── Data ─────────────────────────────────────────────────────────────────────────

const genNow = Date.now();
const WINDOW_START = genNow - 30 * HOUR;
const WINDOW_END = genNow - 2 * MIN;
const records: Rec[] = [];
const wire: Record<string, unknown>[] = [];
/** Records or changes reported at the entry step and not (yet) at an outcome, per destination. */
const inFlight = new Map<string, number>();

function emit(rec: Rec): void {
  records.push(rec);
  const w: Record<string, unknown> = {
    timestamp: new Date(rec.time).toISOString(),
    sourceId: rec.sourceId,
    destinationId: rec.destinationId,
    destinationKind: rec.destinationKind,
    step: rec.step,
    count: rec.count,
  };
  if (rec.mappingId !== '') w.mappingId = rec.mappingId;
  if (rec.reason !== '') w.reason = rec.reason;
  for (const k of ['syncId', 'operation', 'audienceId', 'spaceId'] as const) if (rec[k]) w[k] = rec[k];
  if (rec.step === 'failed_delivery' && chance(0.05)) w.sample = { payload: { record: rec.count }, error: 'sampled' };
  wire.push(w);
}

type Base = Omit<Rec, 'time' | 'step' | 'count' | 'reason' | 'mappingId'>;

/** Splits `n` entry records into their outcomes and reports them (filtered, failed, delivered, retried or in flight). */
function outcomes(base: Base, n: number, t: number, mapping: () => string, filteredReasons: string[]): void {
  let rest = n;
  const take = (p: number) => {
    const c = chance(p) ? int(0, rest) : 0;
    rest -= c;
    return c;
  };
  const parts: [string, number, string[]][] = [
    ['filtered_destination', take(0.3), filteredReasons],
    ['failed_delivery', take(0.3), REASONS.failed_delivery],
  ];
  const retried = take(0.25);
  parts.push(['delivered', rest, []]);
  const at = () => Math.min(t + int(0, 20 * MIN), WINDOW_END);
  for (const [step, count, reasons] of parts) {
    if (count === 0) continue;
    const split = count >= 2 && chance(0.3) ? int(1, count - 1) : count;
    for (const c of split === count ? [count] : [split, count - split])
      emit({ ...base, time: at(), step, mappingId: mapping(), reason: reasons.length ? pick(reasons) : '', count: c });
  }
  if (retried === 0) return;
  const mappingId = mapping();
  const enqueuedAt = at();
  emit({ ...base, time: enqueuedAt, step: 'retry_enqueued', mappingId, reason: pick(['429', '503', 'etimedout', '']), count: retried });
  const resolvedAt = enqueuedAt + int(1, 30) * MIN;
  if (resolvedAt < WINDOW_END && chance(0.6)) {
    emit({ ...base, time: resolvedAt, step: 'retry_resolved', mappingId, reason: '', count: retried });
    emit({ ...base, time: resolvedAt, step: 'delivered', mappingId, reason: '', count: retried });
  } else inFlight.set(base.destinationId, (inFlight.get(base.destinationId) ?? 0) + retried);
}

function runTime(): number {
  const t = WINDOW_START + Math.floor(rnd() * (WINDOW_END - 40 * MIN - WINDOW_START));
  return chance(0.05) ? Math.ceil(t / HOUR) * HOUR : t;
}

function generateRetl(destinationId: string, spec: DestSpec): void {
  for (let run = 0; run < 45; run++) {
    const T = runTime();
    const syncId = `run_${destinationId}_${run}`;
    for (const operation of ['added', 'updated', 'removed']) {
      if (chance(0.2)) continue;
      const base: Base = {
        sourceId: spec.source,
        destinationId,
        destinationKind: 'retl',
        eventType: '',
        eventName: '',
        appVersion: '',
        enriched: false,
        syncId,
        operation,
      };
      const n = int(1, 60);
      emit({ ...base, time: T + int(0, 30_000), step: 'extracted', mappingId: '', reason: '', count: n });
      const failedExtract = chance(0.25) ? int(1, n) : 0;
      if (failedExtract > 0)
        emit({ ...base, time: T + int(0, 60_000), step: 'failed_extract', mappingId: '', reason: pick(REASONS.failed_extract), count: failedExtract });
      const mapping = () => (chance(0.1) ? '' : pick(spec.mappings));
      outcomes(base, n - failedExtract, T + MIN, mapping, REASONS.filtered_retl);
    }
  }
}

function generateAudience(destinationId: string, spec: DestSpec): void {
  for (let i = 0; i < 60; i++) {
    const T = runTime();
    const [audienceId, spaceId] = pick(spec.audiences);
    const operation = pick(['entered', 'entered', 'exited']);
    const base: Base = {
      sourceId: spec.source,
      destinationId,
      destinationKind: 'audience',
      eventType: '',
      eventName: '',
      appVersion: '',
      enriched: false,
      audienceId,
      spaceId,
      operation,
    };
    const n = int(1, 80);
    emit({ ...base, time: T, step: 'computed', mappingId: '', reason: '', count: n });
    outcomes(base, n, T, () => '', REASONS.filtered_audience);
  }
}

for (const d of DEST_IDS) (DESTS[d].kind === 'retl' ? generateRetl : generateAudience)(d, DESTS[d]);

// ── GraphQL ──────────────────────────────────────────────────────────────────────

const CHANGE = 'change { count relativePercent percentagePoints }';
const PIPELINE_FIELDS = `from to previousFrom previousTo retryPending steps { kind count previousCount share ${CHANGE} }`;
const GROUPED_FIELDS = `operation mappingId audienceId spaceId count previousCount share ${CHANGE}`;
const RUN_FIELDS =
  'id startedAt finishedAt status extracted added updated removed failedToExtract filtered delivered failed retryPending topReasons { count reason { code step } }';
const lit = (v: unknown) => JSON.stringify(v);

type ApiRun = Omit<RunV, 'startedAt' | 'finishedAt' | 'topReasons'> & {
  startedAt: string;
  finishedAt: string;
  topReasons: { count: number; reason: { code: string; step: string } }[];
};

const mismatches: string[] = [];
function same(where: string, field: string, api: unknown, exp: unknown, exact = true): void {
  const ok = exact || typeof exp !== 'number' || typeof api !== 'number' ? api === exp : Math.abs(api - exp) < 5e-10;
  if (!ok) mismatches.push(`${where}: ${field} api=${String(api)} recount=${String(exp)}`);
}
function sameMeasured(where: string, a: { count: number; previousCount: number | null; share: number | null; change: ChangeV }, e: typeof a): void {
  same(where, 'count', a.count, e.count);
  same(where, 'previousCount', a.previousCount, e.previousCount);
  same(where, 'share', a.share, e.share, false);
  same(where, 'change.count', a.change.count, e.change.count);
  same(where, 'change.relativePercent', a.change.relativePercent, e.change.relativePercent, false);
  same(where, 'change.percentagePoints', a.change.percentagePoints, e.change.percentagePoints, false);
}
const rangeOf = (p: ApiPipeline): Range => ({
  from: Date.parse(p.from),
  to: Date.parse(p.to),
  previousFrom: Date.parse(p.previousFrom),
  previousTo: Date.parse(p.previousTo),
});

let t: TestGateway;
let token: string;
let rc: ConnectionRecount;

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(token, query, variables);
  if (res.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}\n${query}`);
  return res.body.data as T;
}

beforeAll(async () => {
  t = await startTestGateway('differential_connections', { QUERY_MAX_COST: '100000000', QUERY_MAX_ALIASES: '1000' });
  token = await t.token(WS, ['read', 'ingest']);
  rc = new ConnectionRecount(records);
  for (let b = 0; b < 3; b++) {
    const batch = wire.filter((_, i) => i % 3 === b);
    const res = await t.ingest(token, batch);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { accepted: batch.length } });
  }
}, 60_000);
afterAll(async () => t?.close());

afterEach(() => {
  const found = mismatches.splice(0);
  expect(found).toEqual([]);
});

describe('generated connection data', () => {
  it('covers every step of both kinds and conserves records in the recount', () => {
    expect(records.length).toBeGreaterThan(800);
    expect([...new Set(records.map((r) => r.step))].sort()).toEqual([
      'computed',
      'delivered',
      'extracted',
      'failed_delivery',
      'failed_extract',
      'filtered_destination',
      'retry_enqueued',
      'retry_resolved',
    ]);
    const all: Range = { from: WINDOW_START - HOUR, to: genNow, previousFrom: WINDOW_START - 2 * HOUR, previousTo: WINDOW_START - HOUR };
    for (const d of DEST_IDS) {
      const c = (step: string) => rc.stepCount(d, step, all, null, null).now;
      const entered = DESTS[d].kind === 'retl' ? c('extracted') - c('failed_extract') : c('computed');
      expect(entered - c('filtered_destination') - c('failed_delivery') - c('delivered')).toBe(inFlight.get(d) ?? 0);
    }
  });
});

function randomRange(): Record<string, unknown> {
  if (chance(0.3)) return { preset: pick(['LAST_HOUR', 'LAST_24_HOURS', 'LAST_7_DAYS']), lookback: pick([true, false]) };
  const from = Math.floor((WINDOW_START - HOUR + rnd() * 29 * HOUR) / MIN) * MIN;
  const to = Math.min(from + pick([20 * MIN, 3 * HOUR, 12 * HOUR, 31 * HOUR]), Math.floor(Date.now() / MIN) * MIN);
  return { from: new Date(from).toISOString(), to: new Date(Math.max(to, from + MIN)).toISOString(), timeZone: pick(['UTC', 'Asia/Kolkata']) };
}

const GROUPINGS: Record<DestSpec['kind'], GroupDim[][]> = {
  retl: [['OPERATION', 'MAPPING'], ['OPERATION'], ['MAPPING'], ['MAPPING', 'OPERATION']],
  audience: [['AUDIENCE', 'OPERATION'], ['AUDIENCE'], ['OPERATION']],
};

function caseQuery(dest: string, mapping: string | null): { query: string; boxes: string[] } {
  const spec = DESTS[dest];
  const args = `range: $range${mapping ? `, mappingId: ${lit(mapping)}` : ''}`;
  const boxes = LAYOUT[spec.kind].filter(([, s]) => s !== null).map(([k]) => k);
  const parts = DEST_IDS.map(
    (d) =>
      `p_${d}: destination(id: ${lit(d)}) { pipeline(range: $range${d === dest && mapping ? `, mappingId: ${lit(mapping)}` : ''}) { ${PIPELINE_FIELDS} } }`,
  );
  const tables = boxes.flatMap((b) => [
    `b_${b}: breakdown(step: ${b}, ${args}, first: 1000) { ${GROUPED_FIELDS} }`,
    ...GROUPINGS[spec.kind].map(
      (g, i) => `g${i}_${b}: breakdown(step: ${b}, ${args}, groupBy: [${g.join(', ')}], first: ${i === 1 ? 2 : 1000}) { ${GROUPED_FIELDS} }`,
    ),
    ...(DISCARD_BOXES.includes(b) ? [`x_${b}: discards(step: ${b}, ${args}) { reason { code step } count previousCount share ${CHANGE} }`] : []),
  ]);
  if (spec.kind === 'retl')
    tables.push(
      `runs: syncRuns(range: $range, first: 500) { ${RUN_FIELDS} }`,
      `failedRuns: syncRuns(range: $range, status: FAILED, first: 5) { ${RUN_FIELDS} }`,
    );
  parts.push(`main: destination(id: ${lit(dest)}) { ${tables.join('\n')} }`);
  return { query: `query($range: TimeRangeInput!) {\n${parts.join('\n')}\n}`, boxes };
}

function compareRun(where: string, a: ApiRun, e: RunV): void {
  same(where, 'startedAt', Date.parse(a.startedAt), e.startedAt);
  same(where, 'finishedAt', Date.parse(a.finishedAt), e.finishedAt);
  for (const k of ['status', 'extracted', 'added', 'updated', 'removed', 'failedToExtract', 'filtered', 'delivered', 'failed', 'retryPending'] as const)
    same(where, k, a[k], e[k]);
  same(where, 'topReasons', JSON.stringify(a.topReasons.map((r) => [r.reason.code, r.count])), JSON.stringify(e.topReasons.map((r) => [r.code, r.count])));
}

describe('differential: connection answers equal the brute-force recount', () => {
  it(`matches for ${CASES} seeded random cases (pipelines, breakdowns by every grouping, discards, sync runs)`, async () => {
    let rows = 0;
    for (let i = 0; i < CASES; i++) {
      const dest = DEST_IDS[i % DEST_IDS.length];
      const spec = DESTS[dest];
      const mapping = spec.kind === 'retl' && chance(0.4) ? pick(spec.mappings) : null;
      const range = randomRange();
      const where = `case ${i} dest=${dest} mapping=${mapping} range=${JSON.stringify(range)}`;
      const { query, boxes } = caseQuery(dest, mapping);
      const data = await gql<Record<string, { pipeline: ApiPipeline } & Record<string, unknown>>>(query, { range });
      for (const d of DEST_IDS) {
        const p = data[`p_${d}`].pipeline;
        const exp = rc.pipeline(d, rangeOf(p), d === dest ? mapping : null, null);
        same(`${where} | ${d}`, 'retryPending', p.retryPending, exp.retryPending);
        same(`${where} | ${d}`, 'steps', p.steps.map((s) => s.kind).join(), exp.steps.map((s) => s.kind).join());
        exp.steps.forEach((e, k) => sameMeasured(`${where} | pipeline ${d} ${e.kind}`, p.steps[k] as never, e as never));
      }
      const r = rangeOf(data[`p_${dest}`].pipeline);
      const main = data.main as Record<string, unknown>;
      const compareGrouped = (label: string, api: GroupedV[], exp: GroupedV[]) => {
        const key = (x: GroupedV) => JSON.stringify([x.operation, x.mappingId, x.audienceId, x.spaceId]);
        rows += exp.length;
        if (api.map(key).join('|') !== exp.map(key).join('|')) {
          mismatches.push(`${where} | ${label}: rows api=${api.map(key).slice(0, 6).join(' ')} recount=${exp.map(key).slice(0, 6).join(' ')}`);
          return;
        }
        exp.forEach((e, k) => sameMeasured(`${where} | ${label} ${key(e)}`, api[k], e));
      };
      for (const b of boxes) {
        compareGrouped(`breakdown ${b}`, main[`b_${b}`] as GroupedV[], rc.grouped(dest, b, r, mapping, null, 1000, GROUPINGS[spec.kind][0]));
        GROUPINGS[spec.kind].forEach((g, k) =>
          compareGrouped(`breakdown ${b} by ${g}`, main[`g${k}_${b}`] as GroupedV[], rc.grouped(dest, b, r, mapping, null, k === 1 ? 2 : 1000, g)),
        );
        if (!DISCARD_BOXES.includes(b)) continue;
        const api = main[`x_${b}`] as { reason: { code: string; step: string }; count: number; previousCount: number; share: number | null; change: ChangeV }[];
        const exp = rc.discards(dest, b, r, mapping, null);
        same(`${where} | discards ${b}`, 'codes', api.map((x) => x.reason.code).join(), exp.map((x) => x.code).join());
        if (api.length === exp.length)
          exp.forEach(
            (e, k) => (sameMeasured(`${where} | discards ${b} ${e.code}`, api[k], e), same(`${where} | discards ${b}`, 'reason.step', api[k].reason.step, b)),
          );
      }
      if (spec.kind === 'retl') {
        for (const [alias, status, first] of [
          ['runs', null, 500],
          ['failedRuns', 'FAILED', 5],
        ] as const) {
          const api = main[alias] as ApiRun[];
          const exp = rc.syncRuns(dest, r.from, r.to, status, first);
          rows += exp.length;
          same(`${where} | ${alias}`, 'ids', api.map((x) => x.id).join(), exp.map((x) => x.id).join());
          if (api.length === exp.length) exp.forEach((e, k) => compareRun(`${where} | ${alias} ${e.id}`, api[k], e));
        }
      }
    }
    expect(rows).toBeGreaterThan(CASES * 10);
  }, 120_000);

  it('conserves records per kind over the whole window, and one run reads the same alone as in the list', async () => {
    const range = { from: new Date(WINDOW_START - HOUR).toISOString(), to: new Date(Date.now()).toISOString(), lookback: false };
    const q = `query($range: TimeRangeInput!) { ${DEST_IDS.map((d) => `p_${d}: destination(id: ${lit(d)}) { pipeline(range: $range) { ${PIPELINE_FIELDS} } }`).join('\n')} }`;
    const data = await gql<Record<string, { pipeline: ApiPipeline }>>(q, { range });
    for (const d of DEST_IDS) {
      const p = data[`p_${d}`].pipeline;
      const c = (k: string) => p.steps.find((s) => s.kind === k)?.count ?? 0;
      const entered = DESTS[d].kind === 'retl' ? c('RECORDS_EXTRACTED') - c('FAILED_TO_EXTRACT') : c('MEMBERSHIP_CHANGES_COMPUTED');
      const left = DESTS[d].kind === 'retl' ? c('FILTERED_AT_MAPPING') : c('FILTERED_AT_DESTINATION');
      same(
        `conservation ${d}`,
        'entered − (filtered + failed + delivered)',
        entered - left - c('FAILED_DELIVERY') - c('SUCCESSFUL_DELIVERY'),
        inFlight.get(d) ?? 0,
      );
    }
    const [run] = rc.syncRuns('dst_retl_a', 0, Date.now() + HOUR, 'PARTIAL', 1);
    const detail = await gql<{
      destination: { syncRun: ApiRun & { operations: { value: string; extracted: number }[]; mappings: { value: string; delivered: number }[] } };
    }>(`{ destination(id: "dst_retl_a") { syncRun(id: ${lit(run.id)}) { ${RUN_FIELDS} operations { value extracted } mappings { value delivered } } } }`);
    compareRun(`syncRun ${run.id}`, detail.destination.syncRun, run);
    const ops = detail.destination.syncRun.operations;
    same(
      `syncRun ${run.id}`,
      'extracted by operation',
      ops.reduce((s, o) => s + o.extracted, 0),
      run.extracted,
    );
    same(
      `syncRun ${run.id}`,
      'delivered by mapping',
      detail.destination.syncRun.mappings.reduce((s, m) => s + m.delivered, 0),
      run.delivered,
    );
  }, 60_000);

  it('pages sync runs with `after`: pages of 3 joined equal the whole list; a bad cursor is BAD_USER_INPUT', async () => {
    const range = { from: new Date(WINDOW_START - HOUR).toISOString(), to: new Date(Date.now()).toISOString(), lookback: false };
    type Runs = { destination: { syncRuns: { id: string; cursor: string }[] } };
    const q =
      'query($range: TimeRangeInput!, $first: Int!, $after: String) { destination(id: "dst_retl_a") { syncRuns(range: $range, first: $first, after: $after) { id cursor } } }';
    const all = (await gql<Runs>(q, { range, first: 500 })).destination.syncRuns;
    const paged: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 200; page++) {
      const runs: Runs['destination']['syncRuns'] = (await gql<Runs>(q, { range, first: 3, after })).destination.syncRuns;
      paged.push(...runs.map((r) => r.id));
      if (runs.length < 3) break;
      after = runs[runs.length - 1].cursor;
    }
    expect(all.length).toBeGreaterThan(6);
    expect(paged).toEqual(all.map((r) => r.id));
    const bad = await t.gql(token, q, { range, first: 3, after: 'not-a-cursor' });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 60_000);
});
