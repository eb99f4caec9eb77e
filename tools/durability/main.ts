#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { intOption, UsageError } from '../../src/cli/args';
import { PACKAGE_ROOT } from '../../src/package-root';
import { runTool } from '../cli';
import { DEFAULT_DURABILITY, describeDurability, runDurability } from './harness';
import { PLANTS } from './plant';

type Values = Record<string, string | boolean | undefined>;

export const DURABILITY_HELP =
  'npm run durability [-- [--kills N] [--max-seconds S] [--concurrency N] [--seed N] [--spread-hours H]\n' +
  '                      [--disk-full-seconds S] [--disk-mb MB] [--plant FAULT] [--keep] [--json]]\n\n' +
  'Starts the gateway as a child process on a temporary DATA_DIR (loopback only), posts NDJSON batches of every\n' +
  'destination kind with Idempotency-Keys and retries unacknowledged ones with the same key (half the producers\n' +
  'quickly, half slowly, honouring Retry-After), while killing the gateway with SIGKILL after random 50-1500 ms\n' +
  'and restarting it, then optionally keeping its disk full. Then checks: orphan deduplication records counted\n' +
  'from the files before any repair; every acknowledged report stored exactly once; every aggregate tier equal to\n' +
  "the harness's own recount from raw; the GraphQL answers equal to the harness's ledger.\n" +
  '  --kills N              SIGKILLs to deliver (default 100)\n' +
  '  --max-seconds S        time budget of the kill phase (default 540)\n' +
  '  --concurrency N        batches in flight at once (default 4)\n' +
  '  --seed N               random seed (default: random; printed)\n' +
  '  --spread-hours H       report timestamps spread over the last H hours (default 48: batches span day partitions)\n' +
  '  --disk-full-seconds S  after the kills, keep DATA_DIR (a size-limited tmpfs) full for S seconds (default 0: off;\n' +
  '                         needs root, skipped and said so otherwise)\n' +
  '  --disk-mb MB           size of that tmpfs (default 512)\n' +
  `  --plant FAULT          plant a fault after the run to watch the checks fail: ${PLANTS.slice(0, 3).join(', ')}, tier:<table>\n` +
  '  --keep                 keep the temporary data directory (on a tmpfs: a copy taken before anything opens it)\n' +
  '  --json                 print the figures as one JSON object\n' +
  'Exit codes: 0 no loss, no duplicates, no drift, no API mismatch; 1 otherwise; 2 bad usage.';

/** The product binary the harness runs as its gateway (`serve`). */
const GATEWAY_CLI = path.join(PACKAGE_ROOT, 'dist', 'cli.js');

export async function runDurabilityCommand(v: Values): Promise<number> {
  const plant = typeof v.plant === 'string' ? v.plant : null;
  if (plant !== null && !PLANTS.includes(plant)) throw new UsageError(`--plant must be one of: ${PLANTS.join(', ')}`);
  const options = {
    ...DEFAULT_DURABILITY,
    kills: intOption(v, 'kills', DEFAULT_DURABILITY.kills, 0, 10_000),
    maxSeconds: intOption(v, 'max-seconds', DEFAULT_DURABILITY.maxSeconds, 1, 3_600),
    concurrency: intOption(v, 'concurrency', DEFAULT_DURABILITY.concurrency, 1, 64),
    seed: intOption(v, 'seed', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    spreadHours: intOption(v, 'spread-hours', DEFAULT_DURABILITY.spreadHours, 0, 13 * 24),
    diskFullSeconds: intOption(v, 'disk-full-seconds', DEFAULT_DURABILITY.diskFullSeconds, 0, 3_600),
    diskMb: intOption(v, 'disk-mb', DEFAULT_DURABILITY.diskMb, 64, 16_384),
    plant,
    keep: v.keep === true,
    cli: GATEWAY_CLI,
    progress: (line: string) => process.stderr.write(`durability: ${line}\n`),
  };
  if (!fs.existsSync(GATEWAY_CLI)) throw new Error(`${GATEWAY_CLI} is missing: run npm run build (npm run durability does)`);
  const result = await runDurability(options);
  process.stdout.write(v.json ? `${JSON.stringify(result)}\n` : describeDurability(result));
  return result.ok ? 0 : 1;
}

runTool({
  help: DURABILITY_HELP,
  options: {
    kills: { type: 'string' },
    'max-seconds': { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
    'spread-hours': { type: 'string' },
    'disk-full-seconds': { type: 'string' },
    'disk-mb': { type: 'string' },
    plant: { type: 'string' },
    keep: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  run: runDurabilityCommand,
});
