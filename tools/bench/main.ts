#!/usr/bin/env node
import 'reflect-metadata';
import { UsageError } from '../../src/cli/args';
import { loadConfig, type Config } from '../../src/config/config';
import { runTool } from '../cli';
import { resultsDir, runBench } from './run';

const BENCH_HELP =
  'npm run bench [-- --quick]\n\n' +
  'Measures ingest and queries side by side on a fresh temporary data directory, prints a table and\n' +
  'writes tools/bench/results/<date>.json. BENCH_REPORTS sets the dataset size (default 100M).\n' +
  '  --quick   smoke run with tiny counts; its result goes to a temporary directory, never into the tree';

runTool({
  help: BENCH_HELP,
  options: { quick: { type: 'boolean' } },
  async run(v) {
    let config: Config;
    try {
      config = loadConfig(process.env);
    } catch (err) {
      throw new UsageError(`${(err as Error).message}\nHint: see the Configuration section of the README.`);
    }
    const quick = v.quick === true;
    await runBench(config, { quick, outDir: resultsDir(quick) });
    return 0;
  },
});
