#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { intOption } from '../../src/cli/args';
import { PACKAGE_ROOT } from '../../src/package-root';
import { runTool } from '../cli';
import { DEFAULT_DURABILITY, describeDurability, runDurability } from './harness';

type Values = Record<string, string | boolean | undefined>;

export const DURABILITY_HELP =
  'npm run durability [-- [--kills N] [--max-seconds S] [--concurrency N] [--seed N] [--spread-hours H] [--keep] [--json]]\n\n' +
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
  'Exit codes: 0 no loss, no duplicates, no drift; 1 otherwise; 2 bad usage.';

/** The product binary the harness runs as its gateway (`serve`). */
const GATEWAY_CLI = path.join(PACKAGE_ROOT, 'dist', 'cli.js');

export async function runDurabilityCommand(v: Values): Promise<number> {
  const options = {
    ...DEFAULT_DURABILITY,
    kills: intOption(v, 'kills', DEFAULT_DURABILITY.kills, 0, 10_000),
    maxSeconds: intOption(v, 'max-seconds', DEFAULT_DURABILITY.maxSeconds, 1, 3_600),
    concurrency: intOption(v, 'concurrency', DEFAULT_DURABILITY.concurrency, 1, 64),
    seed: intOption(v, 'seed', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    spreadHours: intOption(v, 'spread-hours', DEFAULT_DURABILITY.spreadHours, 0, 13 * 24),
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
  options: { kills: { type: 'string' }, 'max-seconds': { type: 'string' }, concurrency: { type: 'string' }, seed: { type: 'string' }, 'spread-hours': { type: 'string' }, keep: { type: 'boolean' }, json: { type: 'boolean' } },
  run: runDurabilityCommand,
});
