import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../clickhouse/client';
import { backfill, backfillWindow } from '../simulate/backfill';
import { progressReporter } from './progress';

const DAY = 86_400_000;

/** What `DATA_DIR/demo-backfill.json` keeps: which backfill this data directory holds and how far it got. */
interface BackfillState {
  v: 1;
  seed: number;
  days: number;
  /** The `now` the backfill was generated for: a resumed run uses it again, so its tokens are the same. */
  now: number;
  /** Everything before this instant is stored. */
  storedUntil: number;
  complete: boolean;
}

export interface DemoData {
  /** Where live traffic continues the simulated world (null: nothing was backfilled by this start). */
  continuation: { startAt: number; origin: number } | null;
}

/**
 * The demo's 14 days of history, written once per data directory. A start that stopped
 * part-way (Ctrl-C, a crash, a busy machine's timeout) is resumed by the next one from the
 * last stored part, with the same `now`, so no hour is written twice or left out.
 */
export async function demoBackfill(
  db: Db,
  dataDir: string,
  opts: { workspaceId: string; days: number; seed: number; hasRecentData: () => Promise<boolean> },
): Promise<DemoData> {
  const file = path.join(dataDir, 'demo-backfill.json');
  const saved = readState(file);
  // A resumed backfill keeps the seed and days it began with: the stored part was made with them.
  const resumable = saved !== null && !saved.complete && Date.now() - saved.now < 13 * DAY;
  if (!resumable && (saved?.complete || (saved === null && (await opts.hasRecentData())))) {
    process.stderr.write(`backfill: skipped, ${dataDir} already holds the demo's history\n`);
    return { continuation: null };
  }
  const state: BackfillState = resumable ? saved : { v: 1, seed: opts.seed, days: opts.days, now: Date.now(), storedUntil: 0, complete: false };
  const { from, to } = backfillWindow(state.now, state.days);
  if (!resumable) writeState(file, { ...state, storedUntil: from });
  const progress = progressReporter('backfill');
  progress.start(
    resumable
      ? `resuming at ${Math.floor(((state.storedUntil - from) / (to - from)) * 100)} % (an earlier start stopped there)`
      : `writing ${state.days} day${state.days === 1 ? '' : 's'} of demo data (about ${(state.days * 150_000).toLocaleString('en-US')} reports, roughly 5 s a day on 2 cores; only on the first start)`,
  );
  const result = await backfill(db, {
    workspaceId: opts.workspaceId,
    days: state.days,
    seed: state.seed,
    now: state.now,
    resumeFrom: resumable ? state.storedUntil : undefined,
    onStored: (end) => writeState(file, { ...state, storedUntil: end }),
    onProgress: progress.update,
  }).catch((err: unknown) => {
    progress.stop();
    throw err;
  });
  writeState(file, { ...state, storedUntil: to, complete: true });
  progress.done(
    `${state.days} day${state.days === 1 ? '' : 's'}: ${result.reports} reports (${result.events} events), ${result.syncs} syncs in ${(result.ms / 1000).toFixed(1)} s`,
  );
  return { continuation: { startAt: state.now, origin: from } };
}

function readState(file: string): BackfillState | null {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BackfillState>;
    const numbers = [s.seed, s.days, s.now, s.storedUntil].every((n) => typeof n === 'number' && Number.isFinite(n));
    return s.v === 1 && numbers && typeof s.complete === 'boolean' ? (s as BackfillState) : null;
  } catch {
    return null; // none yet, or unreadable: treated as none (the recent-data check decides)
  }
}

/** Atomically (write, then rename): a kill never leaves a half-written state. */
function writeState(file: string, state: BackfillState): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}
