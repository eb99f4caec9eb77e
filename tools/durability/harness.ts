import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/clickhouse/open';
import { Rng } from '../../src/simulate/random';
import { GatewayChild, createIngestToken, freePort } from './gateway';
import { Producers } from './producer';
import { durabilityPassed, newDurabilityResult, type DurabilityResult } from './result';
import { verify } from './verify';

// The harness's public surface stays here: main.ts imports the result and its text form from this
// module, and scripts/repro-dedup-orphan.sh requires orphanDedupRecords from dist-tools/tools/durability/harness.
export type { DurabilityResult } from './result';
export { describeDurability } from './result';
export { orphanDedupRecords } from './dedup-log';

/**
 * Durability harness: "acknowledged means stored, exactly once" under SIGKILL.
 *
 * The gateway runs as a child process (`node dist/cli.js serve`, embedded engine in a
 * temporary DATA_DIR, one fixed loopback port so producers keep one URL across restarts).
 * Producers post NDJSON batches of 1–500 reports, each with its own Idempotency-Key, and
 * retry every batch that was not acknowledged (connection refused or reset, 5xx, 429) with
 * the same key and the same body until it is. Meanwhile the harness kills the gateway with
 * SIGKILL after a random 50–1500 ms (sometimes before it even listens) and starts it again,
 * N times. After the last kill and a final restart the producers drain, the gateway stops
 * with SIGTERM, and the harness opens the data directory itself to check:
 *
 *   - every acknowledged report is in the raw table exactly once (each report carries a
 *     unique messageId: `GROUP BY message_id HAVING count() != 1` must be empty, and every
 *     batch has exactly its rows and its sum of counts);
 *   - raw equals both aggregate tiers (reconcile's comparison), and the retry-pending gauge
 *     equals enqueued − resolved in the raw table;
 *   - every acknowledged warehouse sync is stored once.
 *
 * Timestamps spread over the last `spreadHours` hours, so one batch usually spans two or
 * three daily partitions of the raw table: a kill can land between the parts of one
 * insert, which is the hard case for block deduplication.
 */

export interface DurabilityOptions {
  /** SIGKILLs to deliver (default 100). */
  kills: number;
  /** Budget for the kill phase, seconds (default 540); the run stops killing when it is spent. */
  maxSeconds: number;
  /** Batches in flight at once (default 4). */
  concurrency: number;
  seed: number;
  /** Report timestamps are spread over this many hours before now (default 48). */
  spreadHours: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Share of kills aimed at a starting gateway (before it listens), default 0.1. */
  startupKillShare: number;
  /** Keep the temporary data directory (its path is printed). */
  keep: boolean;
  /** The product CLI to run as the gateway (main.ts passes dist/cli.js). */
  cli: string;
  /** Progress lines (stderr by default). */
  progress: (line: string) => void;
}

export const DEFAULT_DURABILITY: Omit<DurabilityOptions, 'seed' | 'progress' | 'cli'> = {
  kills: 100,
  maxSeconds: 540,
  concurrency: 4,
  spreadHours: 48,
  minDelayMs: 50,
  maxDelayMs: 1500,
  startupKillShare: 0.1,
  keep: false,
};

const DATABASE = 'delivery_overview';
const HOUR_MS = 3_600_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One run's state, shared by its phases. */
interface Run {
  opts: DurabilityOptions;
  rng: Rng;
  gw: GatewayChild;
  dataDir: string;
  spreadMs: number;
  result: DurabilityResult;
  finding(s: string): void;
  note(s: string): void;
  /** When the kill phase started (0 before). */
  killStarted: number;
}

export async function runDurability(opts: DurabilityOptions): Promise<DurabilityResult> {
  const startedAll = Date.now();
  const runId = `dur${opts.seed.toString(36)}${crypto.randomBytes(3).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-durability-'));
  const port = await freePort();
  const rootToken = `root-${crypto.randomBytes(24).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ROOT_TOKEN: rootToken, LOG_LEVEL: 'info', CLICKHOUSE_DATABASE: DATABASE };
  delete env.CLICKHOUSE_URL;
  delete env.CLICKHOUSE_CLUSTER;
  const gw = new GatewayChild(opts.cli, env);
  const release = killGatewayOnExit(gw);
  const result = newDurabilityResult(opts.seed, opts.keep ? dataDir : null);
  const run: Run = {
    opts, rng: new Rng(opts.seed), gw, dataDir, spreadMs: opts.spreadHours * HOUR_MS, result, killStarted: 0,
    finding: (s) => {
      if (result.findings.length < 50) result.findings.push(s);
    },
    note: (s) => {
      if (result.notes.length < 20) result.notes.push(s);
    },
  };
  let producers: Producers | undefined;
  try {
    await gw.spawn();
    const token = await createIngestToken(port, rootToken);
    opts.progress(`gateway up on 127.0.0.1:${port} (pid ${gw.pid}); data ${dataDir}; seed ${opts.seed}`);
    producers = new Producers({ port, token, rng: run.rng, runId, spreadMs: run.spreadMs, result, finding: run.finding, note: run.note }, opts.concurrency);
    await killPhase(run);
    await drainAndStop(run, producers);
    await verifyDataDir(run, producers);
  } catch (err) {
    run.finding(`harness error: ${(err as Error).message}`);
    run.finding(`gateway output:\n${gw.lastLines()}`);
  } finally {
    producers?.stop();
    gw.killNow();
    recordStarts(run);
    release();
    if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  result.wallMs = Date.now() - startedAll;
  result.ok = durabilityPassed(result);
  return result;
}

/** Kills the gateway child if the harness exits or is interrupted; returns the undo. */
function killGatewayOnExit(gw: GatewayChild): () => void {
  const onExit = () => gw.killNow();
  const onSignal = () => {
    gw.killNow();
    process.exit(130);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** SIGKILLs after random delays, sometimes again during the restart, until the kills or the budget are spent; ends with the gateway up. */
async function killPhase(run: Run): Promise<void> {
  const { opts, rng, gw, result } = run;
  run.killStarted = Date.now();
  const deadline = run.killStarted + opts.maxSeconds * 1000;
  let reported = 0;
  while (result.kills < opts.kills && Date.now() < deadline) {
    await sleep(rng.int(opts.minDelayMs, opts.maxDelayMs));
    await gw.kill();
    result.kills++;
    // Sometimes kill the next start too, before it listens (engine load, part loading, migrations).
    while (result.kills < opts.kills && Date.now() < deadline && rng.chance(opts.startupKillShare)) {
      const starting = gw.spawn().catch(() => null);
      await sleep(rng.int(opts.minDelayMs, opts.maxDelayMs));
      const wasListening = gw.listening;
      await gw.kill();
      await starting;
      result.kills++;
      if (!wasListening) result.killsDuringStartup++;
    }
    await gw.spawn();
    if (Math.floor(result.kills / 10) > reported || result.kills === opts.kills) {
      reported = Math.floor(result.kills / 10);
      opts.progress(`kill ${result.kills}/${opts.kills}: ${result.batchesAcknowledged} batches acknowledged, ${result.retries} retries, ${((Date.now() - run.killStarted) / 1000).toFixed(0)} s`);
    }
  }
  result.killPhaseMs = Date.now() - run.killStarted;
  if (result.kills < opts.kills) run.finding(`time budget (${opts.maxSeconds} s) ran out after ${result.kills} of ${opts.kills} kills`);
}

/** The final restart is up: stop producing, drain every unacknowledged batch against it, stop the gateway. */
async function drainAndStop(run: Run, producers: Producers): Promise<void> {
  producers.stop();
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    producers.finished().then(() => true),
    new Promise<boolean>((resolve) => {
      drainTimer = setTimeout(() => resolve(false), 120_000);
    }),
  ]);
  clearTimeout(drainTimer);
  if (!drained) run.finding(`${producers.pending.size} batches still unacknowledged 120 s after the last restart`);
  const exitCode = await run.gw.stop();
  if (exitCode !== 0) run.note(`final gateway exited with ${exitCode} on SIGTERM (graceful shutdown is not what this harness checks)`);
  run.opts.progress(`drained: ${run.result.batchesAcknowledged} batches acknowledged; verifying ${run.dataDir}`);
}

/** Verify, holding the data directory ourselves now that no gateway does. */
async function verifyDataDir(run: Run, producers: Producers): Promise<void> {
  const db = await openDb({ url: null, database: DATABASE, dataDir: run.dataDir, queryTimeoutSeconds: 300 });
  try {
    await verify(db, producers.acked, [...producers.pending], run.spreadMs, run.result, run.finding);
  } finally {
    await db.close();
  }
}

/** The gateway's starts and start times, its exits of its own, and the kill phase's length if it was cut short. */
function recordStarts(run: Run): void {
  const { gw, result } = run;
  result.starts = gw.starts;
  for (const e of gw.unexpectedExits.slice(0, 10)) run.finding(`the gateway exited by itself: ${e}`);
  const sorted = [...gw.startMs].sort((a, b) => a - b);
  result.startMs = { p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
  if (result.killPhaseMs === 0 && run.killStarted > 0) result.killPhaseMs = Date.now() - run.killStarted;
}
