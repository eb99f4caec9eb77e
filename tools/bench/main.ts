#!/usr/bin/env node
import 'reflect-metadata';
import { UsageError } from '../../src/cli/args';
import { loadConfig, type Config } from '../../src/config/config';
import { runTool } from '../cli';
import { resultsDir, runBench, SECTION_NAMES, type SectionName } from './run';

const BENCH_HELP =
  'npm run bench [-- --quick] [-- --only <section>[,<section>…]]\n\n' +
  'Measures ingest and queries side by side on a fresh temporary data directory, prints a table and\n' +
  'writes tools/bench/results/<date>.json. BENCH_REPORTS sets the dataset size (default 100M).\n' +
  '  --quick   smoke run with tiny counts; its result goes to a temporary directory, never into the tree\n' +
  `  --only    measure only these sections (${SECTION_NAMES.join(', ')}); the result file is named after them`;

runTool({
  help: BENCH_HELP,
  options: { quick: { type: 'boolean' }, only: { type: 'string' } },
  async run(v) {
    let config: Config;
    try {
      config = loadConfig(process.env);
    } catch (err) {
      throw new UsageError(`${(err as Error).message}\nHint: every variable, its default and allowed values: docs/configuration.md.`);
    }
    const quick = v.quick === true;
    await runBench(config, { quick, outDir: resultsDir(quick), only: parseOnly(v.only) });
    return 0;
  },
});

/** `--only mix` or `--only payoff,mix`: known section names, at least one. */
function parseOnly(value: string | boolean | undefined): SectionName[] | undefined {
  if (typeof value !== 'string') return undefined;
  const names = value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(SECTION_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--only takes section names from: ${SECTION_NAMES.join(', ')} (got "${value}")`);
  return names as SectionName[];
}
