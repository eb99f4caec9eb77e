import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DISCARD_REASONS } from '../../src/domain/discard-reasons';
import { DISCARD_REPORT_STEPS, isSourceSideStep } from '../../src/domain/steps';
import { validateRecord, type FieldError } from '../../src/ingest/report.validate';
import { backfillWindow, chunkBounds } from '../../src/simulate/backfill';
import { generateRaw, generateWindow, MAX_RETRY_DELAY_MS, type SimDelivery, type SimSync } from '../../src/simulate/generator';
import {
  DEMO_WORKSPACE,
  demoIncidents,
  EXAMPLE_MESSAGE_ID,
  type RateLimitStorm,
  type SchemaViolationSpike,
  type SyncFailure,
  type TracedMessage,
} from '../../src/simulate/model';
import { Rng } from '../../src/simulate/random';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// A fixed "now": a Wednesday afternoon (UTC), minute-aligned plus a few seconds.
const NOW = Date.parse('2026-11-25T16:30:07.000Z');
const INCIDENTS = demoIncidents(NOW);
const SEED = 42;

const storm = INCIDENTS.find((i): i is RateLimitStorm => i.kind === 'rate_limit_storm' && i.id === 'storm-amplitude-recent')!;
const spike = INCIDENTS.find((i): i is SchemaViolationSpike => i.kind === 'schema_violation_spike')!;
const syncFailure = INCIDENTS.find((i): i is SyncFailure => i.kind === 'sync_failure')!;

function gen(from: number, to: number, seed = SEED, origin?: number) {
  return generateWindow({ model: DEMO_WORKSPACE, seed, from, to, incidents: INCIDENTS, origin });
}

function sum(rows: readonly SimDelivery[], pred: (d: SimDelivery) => boolean): number {
  let n = 0;
  for (const d of rows) if (pred(d)) n += d.count;
  return n;
}

/** Brute-force conservation for one destination over a list of reports. */
function balance(rows: readonly SimDelivery[], destinationId: string) {
  const dest = DEMO_WORKSPACE.destinations.find((d) => d.id === destinationId)!;
  const sources = new Set(dest.sourceIds);
  const src = (step: string) => sum(rows, (d) => d.step === step && sources.has(d.sourceId) && d.destinationId === undefined);
  const dst = (step: string) => sum(rows, (d) => d.step === step && d.destinationId === destinationId);
  return {
    arriving: src('received') - src('failed_ingest') - src('filtered_source'),
    filtered: dst('filtered_destination'),
    failed: dst('failed_delivery'),
    delivered: dst('delivered'),
    inFlight: dst('retry_enqueued') - dst('retry_resolved'),
  };
}

// One several-hour window that holds the recent rate-limit storm, and one awkward
// window with boundaries that are not minute-aligned.
const stormWindow = { from: storm.start - 2 * HOUR, to: storm.end + HOUR };
const stormRun = gen(stormWindow.from, stormWindow.to);
const raggedWindow = { from: NOW - 5 * HOUR - 17_345, to: NOW - 2 * HOUR + 41_222 };
const raggedRun = gen(raggedWindow.from, raggedWindow.to);

describe('simulator: determinism', () => {
  it('produces identical output for the same seed', () => {
    const a = gen(NOW - 2 * HOUR, NOW);
    const b = gen(NOW - 2 * HOUR, NOW);
    expect(a.deliveries.length).toBeGreaterThan(1000);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('produces different output for a different seed', () => {
    const a = gen(NOW - 2 * HOUR, NOW, 1);
    const b = gen(NOW - 2 * HOUR, NOW, 2);
    expect(JSON.stringify(a.deliveries)).not.toBe(JSON.stringify(b.deliveries));
  });

  it('composes: two adjacent windows of a continuing run add up to the window spanning both', () => {
    const origin = NOW - 3 * HOUR;
    const mid = NOW - HOUR - 12_345;
    const whole = gen(origin, NOW, SEED, origin);
    const first = gen(origin, mid, SEED, origin);
    const second = gen(mid, NOW, SEED, origin);
    expect(JSON.stringify([...first.deliveries, ...second.deliveries])).toBe(JSON.stringify(whole.deliveries));
    expect(JSON.stringify([...first.syncs, ...second.syncs])).toBe(JSON.stringify(whole.syncs));
  });

  it('the PRNG is seeded and never uses Math.random', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    const dir = path.join(__dirname, '..', '..', 'src', 'simulate');
    for (const file of fs.readdirSync(dir)) {
      expect(fs.readFileSync(path.join(dir, file), 'utf8')).not.toMatch(/Math\.random/);
    }
  });
});

describe('simulator: conservation', () => {
  it.each([
    ['a window holding a rate-limit storm', stormRun.deliveries],
    ['a window with ragged boundaries', raggedRun.deliveries],
  ])('holds exactly for every destination over %s', (_label, rows) => {
    for (const dest of DEMO_WORKSPACE.destinations) {
      const b = balance(rows, dest.id);
      expect(b.arriving).toBeGreaterThan(0);
      expect(b.filtered + b.failed + b.delivered + b.inFlight).toBe(b.arriving);
      expect(b.inFlight).toBeGreaterThanOrEqual(0);
      if (dest.kind === 'storage') {
        expect(b.failed).toBe(0);
        expect(b.inFlight).toBe(0);
      }
    }
  });

  it('leaves retries in flight at the window end and resolves them later', () => {
    const b = balance(stormRun.deliveries, 'dst_amplitude');
    // Cut right after the storm: its retries take up to a quarter of an hour.
    const cut = gen(stormWindow.from, storm.end + 2 * MINUTE);
    const c = balance(cut.deliveries, 'dst_amplitude');
    expect(c.inFlight).toBeGreaterThan(100);
    expect(c.filtered + c.failed + c.delivered + c.inFlight).toBe(c.arriving);
    expect(b.inFlight).toBeLessThan(c.inFlight);
  });

  it('never lets the retry-pending gauge go negative (per destination and mapping)', () => {
    for (const run of [stormRun, raggedRun]) {
      const gauge = new Map<string, number>();
      let checked = 0;
      let minimum = 0;
      for (const d of run.deliveries) {
        if (d.step !== 'retry_enqueued' && d.step !== 'retry_resolved') continue;
        const key = `${d.destinationId}/${d.mappingId ?? ''}`;
        const v = (gauge.get(key) ?? 0) + (d.step === 'retry_enqueued' ? d.count : -d.count);
        if (v < minimum) minimum = v;
        gauge.set(key, v);
        checked++;
      }
      expect(minimum).toBe(0);
      expect(checked).toBeGreaterThan(100);
    }
  });

  it('resolves every retry within the maximum delay', () => {
    // Run on until every event received before NOW has had its full retry delay.
    const origin = NOW - 2 * HOUR;
    const rows = generateRaw({ model: DEMO_WORKSPACE, seed: SEED, from: origin, to: NOW + MAX_RETRY_DELAY_MS + 1, incidents: INCIDENTS }).deliveries;
    let enqueued = 0;
    let pending = 0;
    for (const d of rows) {
      if (d.origin >= NOW) continue;
      if (d.step === 'retry_enqueued') enqueued += d.count;
      pending += d.step === 'retry_enqueued' ? d.count : d.step === 'retry_resolved' ? -d.count : 0;
    }
    expect(enqueued).toBeGreaterThan(100);
    expect(pending).toBe(0);
  });
});

describe('simulator: incidents', () => {
  it('places every incident inside the last 24 hours, minute-aligned', () => {
    for (const i of INCIDENTS.filter((x) => x.id !== 'storm-amplitude-older')) {
      expect(i.start).toBeGreaterThanOrEqual(NOW - DAY);
      expect(i.end).toBeLessThanOrEqual(NOW);
      expect(i.start % MINUTE).toBe(0);
    }
    const older = INCIDENTS.find((x) => x.id === 'storm-amplitude-older')!;
    expect(older.start).toBeGreaterThan(NOW - 7 * DAY);
    expect(older.end).toBeLessThan(NOW - DAY);
  });

  it('shows the rate-limit storm as 429 retries and failures on its destination', () => {
    const inStorm = stormRun.deliveries.filter((d) => Date.parse(d.timestamp) >= storm.start && Date.parse(d.timestamp) < storm.end);
    const before = stormRun.deliveries.filter((d) => Date.parse(d.timestamp) >= storm.start - 40 * MINUTE && Date.parse(d.timestamp) < storm.start);
    const retries = (rows: SimDelivery[]) => sum(rows, (d) => d.destinationId === storm.destinationId && d.step === 'retry_enqueued' && d.reason === '429');
    const failures = (rows: SimDelivery[]) => sum(rows, (d) => d.destinationId === storm.destinationId && d.step === 'failed_delivery' && d.reason === '429');
    expect(retries(inStorm)).toBeGreaterThan(10 * Math.max(1, retries(before)));
    expect(failures(inStorm)).toBeGreaterThan(10 * Math.max(1, failures(before)));
    // Other destinations are unaffected.
    const mixpanel = sum(inStorm, (d) => d.destinationId === 'dst_mixpanel' && d.step === 'retry_enqueued');
    const mixpanelDelivered = sum(inStorm, (d) => d.destinationId === 'dst_mixpanel' && d.step === 'delivered');
    expect(mixpanel).toBeLessThan(mixpanelDelivered * 0.02);
  });

  it('shows the schema-violation spike after the app release, on its source and version only', () => {
    const run = gen(spike.start - HOUR, spike.end + HOUR);
    const violations = (from: number, to: number) =>
      sum(
        run.deliveries,
        (d) =>
          d.sourceId === spike.sourceId &&
          d.step === 'filtered_source' &&
          d.reason === 'schema_violation' &&
          Date.parse(d.timestamp) >= from &&
          Date.parse(d.timestamp) < to,
      );
    const during = violations(spike.start, spike.end);
    expect(during).toBeGreaterThan(8 * violations(spike.start - HOUR, spike.start));
    expect(during).toBeGreaterThan(4 * violations(spike.end, spike.end + HOUR));
    // The version did not exist before its release.
    expect(run.deliveries.some((d) => d.appVersion === spike.appVersion && Date.parse(d.timestamp) < spike.start)).toBe(false);
    expect(run.deliveries.some((d) => d.appVersion === spike.appVersion && Date.parse(d.timestamp) >= spike.start)).toBe(true);
  });

  it('shows several consecutive failed warehouse syncs on the incident destination', () => {
    const run = gen(syncFailure.start - 3 * HOUR, syncFailure.end + 3 * HOUR);
    const syncs = run.syncs.filter((s) => s.destinationId === syncFailure.destinationId);
    const failedInIncident = syncs.filter((s) => Date.parse(s.startedAt) >= syncFailure.start && Date.parse(s.startedAt) < syncFailure.end);
    expect(failedInIncident.length).toBeGreaterThanOrEqual(3);
    for (const s of failedInIncident) {
      expect(s.status).toBe('failed');
      expect(s.reason).toBe(syncFailure.reason);
      expect(s.collections.every((c) => c.rowsSynced === 0 && c.rowsFailed > 0)).toBe(true);
    }
    expect(syncs.filter((s) => s.status === 'success').length).toBeGreaterThan(2);
  });
});

describe('simulator: the records follow the ingest contract', () => {
  const day = gen(NOW - DAY, NOW);

  it('passes ingest validation, record by record', () => {
    const window = { oldest: NOW - 14 * DAY, newest: NOW + 15 * MINUTE };
    const errors: FieldError[] = [];
    const all: (SimDelivery | SimSync)[] = [...day.deliveries, ...day.syncs];
    all.forEach((r, i) => validateRecord(JSON.parse(JSON.stringify(r)), i, window, errors));
    expect(errors.slice(0, 5)).toEqual([]);
  });

  it('uses only catalogue reason codes on discard steps', () => {
    const known = new Set(DISCARD_REASONS.map((r) => `${r.step}/${r.code}`));
    const used = new Set<string>();
    const problems: string[] = [];
    for (const d of day.deliveries) {
      if (DISCARD_REPORT_STEPS.includes(d.step)) {
        used.add(`${d.step}/${d.reason}`);
        if (!known.has(`${d.step}/${d.reason}`)) problems.push(`unknown ${d.step}/${d.reason}`);
      } else if (d.step === 'retry_enqueued' || d.step === 'retry_resolved') {
        if (!d.reason) problems.push(`retry without reason`);
      } else if (d.reason !== undefined) {
        problems.push(`reason on ${d.step}`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    // A realistic spread of reasons, not one per step.
    expect(used.size).toBeGreaterThan(15);
  });

  it('keeps destination fields off source-side steps and mappings on Actions and Reverse ETL destinations only', () => {
    const problems: string[] = [];
    for (const d of day.deliveries) {
      if (isSourceSideStep(d.step)) {
        if (d.destinationId !== undefined || d.mappingId !== undefined) problems.push(`destination on ${d.step}`);
      } else {
        if (d.destinationId === undefined) problems.push(`no destination on ${d.step}`);
        if (d.mappingId !== undefined && d.destinationKind !== 'actions' && d.destinationKind !== 'retl') problems.push(`mapping on ${d.destinationKind}`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    const braze = day.deliveries.filter((d) => d.destinationId === 'dst_braze_actions' && d.step === 'delivered');
    expect(new Set(braze.map((d) => d.mappingId))).toEqual(new Set(['track_page_view', 'identify_user', 'track_purchase']));
  });

  it('gives message ids to single-event reports only, and samples to some discards', () => {
    const withId = day.deliveries.filter((d) => d.messageId !== undefined);
    expect(withId.length).toBeGreaterThan(100);
    expect(withId.every((d) => d.count === 1)).toBe(true);
    const traced = new Map<string, Set<string>>();
    for (const d of withId) traced.set(d.messageId!, (traced.get(d.messageId!) ?? new Set()).add(d.step));
    expect([...traced.values()].every((steps) => steps.has('received'))).toBe(true);
    // Every sample is one message: the report carries the id its payload carries, and trace
    // finds that message from its received report to the discard.
    const sampled = day.deliveries.filter((d) => d.sample);
    expect(sampled.filter((d) => d.messageId === undefined || d.sample!.payload.messageId !== d.messageId || d.count !== 1)).toEqual([]);
    expect(sampled.every((d) => traced.get(d.messageId!)!.has(d.step))).toBe(true);
    const samples = day.deliveries.filter((d) => d.sample);
    expect(samples.length).toBeGreaterThan(100);
    expect(samples.every((d) => DISCARD_REPORT_STEPS.includes(d.step) && d.sample!.error.length > 0)).toBe(true);
    const discards = day.deliveries.filter((d) => DISCARD_REPORT_STEPS.includes(d.step) && d.messageId === undefined);
    expect(samples.length).toBeLessThan(discards.length * 0.3);
  });

  it('shows a daily rhythm and a realistic volume', () => {
    const received = day.deliveries.filter((d) => d.step === 'received');
    const events = sum(received, () => true);
    expect(events).toBeGreaterThan(1_000_000);
    expect(events).toBeLessThan(3_000_000);
    expect(day.deliveries.length).toBeGreaterThan(100_000);
    expect(day.deliveries.length).toBeLessThan(300_000);
    const atHour = (h: number) => sum(received, (d) => new Date(d.timestamp).getUTCHours() === h);
    expect(atHour(15)).toBeGreaterThan(4 * atHour(3));
    // Hourly syncs for both storage destinations, 3-6 collections each.
    expect(day.syncs.length).toBeGreaterThanOrEqual(46);
    expect(day.syncs.every((s) => s.collections.length >= 3 && s.collections.length <= 6)).toBe(true);
    expect(day.syncs.some((s) => s.status === 'partial' && s.collections.some((c) => c.rowsFailed > 0 && c.reason !== ''))).toBe(true);
  });
});

describe('simulator: the documented example message', () => {
  it('goes through every destination of its source, with a retry at Amplitude, in the last 24 hours', () => {
    const example = INCIDENTS.find((i): i is TracedMessage => i.kind === 'traced_message')!;
    expect(example.id).toBe(EXAMPLE_MESSAGE_ID);
    const rows = gen(example.start - HOUR, example.end + HOUR).deliveries.filter((d) => d.messageId === EXAMPLE_MESSAGE_ID);
    expect(rows.map((d) => [d.step, d.destinationId ?? null, d.reason ?? null])).toEqual([
      ['received', null, null],
      ['retry_enqueued', 'dst_amplitude', '429'],
      ['delivered', 'dst_mixpanel', null],
      ['delivered', 'dst_hubspot_actions', null],
      ['delivered', 'dst_bigquery', null],
      ['delivered', 'dst_snowflake', null],
      ['retry_resolved', 'dst_amplitude', '429'],
      ['delivered', 'dst_amplitude', null],
    ]);
    expect(rows.every((d) => d.count === 1 && d.sourceId === example.sourceId)).toBe(true);
  });
});

describe('simulator: Reverse ETL and audience destinations', () => {
  const day = gen(NOW - DAY, NOW);
  const of = (id: string) => day.deliveries.filter((d) => d.destinationId === id);
  const sum = (rows: { count: number }[]) => rows.reduce((s, r) => s + r.count, 0);

  it('runs every 15 minutes with records by operation, and conserves them up to the retries in flight', () => {
    const retl = of('dst_salesforce_retl');
    const runs = new Set(retl.map((d) => d.syncId));
    expect(runs.size).toBeGreaterThanOrEqual(95);
    expect(new Set(retl.filter((d) => d.step === 'extracted').map((d) => d.operation))).toEqual(new Set(['added', 'updated', 'removed']));
    const at = (step: string, rows = retl) => sum(rows.filter((d) => d.step === step));
    const inFlight = at('retry_enqueued') - at('retry_resolved');
    expect(inFlight).toBeGreaterThanOrEqual(0);
    expect(at('extracted') - at('failed_extract') - at('filtered_destination') - at('failed_delivery') - at('delivered')).toBe(inFlight);
    const aud = of('dst_google_ads_audiences');
    expect(at('computed', aud) - at('filtered_destination', aud) - at('failed_delivery', aud) - at('delivered', aud)).toBe(
      at('retry_enqueued', aud) - at('retry_resolved', aud),
    );
  });

  it('shows its incidents: a schema change, a mapping with expired credentials, a deleted audience list', () => {
    const retl = of('dst_salesforce_retl');
    expect(sum(retl.filter((d) => d.reason === 'SCHEMA_CHANGED'))).toBeGreaterThan(500);
    expect(new Set(retl.filter((d) => d.reason === '401').map((d) => d.mappingId))).toEqual(new Set(['map_upsert_accounts']));
    const lost = of('dst_google_ads_audiences').filter((d) => d.reason === 'AUDIENCE_NOT_FOUND');
    expect(new Set(lost.map((d) => d.audienceId))).toEqual(new Set(['aud_lapsed']));
  });
});

describe('simulator: fingerprint', () => {
  // The seeded output, pinned: a change to what the simulator produces must update this on purpose.
  it('produces the pinned output for seed 42 over two hours', () => {
    const out = gen(NOW - 2 * HOUR, NOW);
    const digest = crypto.createHash('sha256').update(JSON.stringify(out)).digest('hex');
    expect(digest).toBe('ad1ff234c01dea6d0474932c5509d5bede4447e2cce2ec246be96b80a54e7e56');
    // Failed-delivery samples gained a request and response (issue 16 item 5), and delivered and
    // failed reports an attempt and a latency (item 4), neither drawn from the main random stream:
    // without one, the output is the one pinned with the other alone; without both, the one
    // pinned before them.
    const sha = (v: unknown) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex');
    const withoutExchange = {
      ...out,
      deliveries: out.deliveries.map((d) => (d.sample ? { ...d, sample: { payload: d.sample.payload, error: d.sample.error } } : d)),
    };
    const withoutOutcomes = { ...out, deliveries: out.deliveries.map(({ attempt: _a, latencyMs: _l, ...d }) => d) };
    const withoutBoth = { ...withoutExchange, deliveries: withoutExchange.deliveries.map(({ attempt: _a, latencyMs: _l, ...d }) => d) };
    expect(sha(withoutExchange)).toBe('d03674878f4edc68d8f66b90fcd105a368433f2cd920f07fbd3e1c2386c3822b');
    expect(sha(withoutOutcomes)).toBe('3c01932e61f010117db165e0ba09e6a13ff2a74df2303a26b385a7971dfa0988');
    expect(sha(withoutBoth)).toBe('64c457839491075ca6bd1af9aef855ca12262d7710b43e8a495f2ab5dfcb70b3');
    expect(out.deliveries.filter((d) => d.sample?.request).length).toBeGreaterThan(0);
    // The Reverse ETL and audience destinations added reports of their own and changed nothing
    // else: without them the output is the one pinned before they existed.
    const streaming = { ...withoutBoth, deliveries: withoutBoth.deliveries.filter((d) => d.destinationKind !== 'retl' && d.destinationKind !== 'audience') };
    expect(crypto.createHash('sha256').update(JSON.stringify(streaming)).digest('hex')).toBe(
      '15b9f9b8d0194d24f23c4170ce43402078f2437367c2a6c080cb90d114bd3a03',
    );
  });
});

describe('simulator: attempts and latencies', () => {
  it('gives delivered and failed reports an attempt and a latency (first at the event, later on a retry), storage none', () => {
    const { deliveries } = gen(NOW - 2 * HOUR, NOW);
    const outcomes = deliveries.filter((d) => (d.step === 'delivered' || d.step === 'failed_delivery') && d.destinationKind !== 'storage');
    expect(outcomes.length).toBeGreaterThan(100);
    for (const d of outcomes) {
      expect(Number.isInteger(d.attempt) && d.attempt! >= 1 && d.attempt! <= 100).toBe(true);
      expect(Number.isInteger(d.latencyMs) && d.latencyMs! >= 0 && d.latencyMs! <= 86_400_000).toBe(true);
    }
    expect(outcomes.some((d) => d.attempt === 1) && outcomes.some((d) => d.attempt! > 1)).toBe(true);
    expect(
      deliveries
        .filter((d) => d.destinationKind === 'storage' || (d.step !== 'delivered' && d.step !== 'failed_delivery'))
        .some((d) => d.attempt !== undefined || d.latencyMs !== undefined),
    ).toBe(false);
    // Retries resolve minutes later: their deliveries are later attempts.
    const retried = new Set(deliveries.filter((d) => d.step === 'retry_resolved').map((d) => `${d.timestamp}|${d.destinationId}`));
    for (const d of outcomes.filter((x) => retried.has(`${x.timestamp}|${x.destinationId}`) && x.step === 'delivered')) expect(d.attempt).toBeGreaterThan(1);
  });
});

describe('simulator: backfill window', () => {
  it('never reaches back more than 14 days', () => {
    expect(backfillWindow(NOW, 30)).toEqual({ from: NOW - 14 * DAY, to: NOW });
    expect(backfillWindow(NOW, 1)).toEqual({ from: NOW - DAY, to: NOW });
  });

  it('splits into chunks that never cross a UTC day and cover the window exactly', () => {
    const from = NOW - 3 * DAY;
    const chunks = chunkBounds(from, NOW, 6);
    expect(chunks[0][0]).toBe(from);
    expect(chunks[chunks.length - 1][1]).toBe(NOW);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i][0]).toBe(chunks[i - 1][1]);
    for (const [s, e] of chunks) {
      expect(e - s).toBeLessThanOrEqual(6 * HOUR);
      expect(Math.floor(s / DAY)).toBe(Math.floor((e - 1) / DAY));
    }
  });
});
