import path from 'node:path';
import { DEFAULT_DURABILITY, describeDurability, runDurability } from '../bench/durability';
import { intOption } from './args';

type Values = Record<string, string | boolean | undefined>;

export const DURABILITY_HELP =
  'delivery-overview durability [--kills N] [--max-seconds S] [--concurrency N] [--seed N] [--spread-hours H] [--keep] [--json]\n\n' +
  'Starts the gateway as a child process on a temporary DATA_DIR (loopback only), posts NDJSON batches with\n' +
  'Idempotency-Keys and retries unacknowledged ones with the same key, while killing the gateway with SIGKILL\n' +
  'after random 50-1500 ms and restarting it. Then checks every acknowledged report is stored exactly once and\n' +
  'raw equals both aggregate tiers.\n' +
  '  --kills N          SIGKILLs to deliver (default 100)\n' +
  '  --max-seconds S    time budget of the kill phase (default 540)\n' +
  '  --concurrency N    batches in flight at once (default 4)\n' +
  '  --seed N           random seed (default: random; printed)\n' +
  '  --spread-hours H   report timestamps spread over the last H hours (default 48: batches span day partitions)\n' +
  '  --keep             keep the temporary data directory\n' +
  '  --json             print the figures as one JSON object\n' +
  'Exit codes: 0 no loss, no duplicates, no drift; 1 otherwise.';

export async function runDurabilityCommand(v: Values): Promise<number> {
  const options = {
    ...DEFAULT_DURABILITY,
    kills: intOption(v, 'kills', DEFAULT_DURABILITY.kills, 0, 10_000),
    maxSeconds: intOption(v, 'max-seconds', DEFAULT_DURABILITY.maxSeconds, 1, 3_600),
    concurrency: intOption(v, 'concurrency', DEFAULT_DURABILITY.concurrency, 1, 64),
    seed: intOption(v, 'seed', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    spreadHours: intOption(v, 'spread-hours', DEFAULT_DURABILITY.spreadHours, 0, 13 * 24),
    keep: v.keep === true,
    cli: path.resolve(__dirname, '..', 'cli.js'),
    progress: (line: string) => process.stderr.write(`durability: ${line}\n`),
  };
  const result = await runDurability(options);
  process.stdout.write(v.json ? `${JSON.stringify(result)}\n` : describeDurability(result));
  return result.ok ? 0 : 1;
}
