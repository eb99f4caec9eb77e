import { scanDedupOrphans } from './dedup-log';
import { DATABASE, sleep, type Run } from './run';

/**
 * The SIGKILL fault: kills after random delays, sometimes again during the restart, until the
 * kills or the budget are spent; ends with the gateway up. After every kill, with no process
 * holding the data, the deduplication logs are read from disk (dedup-log.ts): what the kill
 * left, before the next start repairs it.
 */
export async function killPhase(run: Run): Promise<void> {
  const { opts, rng, gw, result } = run;
  run.killStarted = Date.now();
  const deadline = run.killStarted + opts.maxSeconds * 1000;
  let reported = 0;
  while (result.kills < opts.kills && Date.now() < deadline) {
    await sleep(rng.int(opts.minDelayMs, opts.maxDelayMs));
    await gw.kill();
    result.kills++;
    countOrphans(run, true); // the start before this kill listened (spawn resolved)
    // Sometimes kill the next start too, before it listens (engine load, part loading, migrations).
    while (result.kills < opts.kills && Date.now() < deadline && rng.chance(opts.startupKillShare)) {
      const starting = gw.spawn().catch(() => null);
      await sleep(rng.int(opts.minDelayMs, opts.maxDelayMs));
      const wasListening = gw.listening;
      await gw.kill();
      await starting;
      result.kills++;
      if (!wasListening) result.killsDuringStartup++;
      countOrphans(run, wasListening);
    }
    await gw.spawn();
    if (Math.floor(result.kills / 10) > reported || result.kills === opts.kills) {
      reported = Math.floor(result.kills / 10);
      opts.progress(
        `kill ${result.kills}/${opts.kills}: ${result.batchesAcknowledged} batches acknowledged, ${result.retries} retries, ${result.orphans.afterKills} orphan records seen, ${((Date.now() - run.killStarted) / 1000).toFixed(0)} s`,
      );
    }
  }
  result.killPhaseMs = Date.now() - run.killStarted;
  if (result.kills < opts.kills) run.finding(`time budget (${opts.maxSeconds} s) ran out after ${result.kills} of ${opts.kills} kills`);
}

/**
 * Counts the orphan records a kill left (each once), and those a start that reached listening
 * should have repaired (its openDb runs before it listens) but that are still there.
 */
export function countOrphans(run: Run, listenedSinceLastScan: boolean): void {
  const { orphans } = scanDedupOrphans(run.dataDir, DATABASE);
  const now = new Set(orphans.map((o) => `${o.table}\t${o.part}\t${o.blockId}`));
  for (const id of now) {
    if (run.orphansSeen.has(id)) continue;
    run.orphansSeen.add(id);
    run.result.orphans.afterKills++;
    if (run.result.orphans.afterKills <= 5) run.note(`orphan after kill ${run.result.kills}: ${id.replaceAll('\t', ' ')} (repaired at the next start)`);
  }
  if (listenedSinceLastScan) {
    for (const id of run.awaitingRepair) {
      if (!now.has(id)) continue;
      run.result.orphans.unrepaired++;
      run.finding(`orphan ${id.replaceAll('\t', ' ')} survived a start that listened: the start-up repair missed it`);
    }
    run.awaitingRepair = now;
  } else for (const id of now) run.awaitingRepair.add(id);
}
