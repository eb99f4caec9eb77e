import { openDataDirDb } from '../app/data-dir';
import { migrate, migrationTarget } from '../clickhouse/migrations';
import type { Config } from '../config/config';
import { backfill } from '../simulate/backfill';
import { runLive } from '../simulate/live';
import { intOption, UsageError } from './args';
import { progressReporter } from './progress';

type Values = Record<string, string | boolean | undefined>;

export async function runSimulate(v: Values, config: Config): Promise<number> {
  const seed = intOption(v, 'seed', 42, 0, 2 ** 31 - 1);
  if (v.backfill) {
    const days = intOption(v, 'days', 14, 1, 14);
    const workspaceId = typeof v.workspace === 'string' ? v.workspace : 'demo';
    const db = await openDataDirDb(config, (message) => process.stderr.write(`warning: ${message}\n`));
    try {
      await migrate(db, migrationTarget(config));
      const progress = progressReporter('backfill');
      progress.start(`writing ${days} days of demo data into workspace ${workspaceId}`);
      const result = await backfill(db, { workspaceId, days, seed, now: Date.now(), onProgress: progress.update }).catch((err: unknown) => {
        progress.stop();
        throw err;
      });
      progress.done(`${result.reports} reports, ${result.events} events, ${result.syncs} syncs in ${(result.ms / 1000).toFixed(1)} s`);
    } finally {
      await db.close();
    }
    return 0;
  }
  if (typeof v.url !== 'string' || typeof v.token !== 'string') {
    throw new UsageError('Give --backfill, or --url and --token for live mode', 'delivery-overview simulate --help');
  }
  const duration = intOption(v, 'duration', 0, 0, 86_400 * 365);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (duration > 0) setTimeout(stop, duration * 1000).unref();
  let batches = 0;
  let reports = 0;
  await runLive({
    url: v.url,
    token: v.token,
    seed,
    signal: controller.signal,
    onBatch: (n) => {
      batches++;
      reports += n;
      process.stderr.write(`\rlive: ${batches} batches, ${reports} reports posted`);
    },
    log: (msg) => process.stderr.write(`\n${msg}\n`),
  });
  process.stderr.write('\n');
  return 0;
}
