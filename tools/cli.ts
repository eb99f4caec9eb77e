import { parseArgs } from 'node:util';
import { UsageError } from '../src/cli/args';

type Values = Record<string, string | boolean | undefined>;

/** One tool's command line: its usage text, its options, and what it does with them. */
export interface Tool {
  help: string;
  options: Record<string, { type: 'string' | 'boolean' }>;
  /** Resolves with the exit code. */
  run(values: Values): Promise<number>;
}

/**
 * Runs a tool as `node dist-tools/tools/<tool>/main.js [options]` (what `npm run bench` and
 * `npm run durability` do), with the product CLI's exit codes: 0 success, 1 the tool failed
 * (one line on stderr), 2 bad usage (the message and the usage text).
 */
export function runTool(tool: Tool, argv: string[] = process.argv.slice(2)): void {
  main(tool, argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n\n${tool.help}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

async function main(tool: Tool, argv: string[]): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...tool.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${tool.help}\n`);
    return 0;
  }
  return tool.run(values);
}
