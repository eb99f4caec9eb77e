import 'reflect-metadata'; // type-graphql's decorators need it before any type class loads
import crypto from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { TokenStore } from './auth/tokens';
import { loadSecretBox, type SecretBox } from './auth/secret-box';
import { Evaluator } from './alerts/evaluator';
import { LiveHub } from './live/hub';
import { guardProtocol } from './live/ws-guard';
import { KeyedSemaphore, RateLimiter } from './domain/rate-limiter';
import type { Principal } from './auth/scopes';
import { openDb, type Db } from './clickhouse/client';
import { migrate, migrationsApplied } from './clickhouse/migrations';
import type { Config } from './config/config';
import { AppError, ErrorCode, HTTP_STATUS } from './domain/errors';
import { GraphQLError } from 'graphql';
import { createApollo, handleGraphQLHttp } from './graphql/apollo';
import { RequestContext, type GatewayServices } from './graphql/context';
import { formatError } from './graphql/format-error';
import { checkRequest } from './graphql/limits';
import { DocumentCache } from './graphql/document-cache';
import { MAX_GRAPHQL_BODY_BYTES } from './graphql/apollo';
import { gatewaySchema } from './graphql/schema';
import { authenticate, authenticateRequest } from './http/authenticate';
import { sendError, sendJson } from './http/respond';
import { serveDocs } from './http/docs';
import { serveWeb, type WebOptions } from './http/web';
import { handleIngest } from './ingest/ingest.http';
import { IngestService } from './ingest/ingest.service';
import { isIdeAssetPath, isIdeRequest, serveIdeAsset, serveIdePage, type IdeOptions } from './ide/ide.http';
import type { Logger } from './log';
import { observabilityPlugin } from './observability/graphql.plugin';
import { observeIngest } from './observability/ingest.observer';
import { GatewayMetrics } from './observability/prometheus';

export interface GatewayOptions {
  config: Config;
  log: Logger;
  /** An already-open Db (the demo backfills through it before serving). Default: opened from config. */
  db?: Db;
  /** Serve introspection. Default: config.introspectionEnabled. */
  introspection?: boolean;
  /**
   * The GraphQL IDE on `GET /graphql` from a browser (needs introspection). Default: on
   * when config.ideEnabled; `false` turns it off; `{ defaultToken }` prefills the demo token.
   */
  ide?: IdeOptions | false;
  /** The Delivery Overview page at `/` (dist/web); `{ demoToken }` opens it signed in. */
  web?: WebOptions;
  /** The clock; default Date.now. Tests freeze it. */
  now?: () => number;
  /** Test hook: sees every loader batch. */
  recordBatch?: GatewayServices['recordBatch'];
}

export interface Gateway {
  url: string;
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
  /** The root token when this start generated it (shown once), else null. */
  createdRootToken: string | null;
  rootTokenFile: string;
  close(graceMs?: number): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** A graphql-ws message may be as large as an HTTP GraphQL body, no larger. */
const MAX_WS_MESSAGE_BYTES = MAX_GRAPHQL_BODY_BYTES;

/**
 * Opens ClickHouse, applies migrations, makes sure a root token exists, and serves
 * GraphQL (HTTP + graphql-ws on one path), the GraphQL IDE, ingest, health, metrics
 * and docs on one port.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, log } = options;
  const db = options.db ?? (await openDb(config));
  const target = { database: config.database, cluster: config.cluster };
  if (db.recoveredDedupOrphans > 0) {
    log.warn({ records: db.recoveredDedupOrphans }, 'recovered deduplication records orphaned by an unclean stop; retried batches will be stored');
  }
  const report = await migrate(db, target);
  if (report.applied.length > 0) log.info({ applied: report.applied }, 'migrations applied');

  const tokens = new TokenStore(db, config.rootToken);
  const root = await tokens.ensureRootToken(config.dataDir);
  const { box: secrets } = loadSecretBox(config.secretsKey, config.dataDir, config.secretsKeysPrevious);
  const ingest = new IngestService(
    db,
    { maxBodyBytes: config.ingestMaxBodyBytes, maxRecords: config.ingestMaxRecords, maxRecordBytes: config.ingestMaxRecordBytes, sampleMaxBytes: config.sampleMaxBytes },
    config.samplesPerMinute,
    new RateLimiter(config.ingestRatePerSecond, config.ingestRateBurst),
  );
  const queryLimiter = new RateLimiter(config.queryRatePerSecond, config.queryRateBurst);
  /** 429 unless the caller's workspace (or the root token) has operations left this second. */
  const takeQuery = (principal: Principal) => {
    const decision = queryLimiter.take(principal.workspaceId ?? principal.tokenId);
    if (!decision.ok) {
      throw new AppError(ErrorCode.RATE_LIMITED, `Over the rate of ${config.queryRatePerSecond} operations/s for this workspace; retry after ${decision.retryAfterSeconds} s`, {
        retryAfterSeconds: decision.retryAfterSeconds,
        limit: 'queryRatePerSecond',
        value: config.queryRatePerSecond,
      });
    }
  };
  const metrics = new GatewayMetrics();
  const stopDbMetrics = metrics.observeDb(db);
  const hub = new LiveHub({
    onPoll: (_key, ok) => metrics.hubPolls.inc({ outcome: ok ? 'ok' : 'error' }),
    intervalMs: config.livePollIntervalMs,
    maxPerWorkspace: config.wsMaxSubscriptionsPerWorkspace,
    onError: (key, err) => log.warn({ key: key.split('\u0000')[1], err }, 'live poll failed'),
  });
  const services: GatewayServices = { db, tokens, hub, queryGate: new KeyedSemaphore(config.queryConcurrencyPerWorkspace), webhookAllowPrivate: config.alertWebhookAllowPrivate, secrets, now: options.now ?? Date.now, recordBatch: options.recordBatch };
  const schema = gatewaySchema();
  metrics.trackHub(hub);
  const alerts = new Evaluator({
    hooks: {
      onSweep: (report) => {
        const failed = report.errors;
        const firing = report.transitions.filter((t) => t.state === 'firing').length;
        const resolved = report.transitions.length - firing;
        const ok = Math.max(0, report.evaluated - failed - firing - resolved - report.insufficient);
        for (const [outcome, n] of [['ok', ok], ['firing', firing], ['resolved', resolved], ['insufficient', report.insufficient], ['error', failed], ['lost_claim', report.lostClaims]] as const) {
          if (n > 0) metrics.alertEvaluations.inc({ outcome }, n);
        }
      },
      onNotification: (channel, result) => metrics.alertNotifications.inc({ channel, outcome: result.ok ? 'sent' : 'failed' }),
    },
    db,
    log,
    now: options.now,
    retry: { attempts: config.alertNotifyAttempts, baseDelayMs: config.alertNotifyBaseDelayMs, timeoutMs: config.alertNotifyTimeoutMs },
    allowPrivateNetworks: config.alertWebhookAllowPrivate,
    secrets,
    email: config.smtpUrl ? { smtpUrl: config.smtpUrl, from: config.alertEmailFrom, timeoutMs: config.alertNotifyTimeoutMs } : null,
  });
  const introspection = options.introspection ?? config.introspectionEnabled;
  const ide: IdeOptions | null = options.ide !== false && config.ideEnabled && introspection ? (options.ide ?? {}) : null;
  const apollo = await createApollo(schema, log, { introspection, limits: config.operationLimits, plugins: [observabilityPlugin(log, metrics)] });

  let shuttingDown = false;
  const server = http.createServer((req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    if (shuttingDown) {
      // Requests already being served finish; new ones (e.g. on a kept-alive socket) go elsewhere.
      res.setHeader('connection', 'close');
      sendError(res, new AppError(ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down; retry on another replica or in a moment', { retryAfterSeconds: 1 }), requestId);
      return;
    }
    route(req, res, requestId).catch((err) => {
      logFailure(log, err, requestId, req);
      sendError(res, err, requestId);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/graphql') {
      if (req.method !== 'GET' && req.method !== 'POST') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Use GET or POST on /graphql');
      if (ide && isIdeRequest(req, url)) return serveIdePage(res, ide);
      let principal;
      try {
        principal = await authenticateRequest(tokens, req);
        takeQuery(principal);
      } catch (err) {
        if (err instanceof AppError) {
          const status = HTTP_STATUS[err.code];
          metrics.graphqlErrors.inc({ code: err.code });
          log.info({ requestId, workspace: principal?.workspaceId ?? null, operation: null, status, code: err.code }, 'graphql request');
          const retryAfter = err.details?.retryAfterSeconds;
          const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {};
          sendJson(res, status, { errors: [{ message: err.message, extensions: { ...err.details, code: err.code, requestId } }] }, headers);
          return;
        }
        throw err;
      }
      await handleGraphQLHttp(apollo, schema, req, res, new RequestContext(services, principal, requestId), config.operationLimits);
      return;
    }
    if (path === '/v1/ingest') {
      if (req.method !== 'POST') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Use POST on /v1/ingest');
      await handleIngest(req, res, { tokens, ingest, maxBodyBytes: config.ingestMaxBodyBytes, observe: (o) => observeIngest(log, metrics, requestId, o) });
      return;
    }
    if (path === '/metrics') {
      const { contentType, body } = await metrics.render();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (ide && isIdeAssetPath(path)) return serveIdeAsset(req, res, path);
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const ready = (await db.ping()) && (await migrationsApplied(db, target));
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', clickhouse: db.backend });
    }
    if (path.startsWith('/docs/')) return serveDocs(path, res);
    if (serveWeb(req, res, path, options.web)) return;
    throw new AppError(ErrorCode.NOT_FOUND, `No route for ${req.method} ${path}`);
  }

  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_WS_MESSAGE_BYTES });
  guardProtocol(wss);
  const documents = new DocumentCache(schema, config.operationLimits);
  const wsServer = useServer<Record<string, unknown> | undefined, { context?: RequestContext }>(
    {
      schema,
      connectionInitWaitTimeout: config.wsConnectionInitTimeoutMs,
      // Authentication happens once, in connection_init; a bad token closes the socket with 4403.
      onConnect: async (ctx) => {
        const auth = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          const principal = await authenticate(tokens, typeof auth === 'string' ? auth : undefined);
          ctx.extra.context = new RequestContext(services, principal, crypto.randomUUID(), {
            subscriptions: 0,
            maxSubscriptions: config.wsMaxSubscriptionsPerConnection,
          });
          return true;
        } catch {
          return false;
        }
      },
      // The same limits as HTTP, before any ClickHouse query, and a fresh context per
      // operation so loaders never outlive one operation.
      onSubscribe: (ctx, _id, payload) => {
        const c = ctx.extra.context!;
        try {
          takeQuery(c.principal);
        } catch (err) {
          return [new GraphQLError((err as Error).message, { originalError: err as Error })];
        }
        const contextValue = new RequestContext(services, c.principal, crypto.randomUUID(), c.connection);
        const parsed = documents.get(payload.query);
        if (!('kind' in parsed)) return parsed;
        const checked = checkRequest(schema, parsed, payload, config.operationLimits, contextValue.now);
        if (!('kind' in checked)) return checked;
        return { schema, document: checked, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      // Errors of every operation, and of every pushed value, go through the one formatter.
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
    },
    wss,
    config.wsKeepAliveMs,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  alerts.start(config.alertEvalIntervalMs);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  let closed = false;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    wsUrl: `${url.replace('http', 'ws')}/graphql`,
    db,
    tokens,
    secrets,
    ingest,
    hub,
    metrics,
    alerts,
    createdRootToken: root.created,
    rootTokenFile: root.file,
    /**
     * Graceful: stop accepting, let in-flight requests (ingest included) finish, complete
     * every live subscription, then close ClickHouse. After `graceMs` remaining sockets are cut.
     */
    async close(graceMs = 10_000) {
      if (closed) return;
      closed = true;
      shuttingDown = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      hub.close();
      await alerts.stop();
      await new Promise((r) => setTimeout(r, 50)); // let graphql-ws send each subscription's complete
      await wsServer.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeIdleConnections();
      await stopped;
      clearInterval(idle);
      clearTimeout(force);
      await apollo.stop();
      stopDbMetrics();
      metrics.close();
      if (!options.db) await db.close();
    },
  };
}

function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

function logFailure(log: Logger, err: unknown, requestId: string, req: IncomingMessage): void {
  const internal = !(err instanceof AppError) || err.code === ErrorCode.INTERNAL_SERVER_ERROR || err.code === ErrorCode.UPSTREAM_UNAVAILABLE;
  log[internal ? 'error' : 'debug']({ requestId, method: req.method, path: req.url?.split('?')[0], err }, 'request failed');
}

export type { ApolloServer };
