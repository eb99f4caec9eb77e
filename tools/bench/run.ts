import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/config';
import { PACKAGE_ROOT } from '../../src/package-root';
import { TimeRangePreset } from '../../src/domain/time-range';
import { createLogger } from '../../src/log';
import { startGateway, type Gateway } from '../../src/app/gateway';
import { batchingBench, type BatchingResult } from './batching.bench';
import { BenchClient } from './client';
import type { BenchContext } from './context';
import { datasetDestinations, generateDataset, settleMerges, DATASET_SOURCES, EVENT_NAMES, APP_VERSIONS, type DatasetResult } from './dataset';
import { fanoutBench, type FanoutResult } from './fanout.bench';
import { herdBench, type HerdPlan, type HerdResult } from './herd.bench';
import { ingestBench, type IngestBenchResult, type ProducersPlan } from './ingest.bench';
import { mixBench, type MixPlan, type MixResult } from './mix.bench';
import { overheadBench, type OverheadCase } from './overhead.bench';
import { payoffBench, type PayoffResult } from './payoff.bench';
import { evaluateGoals, renderTable } from './report';
import { throughputBench, type ThroughputResult } from './throughput.bench';

/**
 * Where a run writes its result: full runs beside the code that measured them (committed),
 * smoke runs in a fresh temporary directory, so `bench --quick` never leaves a file in the tree.
 */
export function resultsDir(quick: boolean): string {
  return quick ? fs.mkdtempSync(path.join(os.tmpdir(), 'do-bench-quick-')) : path.join(PACKAGE_ROOT, 'tools', 'bench', 'results');
}

export interface BenchOptions {
  quick: boolean;
  outDir: string;
  /** Reuse this engine directory (tests: the jest worker's); default a fresh temporary one, removed afterwards. */
  dataDir?: string;
  /** Raw reports to generate; default 100M (full) or 200k (quick), or BENCH_REPORTS. */
  reports?: number;
  /** Progress lines; default stderr. */
  progress?: (line: string) => void;
  /** Run only these sections (default every one); the dataset is built either way. */
  only?: readonly SectionName[];
}

/** Every knob of one run, recorded in the result file. */
export interface BenchPlan {
  reports: number;
  days: number;
  chunkHours: number;
  payoffIterations: number;
  overheadSamples: Partial<Record<TimeRangePreset, number>>;
  overheadBlock: number;
  batchingRuns: number;
  throughput: { concurrency: number; durationMs: number };
  fanout: { connections: number; perConnection: number; keys: number; trials: number; windowIntervals: number };
  ingest: { reports: number; batchSize: number; concurrency: number; largeBatchSize: number; producers: ProducersPlan };
  settleMs: number;
  mix: MixPlan;
  herd: HerdPlan;
}

export function benchPlan(quick: boolean, reports?: number): BenchPlan {
  const envReports = process.env.BENCH_REPORTS ? Number(process.env.BENCH_REPORTS) : undefined;
  if (envReports !== undefined && !(Number.isInteger(envReports) && envReports > 0)) throw new Error('BENCH_REPORTS must be a positive integer');
  if (quick) {
    // A smoke run: every section, tiny counts; well under a minute on a busy 2-core machine.
    return {
      reports: reports ?? 100_000,
      days: 14,
      chunkHours: 24,
      payoffIterations: 2,
      overheadSamples: { [TimeRangePreset.LAST_24_HOURS]: 6 },
      overheadBlock: 3,
      batchingRuns: 1,
      throughput: { concurrency: 4, durationMs: 600 },
      fanout: { connections: 4, perConnection: 25, keys: 10, trials: 2, windowIntervals: 2 },
      ingest: {
        reports: 10_000,
        batchSize: 5_000,
        concurrency: 2,
        largeBatchSize: 10_000,
        producers: { reports: 10_000, large: { producers: 1, batchSize: 5_000 }, small: { producers: 8, batchSize: 500 } },
      },
      settleMs: 2_000,
      mix: {
        users: [1, 2, 4],
        stepMs: 2_000,
        minLoads: 0,
        maxStepMs: 2_000,
        thinkMs: 400,
        drillsPerPage: 2,
        budgetMs: 1_000,
        ingest: { batchSize: 100, everyMs: 500 },
        baselineSamples: 3,
      },
      herd: { users: [1, 4], arrivalMs: 1_000, warmupMs: 500, ingest: { batchSize: 100, everyMs: 200 } },
    };
  }
  return {
    reports: reports ?? envReports ?? 100_000_000,
    days: 14,
    chunkHours: 6,
    payoffIterations: 20,
    overheadSamples: { [TimeRangePreset.LAST_24_HOURS]: 300, [TimeRangePreset.LAST_2_WEEKS]: 100 },
    overheadBlock: 10,
    batchingRuns: 10,
    throughput: { concurrency: 8, durationMs: 10_000 },
    fanout: { connections: 50, perConnection: 200, keys: 100, trials: 20, windowIntervals: 10 },
    // Producers: 8 posting 500-report bodies against 1 posting 10,000-report bodies, 400,000 reports each way.
    ingest: {
      reports: 500_000,
      batchSize: 10_000,
      concurrency: 2,
      largeBatchSize: 50_000,
      producers: { reports: 400_000, large: { producers: 1, batchSize: 10_000 }, small: { producers: 8, batchSize: 500 } },
    },
    settleMs: 300_000,
    // Readers pause ~3 s between views ("a discard step every few seconds"); producers post 500-report bodies twice a second.
    // At least 40 loads per step (90 s at most), so a small step's p95 is not just its slowest load.
    mix: {
      users: [1, 2, 4, 8, 16, 32, 64],
      stepMs: 30_000,
      minLoads: 40,
      maxStepMs: 90_000,
      thinkMs: 3_000,
      drillsPerPage: 2,
      budgetMs: 1_000,
      ingest: { batchSize: 500, everyMs: 500 },
      baselineSamples: 30,
    },
    // The incident herd: readers within a second, producers at 5,000 reports/s in 500-report bodies.
    herd: { users: [1, 8, 32, 64], arrivalMs: 1_000, warmupMs: 5_000, ingest: { batchSize: 500, everyMs: 100 } },
  };
}

export interface Goal {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

export interface BenchResult extends Partial<Sections> {
  date: string;
  quick: boolean;
  /** The sections this run measured, in order (`--only` narrows them). */
  sections: SectionName[];
  machine: { cores: number; memoryGiB: number; cpu: string; node: string; loadAvgStart: number[]; loadAvgEnd: number[] };
  backend: string;
  engine: string;
  dataset: DatasetResult & {
    workspace: string;
    days: number;
    destinations: { total: number; classic: number; actions: number; storage: number };
    sources: number;
    eventNames: number;
    appVersions: number;
    tables: Record<string, { parts: number; rows: number; bytes: number }>;
    settleSeconds: number;
  };
  plan: BenchPlan;
  config: Record<string, string>;
  goals: Goal[];
  seconds: number;
}

/**
 * `npm run bench`: builds the dataset inside the engine on a fresh database, runs the
 * selected sections (all by default) against a gateway on loopback (load from a separate client process),
 * prints a table, and writes <outDir>/<date>.json with the machine, backend and dataset
 * beside every figure. Bounded: every loop has a count or a deadline.
 */
export async function runBench(base: Config, opts: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}\n`));
  const plan = benchPlan(opts.quick, opts.reports);
  const loadAvgStart = loadAverage();
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'do-bench-'));
  const env = gatewayEnv(plan);
  const config = loadConfig({ ...process.env, ...env, DATA_DIR: dataDir, CLICKHOUSE_DATABASE: `bench_${Date.now()}` });
  const gateway = await startGateway({
    config: { ...config, clickhouse: { ...config.clickhouse, url: base.clickhouse.url ?? config.clickhouse.url } },
    log: createLogger('silent'),
  });
  let client: BenchClient | null = null;
  try {
    const [{ v: engine }] = await gateway.db.query<{ v: string }>({ family: 'bench', sql: 'SELECT version() AS v' });
    const dataset = await buildDataset(gateway, plan, progress);
    client = BenchClient.start();
    const only = opts.only ?? SECTION_NAMES;
    const sections = await runSections(gateway, client, plan, only, opts.quick, config.live.pollIntervalMs, progress);
    const result: BenchResult = {
      date: new Date().toISOString(),
      quick: opts.quick,
      sections: SECTION_NAMES.filter((s) => only.includes(s)),
      machine: {
        cores: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        cpu: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        loadAvgStart,
        loadAvgEnd: loadAverage(),
      },
      backend: gateway.db.backend,
      engine,
      dataset,
      plan,
      config: env,
      ...sections,
      goals: [],
      seconds: 0,
    };
    result.goals = evaluateGoals(result);
    result.seconds = Math.round((performance.now() - started) / 1000);
    process.stdout.write(renderTable(result));
    writeResult(result, opts.outDir);
    return result;
  } finally {
    await client?.close();
    await dropDatabase(gateway);
    await gateway.close();
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** The gateway's settings for a run (recorded in the result as `config`). */
function gatewayEnv(plan: BenchPlan): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    IDE_ENABLED: 'false',
    // The bench drives one workspace far past the per-workspace rate limits on purpose.
    QUERY_RATE_PER_SECOND: '0',
    INGEST_RATE_PER_SECOND: '0',
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(plan.fanout.perConnection),
    WS_MAX_SUBSCRIPTIONS_PER_WORKSPACE: String(plan.fanout.connections * plan.fanout.perConnection),
    // Raw-table baselines over the whole dataset may take longer than a dashboard read.
    QUERY_TIMEOUT_SECONDS: '120',
    // No replays in the dataset: the sender's sweep would only add a timer's statement inside measured windows.
    REPLAY_SEND_INTERVAL_MS: '0',
  };
}

const WORKSPACE = 'bench';

/** Generates the dataset in the engine, waits for merges, and describes what it holds. */
async function buildDataset(gateway: Gateway, plan: BenchPlan, progress: (line: string) => void): Promise<BenchResult['dataset']> {
  progress(`dataset: ${plan.reports.toLocaleString('en')} reports over ${plan.days} days, generated in the engine`);
  const dataset = await generateDataset(gateway.db, {
    workspaceId: WORKSPACE,
    reports: plan.reports,
    to: Date.now() - 60_000,
    days: plan.days,
    chunkHours: plan.chunkHours,
    onChunk: (done, total, ms) =>
      progress(`dataset: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round(done / (ms / 1000)).toLocaleString('en')} reports/s)`),
  });
  progress('dataset: waiting for background merges to settle');
  const settled = await settleMerges(gateway.db, plan.settleMs);
  const destinations = datasetDestinations();
  const ofKind = (kind: string) => destinations.filter((d) => d.kind === kind).length;
  return {
    ...dataset,
    workspace: WORKSPACE,
    days: plan.days,
    destinations: { total: destinations.length, classic: ofKind('classic'), actions: ofKind('actions'), storage: ofKind('storage') },
    sources: DATASET_SOURCES.length,
    eventNames: EVENT_NAMES.length,
    appVersions: APP_VERSIONS.length,
    tables: settled.parts,
    settleSeconds: Math.round(settled.waitedMs / 1000),
  };
}

export interface Sections {
  payoff: PayoffResult;
  overhead: { destinationId: string; cases: OverheadCase[] };
  ingest: IngestBenchResult;
  fanout: FanoutResult;
  batching: BatchingResult;
  throughput: ThroughputResult;
  mix: MixResult;
  herd: HerdResult;
}
export type SectionName = keyof Sections;
/** Every section, in the order a run measures them (the mix and the herd last: their producers add rows to the dataset's workspace). */
export const SECTION_NAMES: readonly SectionName[] = ['payoff', 'overhead', 'batching', 'throughput', 'fanout', 'ingest', 'mix', 'herd'];

/** The selected measurements, in order. */
const CACHED_SECTIONS: ReadonlySet<SectionName> = new Set(['mix', 'herd']);

async function runSections(
  gateway: Gateway,
  client: BenchClient,
  plan: BenchPlan,
  only: readonly SectionName[],
  quick: boolean,
  livePollIntervalMs: number,
  progress: (line: string) => void,
): Promise<Partial<Sections>> {
  const { token: readToken } = await gateway.tokens.create(WORKSPACE, ['read']);
  const ctx: BenchContext = { gateway, client, quick, workspaceId: WORKSPACE, readToken, destinations: datasetDestinations(), progress };
  const run: { [K in SectionName]: () => Promise<Sections[K]> } = {
    payoff: () => payoffBench(ctx, { iterations: plan.payoffIterations }),
    overhead: () => overheadBench(ctx, { samples: plan.overheadSamples, block: plan.overheadBlock }),
    batching: () => batchingBench(ctx, { runs: plan.batchingRuns }),
    throughput: () => throughputBench(ctx, plan.throughput),
    fanout: () => fanoutBench(gateway, client, { workspaceId: 'bench_live', ...plan.fanout, intervalMs: livePollIntervalMs, progress }),
    ingest: async () => {
      progress(`ingest: ${plan.ingest.reports.toLocaleString('en')} reports, three ways`);
      const { token: ingestToken } = await gateway.tokens.create('bench_ingest', ['ingest']);
      return ingestBench(gateway, client, ingestToken, plan.ingest);
    },
    mix: () => mixBench(ctx, plan.mix),
    herd: () => herdBench(ctx, plan.herd),
  };
  const out: Partial<Sections> = {};
  for (const name of SECTION_NAMES) {
    if (!only.includes(name)) continue;
    // Sections that compare GraphQL with the same SQL called directly, or time one reader, run
    // every statement: a kept answer would make the gateway's side free. The mix and the herd
    // measure the product as it serves many readers, cache included.
    gateway.sharedReads.enabled = CACHED_SECTIONS.has(name);
    (out as Record<SectionName, unknown>)[name] = await run[name]();
  }
  gateway.sharedReads.enabled = true;
  return out;
}

function writeResult(result: BenchResult, outDir: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  // A run of some sections only never overwrites the day's full result.
  const partial = result.sections.length < SECTION_NAMES.length ? `-${result.sections.join('-')}` : '';
  const file = path.join(outDir, `${result.date.slice(0, 10)}${partial}${result.quick ? '-quick' : ''}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`\nwrote ${file}\n`);
}

async function dropDatabase(gateway: Gateway): Promise<void> {
  try {
    await gateway.db.command({ family: 'bench', sql: `DROP DATABASE IF EXISTS ${gateway.db.database} SYNC` });
  } catch {
    // Best effort: a temporary directory is removed anyway.
  }
}
