import fs from 'node:fs';
import path from 'node:path';
import { loadMigrations, migrate, migrationTarget } from '../clickhouse/migrations';
import type { Config } from '../config/config';
import { printGatewaySchema } from '../graphql/schema';
import { createLogger } from '../log';
import { startGateway } from '../app/gateway';
import { openDataDirDb } from '../app/data-dir';
import { runDemo } from './demo';
import { runSimulate } from './simulate';
import { runToken, TOKEN_USAGE } from './token';
import { runReconcile, RECONCILE_HELP } from './reconcile';
import { untilSignal } from './args';
import { asPortProblem, ensurePortFree } from './port';

type Values = Record<string, string | boolean | undefined>;
type Option = { type: 'string' | 'boolean'; short?: string };

export interface Command {
  summary: string;
  help: string;
  options: Record<string, Option>;
  /** How many bare words the command takes (default 0). */
  positionals?: number;
  run(values: Values, config: Config, positionals: string[]): Promise<number>;
}

export const SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'schema', 'schema.graphql');

export const COMMANDS = {
  serve: {
    summary: 'migrate, then serve GraphQL, graphql-ws and ingest (no demo data)',
    help: 'delivery-overview serve\n\nApplies migrations and serves on PORT (default 4000). Honours DATA_DIR, CLICKHOUSE_URL and the variables in docs/configuration.md.',
    options: {},
    async run(_v, config) {
      await ensurePortFree(config.server);
      const log = createLogger(config.logLevel);
      const gateway = await startGateway({ config, log }).catch((err: unknown) => Promise.reject(asPortProblem(err, config.server)));
      // The token itself never goes to stdout, where log collectors would keep it.
      if (gateway.createdRootToken) log.info({ rootTokenFile: gateway.rootTokenFile }, 'root token generated; read it from the file (mode 0600)');
      process.stdout.write(`${readTokenHint(gateway.url)}\n`);
      log.info({ graphql: gateway.graphqlUrl, clickhouse: gateway.db.backend }, 'gateway listening');
      const signal = await untilSignal();
      log.info({ signal }, 'shutting down: finishing in-flight requests and completing subscriptions');
      // A second signal means "now". The embedded engine re-delivers the first one, so only
      // a signal more than a second later counts as a second.
      const first = Date.now();
      const now = () => {
        if (Date.now() - first > 1000) process.exit(1);
      };
      process.on('SIGINT', now);
      process.on('SIGTERM', now);
      await gateway.close();
      log.info('stopped');
      return 0;
    },
  },
  demo: {
    summary: 'serve with 14 days of demo data and live simulated traffic',
    help: 'delivery-overview demo [--days N] [--seed N]\n\nMigrates, backfills the demo workspace, serves, and posts live simulated traffic to itself.\n  --days N   days to backfill (default 14)\n  --seed N   simulator seed (default 42)',
    options: { days: { type: 'string' }, seed: { type: 'string' } },
    run: (v, config) => runDemo(v, config),
  },
  migrate: {
    summary: 'apply pending migrations and exit',
    help: 'delivery-overview migrate [--print]\n\nApplies pending migrations to the configured ClickHouse and exits.\n  --print   print the statements instead (rendered ON CLUSTER when CLICKHOUSE_CLUSTER is set)',
    options: { print: { type: 'boolean' } },
    async run(v, config) {
      const target = migrationTarget(config);
      if (v.print) {
        for (const m of loadMigrations(target)) process.stdout.write(`-- ${m.file}\n${m.statements.join(';\n\n')};\n\n`);
        return 0;
      }
      const db = await openDataDirDb(config, (message) => process.stderr.write(`warning: ${message}\n`));
      try {
        const report = await migrate(db, target);
        process.stdout.write(report.applied.length ? `applied: ${report.applied.join(', ')}\n` : `up to date (${report.skipped} migrations)\n`);
      } finally {
        await db.close();
      }
      return 0;
    },
  },
  simulate: {
    summary: 'generate demo traffic: backfill into a data directory, or post live to a gateway',
    help:
      'delivery-overview simulate --backfill [--days N] [--seed N] [--workspace ID]\n' +
      'delivery-overview simulate --url URL --token TOKEN [--seed N] [--duration SECONDS]\n\n' +
      'Backfill writes straight into the engine at DATA_DIR (or CLICKHOUSE_URL); no gateway may hold that directory.\n' +
      "Live mode posts to a running gateway's /v1/ingest like a real producer, until interrupted or --duration elapses.",
    options: {
      backfill: { type: 'boolean' },
      days: { type: 'string' },
      seed: { type: 'string' },
      workspace: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      duration: { type: 'string' },
    },
    run: (v, config) => runSimulate(v, config),
  },
  token: {
    summary: 'token create | list | revoke: manage API tokens on a running gateway',
    help:
      `${TOKEN_USAGE.join('\n')}\n  (each also takes [--url URL] [--root-token TOKEN])\n\n` +
      'Asks the running gateway (default http://127.0.0.1:$PORT) with the root token, read from --root-token, ROOT_TOKEN\n' +
      '(or ROOT_TOKEN_FILE), or $DATA_DIR/root-token.\n' +
      '  create   creates a workspace token and prints it alone on stdout (the only time it is shown)\n' +
      '  list     active tokens (--all: revoked too) with id, workspace, scopes, created and last-used times, label;\n' +
      '           never a token. Last used is at most a minute behind for uses on other replicas. --json: one object per line\n' +
      '  revoke   revokes a token by its id (tok_…); exit 1 when no such active token exists',
    options: {
      workspace: { type: 'string' },
      scopes: { type: 'string' },
      label: { type: 'string' },
      url: { type: 'string' },
      'root-token': { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    positionals: 2,
    run: (v, config, positionals) => runToken(v, config, positionals),
  },
  schema: {
    summary: 'write schema/schema.graphql from the code (--check: fail if it differs)',
    help:
      'delivery-overview schema [--check]\n\n' +
      'Prints the GraphQL schema the gateway serves (built from the code) into schema/schema.graphql,\n' +
      'the file GraphQL Code Generator reads (npm run codegen). Run it after changing a type or resolver.\n' +
      '  --check   write nothing; exit 1 when the file differs from the code (CI), 0 when it is up to date',
    options: { check: { type: 'boolean' } },
    async run(v) {
      const sdl = printGatewaySchema();
      const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
      if (v.check) {
        if (current !== sdl) {
          process.stderr.write(`${SCHEMA_FILE} is stale; run npx delivery-overview schema\n`);
          return 1;
        }
        process.stdout.write(`${SCHEMA_FILE} is up to date\n`);
        return 0;
      }
      fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
      fs.writeFileSync(SCHEMA_FILE, sdl);
      process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
      return 0;
    },
  },
  reconcile: {
    summary: 'compare raw reports with every aggregate tier per hour (--repair rebuilds differing hours)',
    help: RECONCILE_HELP,
    options: { from: { type: 'string' }, to: { type: 'string' }, workspace: { type: 'string' }, repair: { type: 'boolean' }, json: { type: 'boolean' } },
    run: (v, config) => runReconcile(v, config),
  },
} satisfies Record<string, Command> as Record<string, Command>;

export type CommandName = string;

/** What `serve` prints for people who have only the root token so far. */
export function readTokenHint(url: string): string {
  return `Read token: npx delivery-overview token create --workspace <id> --scopes read --url ${url}   (uses the root token in DATA_DIR/root-token or ROOT_TOKEN)`;
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return (
    'Usage: delivery-overview <command> [options]\n\nCommands:\n' +
    lines.join('\n') +
    '\n\nRun delivery-overview <command> --help for its options.\nExit codes: 0 success, 1 the command failed, 2 bad usage or configuration.\n'
  );
}
