import path from 'node:path';
import type { Logger } from 'pino';
import { Evaluator, type EvaluationReport } from '../alerts/evaluator';
import { AlertStore } from '../alerts/store';
import { AuthThrottle } from '../auth/auth-throttle';
import { loadSecretBox, type SecretBox } from '../auth/secret-box';
import { TokenStore } from '../auth/tokens';
import type { Db, QueryEvent } from '../clickhouse/client';
import type { Config } from '../config/config';
import { KeyedSemaphore, RateLimiter } from '../domain/rate-limiter';
import type { GatewayServices } from '../graphql/context';
import { gatewaySchema } from '../graphql/schema';
import { AdmissionPipeline } from '../graphql/transport/admission';
import { instrumentResolvers, OperationObserver } from '../graphql/transport/observe';
import { IngestCoalescer } from '../ingest/coalescer';
import { FlushLogFiles } from '../ingest/flush-log-files';
import { SharedReads } from '../metrics/shared-reads';
import { IngestService } from '../ingest/ingest.service';
import { redactHeaders, redactUrl } from '../ingest/sample.redact';
import { FailureTail } from '../live/failure-tail';
import { LiveHub } from '../live/hub';
import { SharedLookups } from '../live/shared-lookups';
import { CatalogCache } from '../metrics/catalog.cache';
import { CatalogService } from '../metrics/catalog.service';
import { WorkspaceDb } from '../metrics/workspace-db';
import { GatewayMetrics } from '../observability/prometheus';
import { ReplayEndpointStore } from '../replay/endpoint';
import { ReplaySender } from '../replay/sender';
import { ReplayStore } from '../replay/store';
import type { SpanSink, Tracing } from '../observability/tracing';
import { startTracing } from '../observability/tracing.start';
import type { ListSizes } from '../graphql/common/cost';

/** Everything long-lived a gateway runs, built from the configuration; no sockets yet. */
export interface Services {
  db: Db;
  tokens: TokenStore;
  /** The root token when this start generated it (shown once), else null; and its file. */
  rootToken: { created: string | null; file: string };
  secrets: SecretBox;
  ingest: IngestService;
  hub: LiveHub;
  metrics: GatewayMetrics;
  /** Spans (NO_TRACING unless OTEL_* turn tracing on); the Db handle makes one per call. */
  tracing: Tracing;
  alerts: Evaluator;
  /** Pushes replays to workspaces' endpoints (every REPLAY_SEND_INTERVAL_MS; 0: never on this replica). */
  replaySender: ReplaySender;
  /** What resolvers reach through their context. */
  graphql: GatewayServices;
  admission: AdmissionPipeline;
  observer: OperationObserver;
  /** Stops what the metrics observe (the Db listener). */
  stopMetrics(): void;
}

export interface ServiceOverrides {
  /** The clock ranges resolve against; default Date.now (tests freeze it). */
  now?: () => number;
  /** Serve introspection; default config.graphql.introspection. */
  introspection?: boolean;
  /** Test hook: sees every loader batch. */
  recordBatch?: GatewayServices['recordBatch'];
  /** Test hook: finished spans go here (an InMemorySpanExporter), tracing on whatever the configuration says. */
  spanSink?: SpanSink;
}

export async function buildServices(db: Db, config: Config, log: Logger, overrides: ServiceOverrides = {}): Promise<Services> {
  const tracing = startTracing(config.tracing, overrides.spanSink);
  db.tracing = tracing;
  const tokens = new TokenStore(db, config.auth.rootToken, new AuthThrottle(config.auth.failureRatePerSecond, config.auth.failureBurst));
  const root = await tokens.ensureRootToken(config.server.dataDir);
  tokens.usage.start();
  const { box: secrets } = loadSecretBox(config.auth.secretsKey, config.server.dataDir, config.auth.secretsKeysPrevious);
  const metrics = new GatewayMetrics();
  const ingest = await buildIngest(db, config, log, metrics);
  const catalogCache = new CatalogCache();
  const sharedReads = new SharedReads({ maxEntries: config.graphql.resultCacheEntries, ttlMs: config.graphql.resultCacheTtlMs });
  metrics.trackSharedReads(sharedReads);
  // The Db's observer, implemented here: its calls timed and counted in the metrics.
  const onQuery = (e: QueryEvent) => metrics.clickhouseCall(e.family, e.durationMs, e.ok, e.clickhouseCode);
  db.events.on('query', onQuery);
  const stopMetrics = () => void db.events.off('query', onQuery);
  const hub = new LiveHub({
    onPoll: (_key, ok) => metrics.hubPolls.inc({ outcome: ok ? 'ok' : 'error' }),
    intervalMs: config.live.pollIntervalMs,
    maxPerWorkspace: config.live.maxSubscriptionsPerWorkspace,
    onError: (key, err) => log.warn({ key, err }, 'live poll failed'),
    // A workspace's polls serve every subscriber: they start outside the request that happened to open them.
    detached: (fn) => tracing.detached(fn),
  });
  metrics.trackHub(hub);
  const tail = new FailureTail({ maxPerSecond: config.live.tailMaxPerSecond, maxPerWorkspace: config.live.maxSubscriptionsPerWorkspace });
  // Pushed as ingest stores them, not polled: a subscriber costs no query.
  ingest.onReportsStored = (workspaceId, reports) => tail.publish(workspaceId, reports);
  ingest.onStored = (workspaceId, ids) => {
    // What the batch can change: the answers covering its report times, the live values of its workspace.
    sharedReads.invalidate(workspaceId, ids.from, ids.to);
    hub.nudge(workspaceId);
    void catalogCache.peek(workspaceId).then((s) => s && !s.knows(ids) && catalogCache.invalidate(workspaceId));
  };
  const alerts = buildEvaluator(db, config, log, secrets, metrics, tracing, overrides.now);
  const observer = new OperationObserver(log, metrics, tracing);
  const graphql: GatewayServices = {
    db,
    tokens,
    hub,
    tail,
    secrets,
    alerts: new AlertStore(db, secrets),
    destinationLookups: new SharedLookups(),
    catalogCache,
    sharedReads,
    queryGate: new KeyedSemaphore(config.graphql.concurrencyPerWorkspace, config.graphql.queuePerWorkspace, config.graphql.operationTimeoutMs),
    webhookAllowPrivate: config.alerts.webhookAllowPrivate,
    now: overrides.now ?? Date.now,
    recordBatch: overrides.recordBatch,
    observer,
    replays: {
      store: new ReplayStore(db),
      endpoints: new ReplayEndpointStore(secrets),
      limits: { maxMessages: config.replay.maxMessages, batchSize: config.replay.batchSize },
      endpointRules: { allowHttp: config.replay.allowHttp, allowPrivateNetworks: config.alerts.webhookAllowPrivate },
    },
  };
  const replaySender = new ReplaySender({ db, log, secrets, config: config.replay, allowPrivateNetworks: config.alerts.webhookAllowPrivate });
  const schema = gatewaySchema();
  instrumentResolvers(schema);
  // The catalog's counts come from the same snapshots requests use: pricing a list costs no extra read.
  const listSizes = (ws: string): Promise<ListSizes> => new CatalogService(new WorkspaceDb(db, ws, graphql.queryGate), catalogCache).sizes();
  const admission = new AdmissionPipeline({
    schema,
    tokens,
    limits: config.graphql.limits,
    rate: { perSecond: config.graphql.ratePerSecond, burst: config.graphql.rateBurst },
    introspection: overrides.introspection ?? config.graphql.introspection,
    listSizes,
  });
  return { db, tokens, rootToken: root, secrets, ingest, hub, metrics, tracing, alerts, replaySender, graphql, admission, observer, stopMetrics };
}

/** Ingest with its coalescer; flushes a previous process saved and did not store are written first. */
async function buildIngest(db: Db, config: Config, log: Logger, metrics: GatewayMetrics): Promise<IngestService> {
  const { ingest: ic } = config;
  const coalescer = new IngestCoalescer(db, {
    maxRows: ic.flushMaxRows,
    maxDelayMs: ic.flushMaxDelayMs,
    log: new FlushLogFiles(path.join(config.server.dataDir, 'ingest-wal')),
    coalesceKeyed: ic.coalesceKeyed === 'auto' ? config.clickhouse.url === null : ic.coalesceKeyed === 'on',
    onFlush: (rows, requests) => {
      metrics.ingestFlushRows.observe(rows);
      metrics.ingestFlushRequests.observe(requests);
    },
    onError: (err) => log.error({ err }, 'a saved ingest flush could not be stored yet; retrying in 5 s'),
    onHold: (file, err) =>
      log.error(
        { err, file },
        'held a saved ingest flush for an operator after a minute of refusals (moved to failed/); its keys stay refused until it is moved back or deleted (docs/ingest.md)',
      ),
  });
  metrics.walBacklog = () => coalescer.backlog;
  metrics.walHeld = () => coalescer.held;
  const recovered = await coalescer.recover();
  if (recovered.pending > 0) log.info({ flushes: recovered.pending, backlog: coalescer.backlog }, 'wrote ingest flushes saved before the last stop');
  if (recovered.held > 0)
    log.error(
      { flushes: recovered.held, dir: path.join(config.server.dataDir, 'ingest-wal', 'failed') },
      'ingest flushes are held for an operator: their keys stay refused until each is moved back to ingest-wal/ or deleted (docs/ingest.md)',
    );
  return new IngestService(db, ic, ic.samplesPerMinute, new RateLimiter(ic.ratePerSecond, ic.rateBurst), coalescer);
}

function buildEvaluator(db: Db, config: Config, log: Logger, secrets: SecretBox, metrics: GatewayMetrics, tracing: Tracing, now?: () => number): Evaluator {
  const a = config.alerts;
  return new Evaluator({
    hooks: {
      onSweep: (report) => countSweep(metrics, report),
      onNotification: (channel, result) => metrics.alertNotifications.inc({ channel, outcome: result.ok ? 'sent' : 'failed' }),
      // A sweep is its own trace; each webhook POST a client span whose context the receiver gets as traceparent.
      trace: (name, kind, fn) => tracing.span(name, { kind }, () => fn(tracing.outgoingHeaders())),
    },
    db,
    log,
    now,
    retry: { attempts: a.notifyAttempts, baseDelayMs: a.notifyBaseDelayMs, timeoutMs: a.notifyTimeoutMs },
    allowPrivateNetworks: a.webhookAllowPrivate,
    secrets,
    email: a.smtpUrl ? { smtpUrl: a.smtpUrl, from: a.emailFrom, timeoutMs: a.notifyTimeoutMs } : null,
    pagerdutyEventsUrl: a.pagerdutyEventsUrl,
    publicBaseUrl: a.publicBaseUrl ?? undefined,
    // Samples were redacted at ingest; notifications redact them again under today's rules, as the API does.
    redactSample: (s) => ({
      ...s,
      request: s.request && { ...s.request, url: s.request.url === null ? null : redactUrl(s.request.url), headers: redactHeaders(s.request.headers) },
      response: s.response && { ...s.response, headers: redactHeaders(s.response.headers) },
    }),
  });
}

/** One sweep's outcomes as counter increments (rules that stayed ok are what is left over). */
function countSweep(metrics: GatewayMetrics, report: EvaluationReport): void {
  const failed = report.errors;
  const firing = report.transitions.filter((t) => t.state === 'firing').length;
  const resolved = report.transitions.length - firing;
  const ok = Math.max(0, report.evaluated - failed - firing - resolved - report.insufficient);
  const outcomes = [
    ['ok', ok],
    ['firing', firing],
    ['resolved', resolved],
    ['insufficient', report.insufficient],
    ['error', failed],
    ['lost_claim', report.lostClaims],
  ] as const;
  for (const [outcome, n] of outcomes) if (n > 0) metrics.alertEvaluations.inc({ outcome }, n);
}
