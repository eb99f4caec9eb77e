import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/config';
import { TimeRangePreset } from '../../src/domain/time-range';
import { createLogger } from '../../src/log';
import { startGateway, type Gateway } from '../../src/server';
import { batchingBench, type BatchingResult } from './batching.bench';
import { BenchClient } from './client';
import type { BenchContext } from './context';
import { datasetDestinations, generateDataset, settleMerges, DATASET_SOURCES, EVENT_NAMES, APP_VERSIONS, type DatasetResult } from './dataset';
import { fanoutBench, type FanoutResult } from './fanout.bench';
import { ingestBench, type IngestBenchResult } from './ingest.bench';
import { overheadBench, type OverheadCase } from './overhead.bench';
import { payoffBench, type PayoffResult } from './payoff.bench';
import { throughputBench, type ThroughputResult } from './throughput.bench';

export interface BenchOptions {
  quick: boolean;
  outDir: string;
  /** Reuse this engine directory (tests: the jest worker's); default a fresh temporary one, removed afterwards. */
  dataDir?: string;
  /** Raw reports to generate; default 100M (full) or 200k (quick), or BENCH_REPORTS. */
  reports?: number;
  /** Progress lines; default stderr. */
  progress?: (line: string) => void;
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
  ingest: { reports: number; batchSize: number; concurrency: number; largeBatchSize: number };
  settleMs: number;
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
      ingest: { reports: 10_000, batchSize: 5_000, concurrency: 2, largeBatchSize: 10_000 },
      settleMs: 2_000,
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
    ingest: { reports: 500_000, batchSize: 10_000, concurrency: 2, largeBatchSize: 50_000 },
    settleMs: 300_000,
  };
}

export interface Goal {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

export interface BenchResult {
  date: string;
  quick: boolean;
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
  payoff: PayoffResult;
  overhead: { destinationId: string; cases: OverheadCase[] };
  ingest: IngestBenchResult;
  fanout: FanoutResult;
  batching: BatchingResult;
  throughput: ThroughputResult;
  goals: Goal[];
  seconds: number;
}

/**
 * `npm run bench`: builds the dataset inside the engine on a fresh database, runs the
 * six sections against a gateway on loopback (load from a separate client process),
 * prints a table, and writes bench/results/<date>.json with the machine, backend and
 * dataset beside every figure. Bounded: every loop has a count or a deadline.
 */
export async function runBench(base: Config, opts: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}\n`));
  const plan = benchPlan(opts.quick, opts.reports);
  const loadAvgStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'do-bench-'));
  const subscribers = plan.fanout.connections * plan.fanout.perConnection;
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    IDE_ENABLED: 'false',
    // The bench drives one workspace far past the per-workspace rate limits on purpose.
    QUERY_RATE_PER_SECOND: '0',
    INGEST_RATE_PER_SECOND: '0',
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(plan.fanout.perConnection),
    WS_MAX_SUBSCRIPTIONS_PER_WORKSPACE: String(subscribers),
    // Raw-table baselines over the whole dataset may take longer than a dashboard read.
    QUERY_TIMEOUT_SECONDS: '120',
  };
  const config = loadConfig({ ...process.env, ...env, DATA_DIR: dataDir, CLICKHOUSE_DATABASE: `bench_${Date.now()}` });
  const gateway = await startGateway({ config: { ...config, clickhouseUrl: base.clickhouseUrl ?? config.clickhouseUrl }, log: createLogger('silent') });
  let client: BenchClient | null = null;
  try {
    const [{ v: engine }] = await gateway.db.query<{ v: string }>({ family: 'bench', sql: 'SELECT version() AS v' });
    const workspaceId = 'bench';
    const destinations = datasetDestinations();

    progress(`dataset: ${plan.reports.toLocaleString('en')} reports over ${plan.days} days, generated in the engine`);
    const dataset = await generateDataset(gateway.db, {
      workspaceId,
      reports: plan.reports,
      to: Date.now() - 60_000,
      days: plan.days,
      chunkHours: plan.chunkHours,
      onChunk: (done, total, ms) => progress(`dataset: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round(done / (ms / 1000)).toLocaleString('en')} reports/s)`),
    });
    progress('dataset: waiting for background merges to settle');
    const settled = await settleMerges(gateway.db, plan.settleMs);

    const { token: readToken } = await gateway.tokens.create(workspaceId, ['read']);
    client = BenchClient.start();
    const ctx: BenchContext = { gateway, client, quick: opts.quick, workspaceId, readToken, destinations, progress };

    const payoff = await payoffBench(ctx, { iterations: plan.payoffIterations });
    const overhead = await overheadBench(ctx, { samples: plan.overheadSamples, block: plan.overheadBlock });
    const batching = await batchingBench(ctx, { runs: plan.batchingRuns });
    const throughput = await throughputBench(ctx, plan.throughput);
    const fanout = await fanoutBench(gateway, client, { workspaceId: 'bench_live', ...plan.fanout, intervalMs: config.livePollIntervalMs, progress });
    progress(`ingest: ${plan.ingest.reports.toLocaleString('en')} reports, three ways`);
    const { token: ingestToken } = await gateway.tokens.create('bench_ingest', ['ingest']);
    const ingest = await ingestBench(gateway, client, ingestToken, plan.ingest);

    const result: BenchResult = {
      date: new Date().toISOString(),
      quick: opts.quick,
      machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAvgStart, loadAvgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      backend: gateway.db.backend,
      engine,
      dataset: {
        ...dataset,
        workspace: workspaceId,
        days: plan.days,
        destinations: {
          total: destinations.length,
          classic: destinations.filter((d) => d.kind === 'classic').length,
          actions: destinations.filter((d) => d.kind === 'actions').length,
          storage: destinations.filter((d) => d.kind === 'storage').length,
        },
        sources: DATASET_SOURCES.length,
        eventNames: EVENT_NAMES.length,
        appVersions: APP_VERSIONS.length,
        tables: settled.parts,
        settleSeconds: Math.round(settled.waitedMs / 1000),
      },
      plan,
      config: env,
      payoff,
      overhead,
      ingest,
      fanout,
      batching,
      throughput,
      goals: [],
      seconds: 0,
    };
    result.goals = evaluateGoals(result);
    result.seconds = Math.round((performance.now() - started) / 1000);
    process.stdout.write(renderTable(result));
    fs.mkdirSync(opts.outDir, { recursive: true });
    const file = path.join(opts.outDir, `${result.date.slice(0, 10)}${opts.quick ? '-quick' : ''}.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`\nwrote ${file}\n`);
    return result;
  } finally {
    await client?.close();
    await dropDatabase(gateway);
    await gateway.close();
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function dropDatabase(gateway: Gateway): Promise<void> {
  try {
    await gateway.db.command({ family: 'bench', sql: `DROP DATABASE IF EXISTS ${gateway.db.database} SYNC` });
  } catch {
    // Best effort: a temporary directory is removed anyway.
  }
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (n: number) => `${fmt(n, n < 10 ? 1 : 0)} ms`;

export function evaluateGoals(r: BenchResult): Goal[] {
  const goals: Goal[] = [];
  const pipeline = r.payoff.cases.find((c) => c.question === 'pipeline')!;
  goals.push({ name: `1. pipeline p50 (${r.payoff.preset}, ${fmt(r.dataset.reports)} reports)`, target: '≤ 15 ms', actual: ms(pipeline.aggregate.p50), met: pipeline.aggregate.p50 <= 15 });
  goals.push({ name: '1. pipeline speed-up over raw (p50)', target: '≥ 20×', actual: `${pipeline.speedupP50}×`, met: pipeline.speedupP50 >= 20 });
  goals.push({ name: '1. aggregate answers equal raw answers', target: 'all', actual: r.payoff.cases.filter((c) => c.equal).length + `/${r.payoff.cases.length}`, met: r.payoff.cases.every((c) => c.equal) });
  const worstP50 = Math.max(...r.overhead.cases.map((c) => c.ratioP50));
  const worstP99 = Math.max(...r.overhead.cases.map((c) => c.ratioP99));
  goals.push({ name: '2. gateway / direct SQL, p50 (worst case)', target: '≤ 1.3×', actual: `${worstP50}×`, met: worstP50 <= 1.3 });
  goals.push({ name: '2. gateway / direct SQL, p99 (worst case)', target: '≤ 2×', actual: `${worstP99}×`, met: worstP99 <= 2 });
  goals.push({ name: '3. HTTP ingest / engine insert of same bytes', target: '≥ 0.8×', actual: `${r.ingest.httpVsEngine}×`, met: r.ingest.httpVsEngine >= 0.8 });
  goals.push({ name: `3. HTTP ingest on ${r.machine.cores} cores`, target: '≥ 150,000 reports/s', actual: `${fmt(r.ingest.httpReportsPerSecond)} reports/s`, met: r.ingest.httpReportsPerSecond >= 150_000 });
  const f = r.fanout;
  goals.push({ name: `4. ClickHouse polls per interval (${fmt(f.subscribers)} subscribers)`, target: `= keys (${f.keys})`, actual: `${f.pollsPerInterval}`, met: Math.abs(f.pollsPerInterval - f.keys) <= Math.max(1, f.keys * 0.05) });
  goals.push({ name: '4. ingest-to-push p95', target: '≤ 2,000 ms', actual: ms(f.latency.p95), met: f.latency.p95 <= 2000 && f.missedPushes === 0 });
  goals.push({ name: '4. gateway process RSS with subscribers', target: '≤ 400 MB', actual: `${fmt(f.rssWithSubscribersMB)} MB`, met: f.rssWithSubscribersMB <= 400 });
  goals.push({ name: `5. overview queries for ${r.batching.destinations} destinations`, target: '≤ 5 (constant)', actual: `${r.batching.loaders.queries}`, met: r.batching.loaders.queries <= 5 });
  return goals;
}

/** The table printed at the end of a run (also pasted into README "Performance"). */
export function renderTable(r: BenchResult): string {
  const d = r.dataset;
  const lines: string[] = [];
  lines.push('');
  lines.push(`machine: ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB (${r.machine.cpu}), Node ${r.machine.node}, load average ${r.machine.loadAvgStart[0]} → ${r.machine.loadAvgEnd[0]}`);
  lines.push(`backend: ${r.backend} (ClickHouse ${r.engine})`);
  lines.push(
    `dataset: ${fmt(d.reports)} raw reports over ${d.days} days, 1 workspace, ${d.destinations.total} destinations (${d.destinations.classic} classic, ${d.destinations.actions} actions, ${d.destinations.storage} storage), ` +
      `${d.sources} sources, ${d.eventNames} event names, ${d.appVersions} app versions; generated in ${fmt(d.seconds)} s (${fmt(d.reportsPerSecond)} reports/s); ` +
      `aggregates: ${['steps_minute', 'steps_hour', 'events_minute', 'events_hour'].filter((t) => d.tables[t]).map((t) => `${t} ${fmt(d.tables[t].rows)} rows`).join(', ')}`,
  );
  lines.push('');
  const rows: string[][] = [['#', 'measure', 'gateway', 'baseline', 'ratio']];
  for (const c of r.payoff.cases) {
    rows.push(['1', `${c.question} ${r.payoff.preset}, aggregates vs raw table: p50`, ms(c.aggregate.p50), ms(c.raw.p50), `${c.speedupP50}× faster${c.equal ? '' : ' (ANSWERS DIFFER)'}`]);
    rows.push(['1', `${c.question} ${r.payoff.preset}, aggregates vs raw table: p95`, ms(c.aggregate.p95), ms(c.raw.p95), `${c.speedupP95}× faster`]);
  }
  for (const c of r.overhead.cases) {
    rows.push(['2', `${c.question} ${c.preset}, GraphQL/HTTP vs same SQL direct: p50`, ms(c.graphql.p50), ms(c.direct.p50), `${c.ratioP50}×`]);
    rows.push(['2', `${c.question} ${c.preset}, GraphQL/HTTP vs same SQL direct: p99`, ms(c.graphql.p99), ms(c.direct.p99), `${c.ratioP99}×`]);
  }
  const i = r.ingest;
  rows.push(['3', `ingest ${fmt(i.reports)} reports: HTTP vs engine insert of same bytes`, `${fmt(i.httpReportsPerSecond)}/s`, `${fmt(i.engineSameBytesReportsPerSecond)}/s`, `${i.httpVsEngine}×`]);
  rows.push(['3', `ingest: HTTP vs INSERT … SELECT of same rows`, `${fmt(i.httpReportsPerSecond)}/s`, `${fmt(i.insertSelectReportsPerSecond)}/s`, `${i.httpVsInsertSelect}×`]);
  rows.push(['3', `ingest what-if: same bytes, ${fmt(i.batchSize)} vs ${fmt(i.largeBatchSize)} rows per engine insert`, `${fmt(i.engineSameBytesReportsPerSecond)}/s`, `${fmt(i.engineLargeBatchReportsPerSecond)}/s`, `${(i.engineLargeBatchReportsPerSecond / i.engineSameBytesReportsPerSecond).toFixed(2)}× with larger inserts`]);
  const f = r.fanout;
  rows.push(['4', `fan-out ${fmt(f.subscribers)} subscribers (${f.connections} conns × ${f.subscriptionsPerConnection}) on ${f.keys} keys: polls per ${f.intervalMs} ms`, `${f.pollsPerInterval}`, `${f.keys} keys`, `${(f.pollsPerInterval / f.keys).toFixed(2)} per key`]);
  rows.push(['4', 'fan-out: ingest-to-push p50 / p95', `${ms(f.latency.p50)} / ${ms(f.latency.p95)}`, '', `${f.missedPushes} missed`]);
  rows.push(['4', 'fan-out: gateway RSS before → with subscribers', `${fmt(f.rssWithSubscribersMB)} MB`, `${fmt(f.rssBeforeMB)} MB`, `+${fmt(f.rssDeltaMB)} MB`]);
  const b = r.batching;
  rows.push(['5', `overview of ${b.destinations} destinations (${b.preset}): 1 request vs ${b.perDestination.requests} at once, queries`, `${b.loaders.queries}`, `${b.perDestination.queries}`, `${(b.perDestination.queries / Math.max(1, b.loaders.queries)).toFixed(0)}× fewer`]);
  rows.push(['5', 'overview: p50', ms(b.loaders.ms.p50), ms(b.perDestination.ms.p50), `${b.speedupP50}× faster`]);
  rows.push(['5', 'overview SQL alone: 1 pipelineCounts vs 1 per destination, p50', ms(b.sqlBatched.ms.p50), ms(b.sqlPerDestination.ms.p50), `${b.sqlSpeedupP50}× faster`]);
  const t = r.throughput;
  rows.push(['6', `pipeline ${t.preset}, ${t.concurrency} concurrent, ${t.seconds} s: GraphQL vs direct SQL`, `${fmt(t.graphql.perSecond, 1)} req/s`, `${fmt(t.direct.perSecond, 1)} req/s`, `${t.ratio}×`]);
  rows.push(['6', 'throughput: p50 latency under load', ms(t.graphql.ms.p50), ms(t.direct.ms.p50), '']);
  lines.push(...table(rows));
  lines.push('');
  lines.push('goals:');
  lines.push(...table([['goal', 'target', 'measured', ''], ...r.goals.map((g) => [g.name, g.target, g.actual, g.met ? 'met' : 'MISSED'])]));
  lines.push('');
  return lines.join('\n') + '\n';
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((x, c) => (x ?? '').padEnd(widths[c])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}
