import fs from 'node:fs';
import path from 'node:path';
import { openDataDirDb } from '../app/data-dir';
import type { Db } from '../clickhouse/client';
import { migrate, migrationTarget } from '../clickhouse/migrations';
import type { Config } from '../config/config';
import { createLogger } from '../log';
import { startGateway } from '../app/gateway';
import { runLive } from '../simulate/live';
import { intOption, untilSignal } from './args';
import { asPortProblem, ensurePortFree } from './port';
import { demoBackfill } from './demo-backfill';
import { inStep, StepFailure } from './failure';
import { phase } from './progress';

type Values = Record<string, string | boolean | undefined>;

export const DEMO_WORKSPACE = 'demo';

/**
 * `npm run demo`: one process holds the data directory, so the backfill runs here,
 * before serving, through the same Db the gateway then uses; live traffic goes
 * through the gateway's own HTTP ingest like any producer's.
 */
export async function runDemo(v: Values, config: Config): Promise<number> {
  const started = Date.now();
  const days = intOption(v, 'days', 14, 1, 14);
  const seed = intOption(v, 'seed', 42, 0, 2 ** 31 - 1);
  // Before the engine opens and the backfill runs: a taken port must not cost the user a minute.
  await ensurePortFree(config.server);
  // The live simulator posts every second; its request lines would drown the terminal, so the
  // demo logs warnings only unless LOG_LEVEL asks for more.
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn', process.stdout.isTTY === true);
  // Each phase says what it does the moment it starts (progress.ts): a first start is minutes on a busy machine.
  // DATA_DIR is narrowed before the engine writes; a failure to narrow it is said once, by startGateway below.
  const where = config.clickhouse.url ? 'the ClickHouse server' : `the embedded ClickHouse engine in ${path.join(config.server.dataDir, 'clickhouse')}`;
  const db = await inStep('opening ClickHouse', () =>
    phase(
      'engine',
      `opening ${where}`,
      () => openDataDirDb(config, () => undefined),
      (_, ms) => `open in ${(ms / 1000).toFixed(1)} s`,
    ),
  );
  const { continuation } = await (async () => {
    await inStep('migrating', () =>
      phase(
        'migrate',
        'applying pending migrations',
        () => migrate(db, migrationTarget(config)),
        (r, ms) => (r.applied.length > 0 ? `${r.applied.length} applied in ${(ms / 1000).toFixed(1)} s` : `up to date (${r.skipped} applied before)`),
      ),
    );
    return inStep('backfilling demo data', () =>
      demoBackfill(db, config.server.dataDir, { workspaceId: DEMO_WORKSPACE, days, seed, hasRecentData: () => hasRecentData(db, config) }),
    );
  })().catch(async (err: unknown) => {
    await db.close();
    throw err;
  });

  // The IDE is prefilled with the demo token once it exists (it is created through the gateway's own store).
  const demo: { token?: string } = {};
  const gateway = await phase(
    'gateway',
    'starting (GraphQL, the page, live demo traffic)',
    () => startGateway({ config, log, db, ide: { defaultToken: () => demo.token }, web: { demoToken: () => demo.token } }),
    (g, ms) => `listening on ${g.url} after ${(ms / 1000).toFixed(1)} s`,
  ).catch(async (err: unknown) => {
    await db.close();
    throw new StepFailure('starting the gateway', asPortProblem(err, config.server));
  });
  const token = await demoToken(gateway.tokens, config.server.dataDir);
  demo.token = token;
  const controller = new AbortController();
  const live = runLive({ url: gateway.url, token, seed, signal: controller.signal, log: (msg) => log.warn(msg), ...continuation });

  process.stdout.write(
    [
      '',
      `Delivery Overview gateway ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${gateway.db.backend} ClickHouse, live demo traffic on)`,
      `  Page:       ${gateway.url}/   (Delivery Overview, signed in with the demo token)`,
      `  GraphQL:    ${gateway.graphqlUrl}   (graphql-ws on the same URL)`,
      `  IDE:        ${gateway.graphqlUrl}   (open in a browser; the demo token is prefilled)`,
      `  Ingest:     POST ${gateway.url}/v1/ingest`,
      `  Demo token: ${token}   (workspace "${DEMO_WORKSPACE}", scopes read, ingest, admin)`,
      `  Root token: in ${gateway.rootTokenFile}   (mode 0600; it administers every workspace, so it is not printed)`,
      '',
      'Try:',
      `  curl -s ${gateway.graphqlUrl} -H 'content-type: application/json' -H 'authorization: Bearer ${token}' \\`,
      `    -d '{"query":"{ destinations { id name kind } }"}'`,
      '',
      'Ctrl-C stops it. LOG_LEVEL=info shows every request.',
      '',
    ].join('\n'),
  );

  await untilSignal();
  controller.abort();
  await live.catch(() => undefined);
  await gateway.close();
  await db.close();
  return 0;
}

/** Demo rows of the last day: a data directory from before demo-backfill.json was kept. */
async function hasRecentData(db: Db, config: Config): Promise<boolean> {
  const rows = await db.query<{ n: number }>({
    family: 'demo',
    sql: `SELECT count() AS n FROM ${config.clickhouse.database}.delivery_events WHERE workspace_id = {ws:String} AND time > now() - INTERVAL 1 DAY`,
    params: { ws: DEMO_WORKSPACE },
  });
  return Number(rows[0]?.n ?? 0) > 0;
}

/** The demo token is kept in <DATA_DIR>/demo-token and reused while it stays valid. */
async function demoToken(tokens: import('../auth/tokens').TokenStore, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'demo-token');
  if (fs.existsSync(file)) {
    const saved = fs.readFileSync(file, 'utf8').trim();
    if (await tokens.verify(saved)) return saved;
  }
  const { token } = await tokens.create(DEMO_WORKSPACE, ['read', 'ingest', 'admin'], 'demo');
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}
