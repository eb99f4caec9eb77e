#!/usr/bin/env node
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config/config';
import { AppError, ErrorCode } from './domain/errors';
import { UsageError } from './cli/args';
import { describeFailure, StepFailure } from './cli/failure';
import { COMMANDS, usage, type Command, type CommandName } from './cli/commands';
import { PACKAGE_ROOT } from './package-root';
import { ownerOnlyFiles } from './app/data-dir';

/**
 * delivery-overview <command> [options]
 * Exit codes: 0 success, 1 the command failed (message on stderr), 2 bad usage.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`delivery-overview ${packageVersion()}\n`);
    return 0;
  }
  // `help schema` is `schema --help`; bare `help` (or nothing) is the command list.
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command: Command | undefined = COMMANDS[name as CommandName];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
    if (positionals.length > (command.positionals ?? 0)) throw new UsageError(`Unexpected argument "${positionals[command.positionals ?? 0]}"`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${command.help}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nHint: every variable, its default and allowed values: docs/configuration.md.\n`);
    return 2;
  }
  // Whatever a command creates under DATA_DIR (the engine's files, tokens, saved flushes) is the
  // user's only; `schema` writes a file of the repository, which keeps the usual modes.
  if (name !== 'schema') ownerOnlyFiles();
  return command.run(values, config, positionals);
}

/** A way out for failures that are the machine's, not the user's. */
function hintFor(error: unknown): string | undefined {
  if (!(error instanceof AppError)) return undefined;
  if (error.code === ErrorCode.QUERY_TIMEOUT)
    return 'The machine may be busy: run the command again (it resumes), or raise WRITE_TIMEOUT_SECONDS / QUERY_TIMEOUT_SECONDS (docs/configuration.md).';
  if (error.code === ErrorCode.UPSTREAM_UNAVAILABLE) return 'Check free disk space under DATA_DIR (or the ClickHouse server), then run the command again.';
  return undefined;
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      describeFailure(err)
        .map((line) => `${line}\n`)
        .join(''),
    );
    const inner = err instanceof StepFailure ? err.error : err;
    if (inner instanceof UsageError) {
      if (inner.hint) process.stderr.write(`hint: ${inner.hint}\n`);
      process.exitCode = 2;
      return;
    }
    const hint = (inner as { hint?: string }).hint ?? hintFor(inner);
    if (hint) process.stderr.write(`hint: ${hint}\n`);
    // A setup problem found only at start (e.g. no ClickHouse to talk to) is a configuration error.
    process.exitCode = (inner as { exitCode?: unknown }).exitCode === 2 ? 2 : 1;
  },
);
