import 'reflect-metadata'; // type-graphql's decorators need it before any type class loads
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Evaluator } from '../alerts/evaluator';
import type { ReplaySender } from '../replay/sender';
import type { SecretBox } from '../auth/secret-box';
import type { Principal } from '../auth/scopes';
import type { TokenStore } from '../auth/tokens';
import { type Db } from '../clickhouse/client';
import { dbOptionsOf, openDb } from '../clickhouse/open';
import { makeDataDirPrivate } from './data-dir';
import { migrate, migrationsApplied, migrationTarget } from '../clickhouse/migrations';
import type { Config } from '../config/config';
import { gatewaySchema } from '../graphql/schema';
import type { AdmissionPipeline } from '../graphql/transport/admission';
import { startApollo } from '../graphql/transport/apollo-server';
import type { GraphQLHttpDeps } from '../graphql/transport/http';
import { attachGraphQLWs } from '../graphql/transport/ws';
import type { IdeOptions } from '../http/ide/ide.http';
import { Cors } from '../http/cors';
import { metricsOnly } from '../observability/http-requests';
import { createRouter } from './router';
import type { WebOptions } from '../http/web';
import type { IngestService } from '../ingest/ingest.service';
import { ingestOpenApi } from '../ingest/openapi';
import { PACKAGE_ROOT } from '../package-root';
import type { LiveHub } from '../live/hub';
import type { SharedReads } from '../metrics/shared-reads';
import { observeIngest } from './ingest.observer';
import type { GatewayMetrics } from '../observability/prometheus';
import { closeGateway, createHttpServer, listen } from './lifecycle';
import { buildServices, type ServiceOverrides, type Services } from './services';

export interface GatewayOptions extends ServiceOverrides {
  config: Config;
  log: Logger;
  /** An already-open Db (the demo backfills through it before serving). Default: opened from config. */
  db?: Db;
  /**
   * The GraphQL IDE on `GET /graphql` from a browser (needs introspection). Default: on
   * when config.graphql.ide; `false` turns it off; `{ defaultToken }` prefills the demo token.
   */
  ide?: IdeOptions | false;
  /** The Delivery Overview page at `/` (dist/web); `{ demoToken }` opens it signed in. */
  web?: WebOptions;
}

export interface Gateway {
  url: string;
  /** Where `GET /metrics` is served: `url`, or the METRICS_PORT server's base URL. */
  metricsUrl: string;
  graphqlUrl: string;
  wsUrl: string;
  db: Db;
  tokens: TokenStore;
  /** Seals stored alert webhook URLs and secrets (SECRETS_KEY or DATA_DIR/secrets.key). */
  secrets: SecretBox;
  ingest: IngestService;
  hub: LiveHub;
  /** This gateway's Prometheus registry and families (`GET /metrics`). */
  metrics: GatewayMetrics;
  /**
   * The alert evaluator. It runs every ALERT_EVAL_INTERVAL_MS (0: never on its own);
   * `evaluateOnce(now?)` runs one sweep on demand (tests).
   */
  alerts: Evaluator;
  /** Identical metrics reads run once and are kept until a write changes them. */
  sharedReads: SharedReads;
  /** Pushes replays; `sweep()` runs one look for work on demand (tests). */
  replaySender: ReplaySender;
  /** The one admission pipeline both transports run every operation through (its rule list is public). */
  admission: AdmissionPipeline;
  /** Apollo Server, framing GraphQL over HTTP behind the admission pipeline. */
  apollo: GraphQLHttpDeps['apollo'];
  /** The root token when this start generated it (shown once), else null. */
  createdRootToken: string | null;
  rootTokenFile: string;
  /**
   * Graceful: stop accepting, let in-flight requests (ingest included) finish, complete
   * every live subscription, then close ClickHouse. After `graceMs` remaining sockets are cut.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * The composition root: opens ClickHouse, applies migrations, builds the services, and
 * serves GraphQL (HTTP + graphql-ws on one path), the IDE, ingest, health, metrics and
 * docs on one port.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, log } = options;
  // Before anything is written there (with a server too: DATA_DIR holds the secrets key and saved flushes).
  const problem = makeDataDirPrivate(config.server.dataDir);
  if (problem) log.warn(problem);
  const db = options.db ?? (await openDb(dbOptionsOf(config)));
  await prepareDatabase(db, config, log);
  const services = await buildServices(db, config, log, options);
  let shuttingDown = false;
  const cors = new Cors(config.server.corsOrigins);
  const apollo = await startApollo({ schema: gatewaySchema(), admission: services.admission, observer: services.observer, log });
  const server = createHttpServer(config, createRouter({ ...routerDeps(services, config, log, options, () => shuttingDown, apollo), cors }));
  // Listen first: a taken port then rejects here (the CLI turns it into one line) instead of
  // being re-emitted by the WebSocket server as an unhandled 'error' event.
  const metricsServer = config.server.metricsPort === null ? null : createHttpServer(config, metricsOnly(services.metrics));
  const giveUp = async (err: unknown): Promise<never> => {
    await apollo.stop();
    services.hub.close();
    services.stopMetrics();
    services.metrics.close();
    await services.tracing.shutdown();
    if (!options.db) await db.close();
    throw err;
  };
  const url = await listen(server, config.server).catch(giveUp);
  const metricsUrl = metricsServer
    ? await listen(metricsServer, { host: config.server.metricsHost, port: config.server.metricsPort! }).catch(async (err: unknown) => {
        await new Promise((resolve) => server.close(resolve));
        return giveUp(err);
      })
    : url;
  const ws = attachGraphQLWs(server, {
    schema: gatewaySchema(),
    admission: services.admission,
    services: services.graphql,
    observer: services.observer,
    tracing: services.tracing,
    live: config.live,
    cors,
  });
  // Notification links open the page where people reach it; without PUBLIC_BASE_URL, here.
  if (config.alerts.publicBaseUrl === null) services.alerts.publicBaseUrl = url;
  services.alerts.start(config.alerts.evalIntervalMs);
  services.replaySender.start(config.replay.sendIntervalMs);
  let closing: Promise<void> | null = null;
  return {
    url,
    metricsUrl,
    graphqlUrl: `${url}/graphql`,
    wsUrl: `${url.replace('http', 'ws')}/graphql`,
    db,
    tokens: services.tokens,
    secrets: services.secrets,
    ingest: services.ingest,
    hub: services.hub,
    metrics: services.metrics,
    alerts: services.alerts,
    replaySender: services.replaySender,
    admission: services.admission,
    sharedReads: services.graphql.sharedReads!,
    apollo,
    createdRootToken: services.rootToken.created,
    rootTokenFile: services.rootToken.file,
    close(graceMs = 10_000) {
      shuttingDown = true;
      closing ??= closeGateway({ server, metricsServer, ws, apollo, services, ownDb: !options.db }, graceMs);
      return closing;
    },
  };
}

async function prepareDatabase(db: Db, config: Config, log: Logger): Promise<void> {
  if (db.recoveredDedupOrphans > 0) {
    log.warn({ records: db.recoveredDedupOrphans }, 'recovered deduplication records orphaned by an unclean stop; retried batches will be stored');
  }
  const report = await migrate(db, migrationTarget(config));
  if (report.applied.length > 0) log.info({ applied: report.applied }, 'migrations applied');
}

function routerDeps(services: Services, config: Config, log: Logger, options: GatewayOptions, shuttingDown: () => boolean, apollo: GraphQLHttpDeps['apollo']) {
  const introspection = options.introspection ?? config.graphql.introspection;
  const ide = options.ide !== false && config.graphql.ide && introspection ? (options.ide ?? {}) : null;
  return {
    log,
    graphql: {
      apollo,
      admission: services.admission,
      services: services.graphql,
      observer: services.observer,
      tracing: services.tracing,
      operationTimeoutMs: config.graphql.operationTimeoutMs,
    },
    ingest: {
      tokens: services.tokens,
      ingest: services.ingest,
      maxBodyBytes: config.ingest.maxBodyBytes,
      observe: (requestId: string, o: Parameters<typeof observeIngest>[3]) => observeIngest(log, services.metrics, requestId, o, services.tracing.logFields()),
    },
    metrics: services.metrics,
    metricsRoute: config.server.metricsPort === null,
    tracing: services.tracing,
    ide,
    web: options.web ?? {},
    rest: restDeps(services, log),
    replayPull: { ...restDeps(services, log), replays: services.graphql.replays.store },
    ready: async () => {
      const failing = services.ingest.coalescer.writesFailing(Date.now());
      if (failing) return { ready: false, backend: services.db.backend, reason: `writes are refused: ${failing.code}` };
      return { ready: (await services.db.ping()) && (await migrationsApplied(services.db, migrationTarget(config))), backend: services.db.backend };
    },
    shuttingDown,
    openapi: once(() => ingestOpenApi(config.ingest, packageVersion())),
  };
}

function restDeps(services: Services, log: Logger) {
  const g = services.graphql;
  return {
    db: services.db,
    tokens: services.tokens,
    queryGate: g.queryGate,
    sharedReads: g.sharedReads,
    catalogCache: g.catalogCache,
    now: g.now,
    log,
    takeRate: (p: Principal) => services.admission.takeRate(p),
  };
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
