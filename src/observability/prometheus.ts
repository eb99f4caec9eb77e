import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every gateway family starts with this; process and Node.js families keep their standard names. */
export const METRIC_PREFIX = 'delivery_overview_';

/** Seconds; from a cached loader hit to a query that hits the timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Operation names come from clients, so they are capped: the first this many distinct
 * names get their own label value, later ones are counted as `other`.
 */
export const MAX_OPERATION_LABELS = 200;

/** What the live hub can tell at scrape time. */
export interface HubGauges {
  readonly activeSubscriptions: number;
  readonly activeKeys: number;
}

/**
 * One Prometheus registry per gateway (tests start several gateways in one process, so
 * nothing here touches prom-client's global default registry). Modules record through
 * the typed fields (`metrics.hubPolls.inc({ outcome: 'ok' })`); `GET /metrics` renders
 * `registry`. No label ever carries a workspace, token or payload.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  /**
   * Every HTTP request the router answers (GraphQL, ingest, health, docs, the page; not WebSocket
   * upgrades), by route (a closed set: see http/observe.ts), method and status class (2xx … 5xx,
   * or `aborted` when the client left before the answer was complete).
   */
  readonly httpRequestDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'HTTP request duration, by route (closed set), method and status class (2xx, 4xx, 5xx, aborted)',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** GraphQL requests over HTTP, by operation name, operation type and outcome (ok | error). */
  readonly graphqlRequestDuration = new Histogram({
    name: `${METRIC_PREFIX}graphql_request_duration_seconds`,
    help: 'GraphQL request duration (HTTP), by operation name, type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Resolvers that do work (root fields and field resolvers), by operation and `Type.field`. */
  readonly graphqlResolverDuration = new Histogram({
    name: `${METRIC_PREFIX}graphql_resolver_duration_seconds`,
    help: 'Duration of root fields and field resolvers, by operation name and Type.field',
    labelNames: ['operation', 'field'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Errors returned to GraphQL callers, by error code (the closed set in docs/api.md, Errors). */
  readonly graphqlErrors = new Counter({
    name: `${METRIC_PREFIX}graphql_errors_total`,
    help: 'Errors returned to GraphQL callers, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** Every ClickHouse call the gateway makes, by query family and outcome. */
  readonly clickhouseQueryDuration = new Histogram({
    name: `${METRIC_PREFIX}clickhouse_query_duration_seconds`,
    help: 'ClickHouse call duration, by query family and outcome (ok | error)',
    labelNames: ['family', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Failed ClickHouse calls, by query family and ClickHouse error code (`none` when there was no code: network, timeout). */
  readonly clickhouseQueryErrors = new Counter({
    name: `${METRIC_PREFIX}clickhouse_query_errors_total`,
    help: 'Failed ClickHouse calls, by query family and ClickHouse error code',
    labelNames: ['family', 'code'] as const,
    registers: [this.registry],
  });

  /** Ingest batches (requests), accepted or rejected, with the error code as `reason`. */
  readonly ingestBatches = new Counter({
    name: `${METRIC_PREFIX}ingest_batches_total`,
    help: 'Ingest requests, by outcome (accepted | rejected) and reason (the error code of a rejection)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  /** Records: stored (`accepted`) or found invalid in a refused batch (`rejected`, reason BAD_USER_INPUT). */
  readonly ingestReports = new Counter({
    name: `${METRIC_PREFIX}ingest_reports_total`,
    help: 'Ingest records (reports and syncs): stored, or found invalid in a refused batch',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  /** Body bytes of ingest requests, accepted or rejected. */
  readonly ingestBytes = new Counter({
    name: `${METRIC_PREFIX}ingest_bytes_total`,
    help: 'Ingest request body bytes, by outcome and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  /** Events the stored delivery reports stand for (the sum of `count`). */
  readonly ingestEvents = new Counter({
    name: `${METRIC_PREFIX}ingest_events_total`,
    help: 'Events the stored delivery reports stand for (sum of count)',
    registers: [this.registry],
  });

  /** Rows per engine write of the ingest coalescer (requests merged into one flush). */
  readonly ingestFlushRows = new Histogram({
    name: `${METRIC_PREFIX}ingest_flush_rows`,
    help: 'Rows (reports and syncs) per ingest flush: the requests merged into one engine write',
    buckets: [1, 100, 500, 1_000, 5_000, 10_000, 25_000, 50_000, 100_000],
    registers: [this.registry],
  });

  /** Ingest requests per flush. */
  readonly ingestFlushRequests = new Histogram({
    name: `${METRIC_PREFIX}ingest_flush_requests`,
    help: 'Ingest requests merged into one flush',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });

  /** Flushes saved in DATA_DIR/ingest-wal that the engine has not stored yet (0 when healthy). */
  readonly ingestWalBacklog: Gauge;
  readonly ingestWalHeld: Gauge;

  /**
   * Live subscriptions open on this replica. Read from the hub at scrape time once
   * `trackHub` is called; modules without a hub may `inc()`/`dec()` it instead.
   */
  readonly activeSubscriptions: Gauge;

  /** Distinct keys the live hub polls (one poll per key, whatever the subscriber count). */
  readonly hubActiveKeys: Gauge;

  /** Live hub polls, by outcome (ok | error). */
  /** Metrics reads by outcome: answered from a kept answer (hit), by a statement another request started (joined), or read (miss). */
  readonly sharedReads = new Counter({
    name: `${METRIC_PREFIX}read_cache_requests_total`,
    help: 'Metrics reads by outcome: hit (a kept answer), joined (an identical statement already running), miss (read from ClickHouse)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly hubPolls = new Counter({
    name: `${METRIC_PREFIX}hub_polls_total`,
    help: 'Live hub polls, by outcome (ok | error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Alert rule evaluations, by outcome (e.g. ok, firing, resolved, error). */
  readonly alertEvaluations = new Counter({
    name: `${METRIC_PREFIX}alert_evaluations_total`,
    help: 'Alert rule evaluations, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Alert notifications, by outcome (e.g. sent, failed, deduplicated) and channel (in_app, webhook, email). */
  readonly alertNotifications = new Counter({
    name: `${METRIC_PREFIX}alert_notifications_total`,
    help: 'Alert notifications, by outcome and channel',
    labelNames: ['outcome', 'channel'] as const,
    registers: [this.registry],
  });

  private hub: HubGauges | null = null;
  private readonly operations = new Set<string>();

  constructor() {
    // The collect() callbacks below are prom-client's, called with their own `this`; they read the gauges through this name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const metrics = this;
    this.activeSubscriptions = new Gauge({
      name: `${METRIC_PREFIX}active_subscriptions`,
      help: 'Live subscriptions open on this replica',
      registers: [this.registry],
      collect() {
        if (metrics.hub) this.set(metrics.hub.activeSubscriptions);
      },
    });
    this.hubActiveKeys = new Gauge({
      name: `${METRIC_PREFIX}hub_active_keys`,
      help: 'Distinct keys the live hub polls on this replica',
      registers: [this.registry],
      collect() {
        if (metrics.hub) this.set(metrics.hub.activeKeys);
      },
    });
    this.ingestWalBacklog = new Gauge({
      name: `${METRIC_PREFIX}ingest_wal_backlog`,
      help: 'Ingest flushes saved in DATA_DIR/ingest-wal and not yet stored by ClickHouse (0 when healthy)',
      registers: [this.registry],
      collect() {
        if (metrics.walBacklog) this.set(metrics.walBacklog());
      },
    });
    this.ingestWalHeld = new Gauge({
      name: `${METRIC_PREFIX}ingest_wal_held`,
      help: 'Ingest flushes held in DATA_DIR/ingest-wal/failed for an operator; their idempotency keys are refused (0 when healthy)',
      registers: [this.registry],
      collect() {
        if (metrics.walHeld) this.set(metrics.walHeld());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Read at every scrape: flushes saved and not yet stored. */
  walBacklog: (() => number) | null = null;
  /** Read at every scrape: flushes held for an operator. */
  walHeld: (() => number) | null = null;

  /** Reads the hub's gauges at every scrape. */
  trackHub(hub: HubGauges): void {
    this.hub = hub;
  }

  /** Counts each shared read's outcome. */
  trackSharedReads(reads: { onRead?: (outcome: 'hit' | 'miss' | 'joined') => void }): void {
    reads.onRead = (outcome) => this.sharedReads.inc({ outcome });
  }

  /** One ClickHouse call: its duration, and its error code when it failed. */
  clickhouseCall(family: string, durationMs: number, ok: boolean, clickhouseCode: number | null): void {
    const outcome = ok ? 'ok' : 'error';
    this.clickhouseQueryDuration.observe({ family, outcome }, durationMs / 1000);
    if (!ok) this.clickhouseQueryErrors.inc({ family, code: clickhouseCode === null ? 'none' : String(clickhouseCode) });
  }

  /** A bounded label value for a client-chosen operation name. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS || name.length > 100) return 'other';
    this.operations.add(name);
    return name;
  }

  ingestAccepted(o: { records: number; events: number; bytes: number }): void {
    this.ingestBatches.inc({ outcome: 'accepted' });
    this.ingestReports.inc({ outcome: 'accepted' }, o.records);
    this.ingestBytes.inc({ outcome: 'accepted' }, o.bytes);
    this.ingestEvents.inc(o.events);
  }

  ingestRejected(o: { reason: string; bytes: number; invalidRecords: number }): void {
    this.ingestBatches.inc({ outcome: 'rejected', reason: o.reason });
    this.ingestBytes.inc({ outcome: 'rejected', reason: o.reason }, o.bytes);
    if (o.invalidRecords > 0) this.ingestReports.inc({ outcome: 'rejected', reason: o.reason }, o.invalidRecords);
  }

  /** The text exposition and its content type, for `GET /metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.hub = null;
    this.registry.clear();
  }
}
