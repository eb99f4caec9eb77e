import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/clickhouse/open';
import { Rng } from '../../src/simulate/random';
import { checkApi } from './api-check';
import { scanDedupOrphans, scanDetachedParts } from './dedup-log';
import { restoredFromReplacedParts } from './detached';
import { diskFullPhase } from './disk-full';
import { GatewayChild, createToken, freePort } from './gateway';
import { killPhase } from './kill-phase';
import { Ledger } from './ledger';
import { plantAfterRepair, plantBeforeRepair } from './plant';
import { Producers } from './producer';
import { durabilityPassed, newDurabilityResult, type DurabilityResult } from './result';
import { DATABASE, type DurabilityOptions, type Run } from './run';
import { mountSmallDisk, type FullDisk } from './tmpfs';
import { verify } from './verify';

// The harness's public surface stays here: main.ts imports the options, the result and its text
// form from this module, and scripts/repro-dedup-orphan.sh requires scanDedupOrphans from
// dist-tools/tools/durability/harness.
export type { DurabilityResult } from './result';
export { describeDurability } from './result';
export { scanDedupOrphans } from './dedup-log';
export { DEFAULT_DURABILITY, type DurabilityOptions } from './run';

/**
 * Durability harness: "acknowledged means stored, exactly once" under SIGKILL and a full disk,
 * checked three ways that do not lean on the product's own checks.
 *
 * The gateway runs as a child process (`node dist/cli.js serve`, embedded engine in a temporary
 * DATA_DIR, on a size-limited tmpfs when the disk-full fault is asked for, one fixed loopback
 * port). Producers post NDJSON batches of every destination kind and field (traffic.ts), each
 * with its own Idempotency-Key, and retry every unacknowledged batch with the same key and body.
 * Faults: SIGKILL after 50–1500 ms, N times (kill-phase.ts), then optionally a disk full for
 * longer than a minute (disk-full.ts). After the last restart the producers drain and the
 * gateway stops; then:
 *
 *   - orphan deduplication records are counted from the files, before anything opens the data
 *     (after every kill, and at the end), then again after the product's repair;
 *   - every report in the raw table exactly once, per batch rows and sums, samples and syncs
 *     (verify.ts), and every aggregate tier equal to the harness's own recount from raw
 *     (recount.ts);
 *   - the gateway is started once more and its GraphQL answers are compared with the harness's
 *     ledger of acknowledged reports (api-check.ts, ledger.ts).
 *
 * Timestamps spread over the last `spreadHours` hours, so one batch usually spans two or
 * three daily partitions of the raw table: a kill can land between the parts of one insert.
 */
export async function runDurability(opts: DurabilityOptions): Promise<DurabilityResult> {
  const startedAll = Date.now();
  const { disk, skipped } = diskFor(opts);
  const dataDir = disk ? path.join(disk.dir, 'data') : fs.mkdtempSync(path.join(os.tmpdir(), 'do-durability-'));
  const port = await freePort();
  const rootToken = `root-${crypto.randomBytes(24).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ROOT_TOKEN: rootToken,
    LOG_LEVEL: 'info',
    CLICKHOUSE_DATABASE: DATABASE,
  };
  delete env.CLICKHOUSE_URL;
  delete env.CLICKHOUSE_CLUSTER;
  const gw = new GatewayChild(opts.cli, env);
  const release = killGatewayOnExit(gw, disk);
  const result = newDurabilityResult(opts.seed, opts.keep ? dataDir : null, opts.plant);
  result.loadBefore = os.loadavg();
  const run: Run = {
    opts,
    rng: new Rng(opts.seed),
    gw,
    port,
    dataDir,
    spreadMs: opts.spreadHours * 3_600_000,
    result,
    killStarted: 0,
    awaitingRepair: new Set(),
    orphansSeen: new Set(),
    finding: (s) => void (result.findings.length < 50 && result.findings.push(s)),
    note: (s) => void (result.notes.length < 20 && result.notes.push(s)),
  };
  let producers: Producers | undefined;
  try {
    await gw.spawn();
    const [ingestToken, readToken] = [await createToken(port, rootToken, 'INGEST'), await createToken(port, rootToken, 'READ')];
    opts.progress(`gateway up on 127.0.0.1:${port} (pid ${gw.pid}); data ${dataDir}; seed ${opts.seed}`);
    producers = new Producers(
      {
        port,
        token: ingestToken,
        rng: run.rng,
        runId: `dur${opts.seed.toString(36)}${crypto.randomBytes(3).toString('hex')}`,
        spreadMs: run.spreadMs,
        result,
        finding: run.finding,
        note: run.note,
      },
      opts.concurrency,
    );
    await killPhase(run);
    if (opts.diskFullSeconds > 0) await diskFullPhase(run, disk, skipped);
    await drainAndStop(run, producers);
    if (opts.keep && disk) keepCopy(run);
    await verifyDataDir(run, producers);
    await checkAnswers(run, producers, readToken);
  } catch (err) {
    run.finding(`harness error: ${(err as Error).stack ?? (err as Error).message}`);
    run.finding(`gateway output:\n${gw.lastLines()}`);
  } finally {
    producers?.stop();
    gw.killNow();
    recordStarts(run);
    release();
    if (disk) disk.unmount();
    else if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  result.loadAfter = os.loadavg();
  result.wallMs = Date.now() - startedAll;
  result.ok = durabilityPassed(result);
  return result;
}

/** A tmpfs for the disk-full fault (root only), or why there is none. */
function diskFor(opts: DurabilityOptions): { disk: FullDisk | null; skipped: string | null } {
  if (opts.diskFullSeconds <= 0) return { disk: null, skipped: null };
  if (process.getuid?.() !== 0) return { disk: null, skipped: 'not running as root: mounting a size-limited tmpfs needs root' };
  const disk = mountSmallDisk(opts.diskMb);
  return disk ? { disk, skipped: null } : { disk: null, skipped: 'mount -t tmpfs was refused' };
}

/** Kills the gateway child (and unmounts the disk) if the harness exits or is interrupted; returns the undo. */
function killGatewayOnExit(gw: GatewayChild, disk: FullDisk | null): () => void {
  const onExit = () => gw.killNow();
  const onSignal = () => {
    gw.killNow();
    disk?.unmount();
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

/** The final restart is up: stop producing, drain every unacknowledged batch against it, stop the gateway. */
async function drainAndStop(run: Run, producers: Producers): Promise<void> {
  producers.stop();
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    producers.finished().then(() => true),
    new Promise<boolean>((resolve) => {
      drainTimer = setTimeout(() => resolve(false), 180_000);
    }),
  ]);
  clearTimeout(drainTimer);
  if (!drained) run.finding(`${producers.pending.size} batches still unacknowledged 180 s after the faults ended`);
  const exitCode = await run.gw.stop();
  if (exitCode !== 0) run.note(`final gateway exited with ${exitCode} on SIGTERM (graceful shutdown is not what this harness checks)`);
  run.opts.progress(`drained: ${run.result.batchesAcknowledged} batches acknowledged; verifying ${run.dataDir}`);
}

/** --keep on a tmpfs: a copy of the data as the last gateway left it, before anything opens (and repairs) it. */
function keepCopy(run: Run): void {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'do-durability-kept-'));
  fs.cpSync(run.dataDir, copy, { recursive: true, verbatimSymlinks: true });
  run.result.dataDir = copy;
  run.opts.progress(`kept a copy of the data before any repair in ${copy}`);
}

/** Orphans before and after the product's repair, then the checks, holding the data directory ourselves now that no gateway does. */
async function verifyDataDir(run: Run, producers: Producers): Promise<void> {
  plantBeforeRepair(run);
  const atEnd = scanDedupOrphans(run.dataDir, DATABASE);
  run.result.orphans.atEnd = atEnd.orphans.length;
  for (const o of atEnd.orphans.slice(0, 5)) run.note(`orphan after the last stop, before repair: ${o.table} ${o.part} ${o.blockId}`);
  const db = await openDb({ url: null, database: DATABASE, dataDir: run.dataDir, queryTimeoutSeconds: 300 });
  try {
    if (db.recoveredDedupOrphans > 0) run.note(`the product's repair (openDb) dropped ${db.recoveredDedupOrphans} orphan records`);
    await plantAfterRepair(run, db);
    const after = scanDedupOrphans(run.dataDir, DATABASE).orphans;
    run.result.orphans.afterRepair = after.length;
    for (const o of after.slice(0, 5)) run.finding(`orphan left after the product's repair: ${o.table} ${o.part} ${o.blockId}`);
    for (const [t, names] of Object.entries(scanDetachedParts(run.dataDir, DATABASE))) {
      run.result.detachedParts[t] = names.length;
      const lost = [];
      for (const name of names) if (!(await restoredFromReplacedParts(db, DATABASE, t, name))) lost.push(name);
      if (lost.length > 0) run.finding(`${t}: ${lost.length} part(s) detached, their blocks held by no active part: ${lost.slice(0, 5).join(', ')}`);
      if (lost.length < names.length)
        run.note(`${t}: ${names.length - lost.length} broken merged part(s) set aside at start, the parts they replaced back in place`);
    }
    await verify(db, producers.acked, [...producers.pending], run.result, run.finding);
  } finally {
    await db.close();
  }
}

/** Starts the gateway on the verified data once more and compares its GraphQL answers with the ledger. */
async function checkAnswers(run: Run, producers: Producers, readToken: string): Promise<void> {
  await run.gw.spawn();
  try {
    let mismatches = 0;
    const ledger = new Ledger(producers.acked);
    run.result.api.compared = await checkApi({
      url: `http://127.0.0.1:${run.port}`,
      token: readToken,
      ledger,
      mismatch: (s) => {
        mismatches++;
        if (mismatches <= 10) run.finding(`API: ${s}`);
      },
    });
    run.result.api.mismatches = mismatches;
  } finally {
    await run.gw.stop();
  }
}

/** The gateway's starts and start times, its exits of its own, and the kill phase's length if it was cut short. */
function recordStarts(run: Run): void {
  const { gw, result } = run;
  result.starts = gw.starts;
  result.orphans.repairedAtStart = gw.repairedOrphans;
  for (const e of gw.unexpectedExits.slice(0, 10)) run.finding(`the gateway exited by itself: ${e}`);
  const sorted = [...gw.startMs].sort((a, b) => a - b);
  result.startMs = { p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
  if (result.killPhaseMs === 0 && run.killStarted > 0) result.killPhaseMs = Date.now() - run.killStarted;
}
