import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resultsDir, runBench, type BenchResult } from '../../tools/bench/run';
import { PACKAGE_ROOT } from '../../src/package-root';
import { loadConfig } from '../../src/config/config';
import { workerDataDir } from '../helpers/gateway';

/** Every numeric leaf under `value`, with its path. */
function numbers(value: unknown, at: string, out: [string, number][] = []): [string, number][] {
  if (typeof value === 'number') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) numbers(v, `${at}.${k}`, out);
  return out;
}

const SECTIONS = ['payoff', 'overhead', 'ingest', 'fanout', 'batching', 'throughput', 'mix'] as const;

describe('bench --quick', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-bench-out-'));
  let result: BenchResult;
  // A run of every section: each one present.
  let written: Required<BenchResult>;
  let printed = '';

  beforeAll(async () => {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += chunk.toString();
      return true;
    });
    try {
      // In-process, on this jest worker's engine directory (a process binds one), own database.
      result = await runBench(loadConfig({ PORT: '0' }), { quick: true, outDir, dataDir: workerDataDir(), progress: () => undefined });
    } finally {
      stdout.mockRestore();
    }
    const files = fs.readdirSync(outDir).filter((f) => f.endsWith('-quick.json'));
    expect(files).toHaveLength(1);
    written = JSON.parse(fs.readFileSync(path.join(outDir, files[0]), 'utf8')) as Required<BenchResult>;
    // The dashboard mix adds about 10 s of bounded load (3 steps of 2 s, and its baseline).
  }, 90_000);

  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('does not judge goals on tiny counts, and keeps its result out of the tree', () => {
    expect(printed).toContain('smoke run: goals not judged');
    expect(printed).not.toMatch(/MISSED|\bmet\b/);
    const smokeDir = resultsDir(true);
    fs.rmSync(smokeDir, { recursive: true, force: true });
    expect(path.relative(PACKAGE_ROOT, smokeDir).startsWith('..')).toBe(true);
    expect(resultsDir(false)).toBe(path.join(PACKAGE_ROOT, 'tools', 'bench', 'results'));
  });

  it('writes the result file it returns, with the machine, backend and dataset', () => {
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    expect(written.machine.cores).toBeGreaterThan(0);
    expect(written.machine.memoryGiB).toBeGreaterThan(0);
    expect(['embedded', 'server']).toContain(written.backend);
    expect(written.dataset.reports).toBe(written.plan.reports);
    expect(written.dataset.destinations.total).toBe(50);
    expect(written.dataset.tables.delivery_events.rows).toBe(written.dataset.reports);
  });

  it.each(SECTIONS)('has section %s with only finite numbers', (section) => {
    const value = written[section];
    expect(value).toBeDefined();
    const found = numbers(value, section);
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter(([, n]) => !Number.isFinite(n))).toEqual([]);
  });

  it('measured every question, side by side, with equal answers', () => {
    expect(written.payoff.cases.map((c) => c.question)).toEqual(['pipeline', 'breakdown', 'discards']);
    for (const c of written.payoff.cases) {
      expect(c.equal).toBe(true);
      expect(c.aggregate.n).toBe(written.plan.payoffIterations);
      expect(c.raw.n).toBe(written.plan.payoffIterations);
      // The answer comes from the aggregate tiers only, the baseline from the raw table only.
      expect(c.readsAggregate.length).toBeGreaterThan(0);
      expect(c.readsAggregate.map((e) => e.table)).not.toContain('delivery_events');
      expect(c.readsRaw.map((e) => e.table)).toEqual(['delivery_events']);
    }
    for (const c of written.overhead.cases) {
      expect(c.equal).toBe(true);
      expect(c.errors).toBe(0);
      // Catalog reads differ by the gateway's shared snapshot (warm: none; cold: one), the direct side has no cache.
      const metricsReads = (families: string[]) => families.filter((f) => f !== 'catalog');
      expect(metricsReads(c.queriesGraphql)).toEqual(metricsReads(c.queriesDirect));
    }
    expect(written.batching.equal).toBe(true);
    expect(written.batching.errors).toBe(0);
    expect(written.batching.loaders.queries).toBeLessThanOrEqual(5);
    expect(written.batching.perDestination.queries).toBeGreaterThan(written.batching.loaders.queries);
    expect(written.fanout.subscribers).toBe(written.plan.fanout.connections * written.plan.fanout.perConnection);
    expect(written.fanout.subscribeErrors).toBe(0);
    expect(written.fanout.missedPushes).toBe(0);
    expect(written.throughput.graphql.errors).toBe(0);
    expect(written.ingest.reports).toBe(written.plan.ingest.reports);
    expect(written.goals.length).toBeGreaterThan(0);
  });

  it('ran the herd: readers of one page at once over producers, statements counted, the cache answering', () => {
    const h = written.herd!;
    expect(h.pageLoadStatements).toBeGreaterThan(0);
    expect(h.steps.map((s) => s.users)).toEqual(written.plan.herd.users);
    for (const s of h.steps) {
      expect([s.errors, s.subscribed, s.pageLoad.n]).toEqual([0, s.users, s.users]);
      expect(s.ingestQuiet.n + s.ingestHerd.n).toBeGreaterThan(0);
    }
    // More readers than one: identical reads are answered once.
    const last = h.steps.at(-1)!;
    expect(last.cache.hits + last.cache.joined).toBeGreaterThan(0);
    expect(last.readStatements).toBeLessThan(last.users * h.pageLoadStatements);
  });

  it('ran the dashboard mix: the page’s views against their statements, stepped users, producers posting throughout', () => {
    const m = written.mix;
    expect(written.sections).toEqual(['payoff', 'overhead', 'batching', 'throughput', 'fanout', 'ingest', 'mix', 'herd']);
    expect(m.baseline.cases.map((c) => [c.kind, c.operations])).toEqual([
      ['overview', ['Overview']],
      // The pipeline alone (drawn first), then the view with its open panels.
      ['destination', ['DestinationView', 'DestinationView']],
      ['discards', ['DestinationView']],
    ]);
    for (const c of m.baseline.cases) {
      expect(c.statements).toBeGreaterThan(0);
      expect(c.families).not.toContain('auth');
      expect(c.graphql.n).toBe(written.plan.mix.baselineSamples);
      expect(c.direct.n).toBe(written.plan.mix.baselineSamples);
    }
    // Stepping stops at the first step over budget: the steps are a prefix of the plan's.
    expect(m.steps.map((s) => s.users)).toEqual(written.plan.mix.users.slice(0, m.steps.length));
    for (const s of m.steps) {
      expect(s.loads).toBe(s.all.n);
      expect(s.loads).toBe(s.perKind.overview.n + s.perKind.destination.n + s.perKind.discards.n);
      expect(s.ingest.reports).toBeGreaterThan(0);
      // The engine was seen working, ingest included, for part of the step.
      expect(s.engineBusy.ingest).toBeGreaterThan(0);
      expect(s.engineBusy.all).toBeGreaterThanOrEqual(s.engineBusy.ingest);
    }
    // Every view was loaded at some step (how many per step depends on the machine's speed).
    for (const k of ['overview', 'destination', 'discards'] as const) expect(m.steps.reduce((n, s) => n + s.perKind[k].n, 0)).toBeGreaterThan(0);
    expect(m.sustainedUsers).toBe(m.steps.filter((s) => s.withinBudget).at(-1)?.users ?? 0);
    expect(written.goals.map((g) => g.name).filter((n) => n.startsWith('7.'))).toHaveLength(2);
  });
});
