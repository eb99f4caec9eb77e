import fs from 'node:fs';
import path from 'node:path';
import type { DiskFullFigures } from './result';
import { sleep, type Run } from './run';
import type { FullDisk } from './tmpfs';

/**
 * The disk-full fault: DATA_DIR lives on a size-limited tmpfs; a filler file takes every free
 * byte, topped up each second (the engine frees space as it merges and removes temporary
 * files), for longer than the gateway's one-minute hold age, while the producers keep posting
 * and retrying. Then the space is freed. Meanwhile /readyz is polled, and saved flushes held
 * in `ingest-wal/failed/` are counted; after the free, any held flush is resolved as
 * docs/operations.md tells an operator (stop, move it back into `ingest-wal/`, start), so the
 * producers' retries are answered as replays and the run can end with 0 lost, 0 duplicated.
 */
export async function diskFullPhase(run: Run, disk: FullDisk | null, skipped: string | null): Promise<void> {
  const figures: DiskFullFigures = {
    skipped,
    fullMs: 0,
    refused503: 0,
    refused504: 0,
    acknowledged: 0,
    notReady: 0,
    readyPolls: 0,
    readyAfter: false,
    held: 0,
    heldResolved: 0,
  };
  run.result.diskFull = figures;
  if (disk === null) return;
  const { result, opts } = run;
  await sleep(3_000); // some traffic first, so the fill lands on a busy gateway
  const before = { s503: result.failures.http503, s504: result.failures.http504, acked: result.batchesAcknowledged };
  const started = Date.now();
  disk.fill();
  opts.progress(`disk full (filler on ${disk.dir}); keeping it full for ${opts.diskFullSeconds} s`);
  const held = new Set<string>();
  while (Date.now() - started < opts.diskFullSeconds * 1000) {
    await sleep(1_000);
    disk.fill();
    figures.readyPolls++;
    if ((await readyStatus(run.port)) !== 200) figures.notReady++;
    for (const f of heldFiles(run.dataDir)) held.add(f);
  }
  disk.free();
  figures.fullMs = Date.now() - started;
  figures.refused503 = result.failures.http503 - before.s503;
  figures.refused504 = result.failures.http504 - before.s504;
  figures.acknowledged = result.batchesAcknowledged - before.acked;
  opts.progress(
    `disk freed after ${(figures.fullMs / 1000).toFixed(0)} s: ${figures.refused503} × 503, ${figures.refused504} × 504, ${figures.acknowledged} batches acknowledged while full`,
  );
  await sleep(2_000); // a flush refused at the last moment may be held just now
  for (const f of heldFiles(run.dataDir)) held.add(f);
  figures.held = held.size;
  if (heldFiles(run.dataDir).length > 0) figures.heldResolved = await resolveHeld(run);
  figures.readyAfter = await readyWithin(run.port, 120_000);
  if (!figures.readyAfter) run.finding('/readyz still not ready 120 s after the disk was freed');
  if (figures.readyPolls > 0 && figures.notReady === 0)
    run.finding(`/readyz said ready all the ${figures.readyPolls} times it was asked while the disk was full`);
}

/** Saved flushes held for an operator (the damaged ones aside). */
function heldFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'ingest-wal', 'failed');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.flush')) : [];
}

/** The operator's resolution: stop the gateway, move every held flush back, start it (it writes them before it listens). */
async function resolveHeld(run: Run): Promise<number> {
  const files = heldFiles(run.dataDir);
  run.note(`held for an operator after the disk was full: ${files.join(', ')}; moved back into ingest-wal/ and restarted`);
  await run.gw.stop();
  const wal = path.join(run.dataDir, 'ingest-wal');
  for (const f of files) fs.renameSync(path.join(wal, 'failed', f), path.join(wal, f));
  await run.gw.spawn();
  const left = heldFiles(run.dataDir).length;
  if (left > 0) run.finding(`${left} held flushes were held again after being moved back with space free`);
  return files.length - left;
}

async function readyStatus(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

async function readyWithin(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if ((await readyStatus(port)) === 200) return true;
    await sleep(500);
  }
  return false;
}
