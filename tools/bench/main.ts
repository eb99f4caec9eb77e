#!/usr/bin/env node
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/cli/args';
import { loadConfig, type Config } from '../../src/config/config';
import { PACKAGE_ROOT } from '../../src/package-root';
import { runTool } from '../cli';
import { runBench } from './run';

/** Where full runs write their result, committed beside the code that measured it. */
const RESULTS_DIR = path.join(PACKAGE_ROOT, 'tools', 'bench', 'results');

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
    const outDir = quick ? fs.mkdtempSync(path.join(os.tmpdir(), 'do-bench-quick-')) : RESULTS_DIR;
    await runBench(config, { quick, outDir });
    return 0;
  },
});
