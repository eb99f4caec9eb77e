#!/usr/bin/env node
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config/config';
import { AppError } from './domain/errors';
import { UsageError } from './cli/args';
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
    ({ values, positionals } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
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
    process.stderr.write(`${(err as Error).message}\nHint: see the Configuration section of the README.\n`);
    return 2;
  }
  // Whatever a command creates under DATA_DIR (the engine's files, tokens, saved flushes) is the
  // user's only; `schema` writes a file of the repository, which keeps the usual modes.
  if (name !== 'schema') ownerOnlyFiles();
  return command.run(values, config, positionals);
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof AppError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message}\n`);
    if (err instanceof UsageError) {
      if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
      process.exitCode = 2;
      return;
    }
    const hint = (err as { hint?: string }).hint;
    if (hint) process.stderr.write(`hint: ${hint}\n`);
    // A setup problem found only at start (e.g. no ClickHouse to talk to) is a configuration error.
    process.exitCode = (err as { exitCode?: unknown }).exitCode === 2 ? 2 : 1;
  },
);

