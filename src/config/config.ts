import path from 'node:path';
import { AppError, ErrorCode } from '../domain/errors';
import { ConfigReader, IDENTIFIER } from './reader';
import { readAlerts, type AlertsConfig } from './alerts';
import { readReplay, type ReplayConfig } from './replay';
import { readTracing, type TracingConfig } from './tracing';

export type { AlertsConfig } from './alerts';
export type { ReplayConfig } from './replay';

/**
 * Everything the gateway reads from the environment, validated once at start and
 * grouped by concern. Each field's JSDoc states its variable and default;
 * docs/configuration.md is the same list.
 */
export interface Config {
  server: ServerConfig;
  clickhouse: ClickHouseConfig;
  auth: AuthConfig;
  ingest: IngestConfig;
  graphql: GraphQLConfig;
  live: LiveConfig;
  alerts: AlertsConfig;
  /** Replays of undelivered messages: size limits, batching, the sender's pace. */
  replay: ReplayConfig;
  /** OpenTelemetry tracing from the standard `OTEL_*` variables; off unless an exporter or endpoint is set. */
  tracing: TracingConfig;
  /** `LOG_LEVEL`, default `info`. One of debug, info, warn, error, silent. */
  logLevel: LogLevel;
}

export interface ServerConfig {
  /** `PORT`, default 4000. HTTP, GraphQL, graphql-ws and ingest share it. */
  port: number;
  /** `METRICS_PORT`, default unset: `/metrics` on PORT. Set, `/metrics` is served on this port (on METRICS_HOST) only; 0 picks a free one. */
  metricsPort: number | null;
  /**
   * `METRICS_HOST`, default `127.0.0.1`: where the METRICS_PORT server listens. Loopback unless
   * told otherwise, whatever HOST is: `/metrics` needs no token, so a public API must not make
   * it public too.
   */
  metricsHost: string;
  /** `HOST`, default `127.0.0.1`; set `0.0.0.0` to listen on every interface. */
  host: string;
  /** `DATA_DIR`, default `./data`. The embedded engine's files and the root token live here. */
  dataDir: string;
  /** `HTTP_HEADERS_TIMEOUT_MS`, default 10000: a client must send its request headers within this (slow-loris). */
  headersTimeoutMs: number;
  /** `HTTP_REQUEST_TIMEOUT_MS`, default 120000: a whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** `HTTP_KEEPALIVE_TIMEOUT_MS`, default 5000: an idle kept-alive socket is closed after this. */
  keepAliveTimeoutMs: number;
  /** `HTTP_MAX_CONNECTIONS`, default 10000: open sockets (HTTP and WebSocket) per replica; more are refused. */
  maxConnections: number;
  /**
   * `CORS_ORIGINS`, default none: comma-separated origins (`https://dash.example.com`) whose pages
   * may call the API from a browser; graphql-ws then also refuses handshakes from other origins.
   */
  corsOrigins: string[];
}

export interface ClickHouseConfig {
  /** `CLICKHOUSE_URL`: a ClickHouse server over HTTP. Unset: the embedded engine (chDB) at DATA_DIR. */
  url: string | null;
  /** `CLICKHOUSE_USER`, default `default`. */
  user: string;
  /** `CLICKHOUSE_PASSWORD` (or a file named by `CLICKHOUSE_PASSWORD_FILE`), default empty. */
  password: string;
  /** `CLICKHOUSE_DATABASE`, default `delivery_overview`. */
  database: string;
  /** `CLICKHOUSE_CLUSTER`: render migrations ON CLUSTER with Replicated/Distributed tables. Default unset. */
  cluster: string | null;
  /** `QUERY_TIMEOUT_SECONDS`, default 10: ClickHouse `max_execution_time` for every read. */
  queryTimeoutSeconds: number;
  /**
   * `WRITE_TIMEOUT_SECONDS`, default 300: ClickHouse `max_execution_time` for every insert and
   * command (ingest flushes, the demo's backfill, token and alert writes); 0: no limit.
   */
  writeTimeoutSeconds: number;
  /** `QUERY_MAX_MEMORY_BYTES`, default 4 GiB: ClickHouse `max_memory_usage` for every read. */
  queryMaxMemoryBytes: number;
}

export interface AuthConfig {
  /** `ROOT_TOKEN` (or a file named by `ROOT_TOKEN_FILE`): the operators' token for server deployments. Unset: generated on first start. */
  rootToken: string | null;
  /**
   * `SECRETS_KEY` (or a file named by `SECRETS_KEY_FILE`): 32 bytes as 64 hex characters (or base64) sealing stored webhook URLs and
   * secrets (AES-256-GCM). Unset: a key generated in DATA_DIR/secrets.key. Required with
   * CLICKHOUSE_URL, the same on every replica.
   */
  secretsKey: Buffer | null;
  /** `SECRETS_KEY_PREVIOUS`: earlier keys, comma-separated, that may still open stored values after a rotation. Default none. */
  secretsKeysPrevious: Buffer[];
  /** `AUTH_FAILURE_RATE_PER_SECOND`, default 2: failed authentications per second a client address earns back; 0 disables the throttle. */
  failureRatePerSecond: number;
  /** `AUTH_FAILURE_BURST`, default 20: failed authentications an address may make in a row before it gets 429. */
  failureBurst: number;
}

export interface IngestConfig {
  /** `INGEST_MAX_BODY_BYTES`, default 10 MiB. */
  maxBodyBytes: number;
  /** `INGEST_MAX_RECORDS`, default 10000 records per batch. */
  maxRecords: number;
  /** `INGEST_MAX_RECORD_BYTES`, default 64 KiB per record (as serialized JSON). */
  maxRecordBytes: number;
  /** `SAMPLES_PER_MINUTE`, default 10: discard samples kept per destination, step and reason per minute. */
  samplesPerMinute: number;
  /** `SAMPLE_MAX_BYTES`, default 8 KiB: a sample payload larger than this is truncated. */
  sampleMaxBytes: number;
  /** `INGEST_RATE_PER_SECOND`, default 200000 reports per workspace; 0 disables. */
  ratePerSecond: number;
  /** `INGEST_RATE_BURST`, default 400000. */
  rateBurst: number;
  /** `INGEST_FLUSH_MAX_ROWS`, default 50000: concurrent requests' rows are merged into engine inserts of up to this many (a larger single request is written whole). */
  flushMaxRows: number;
  /** `INGEST_FLUSH_MAX_DELAY_MS`, default 200: while a flush runs, a request waits at most this long before the next one starts. */
  flushMaxDelayMs: number;
  /**
   * `INGEST_COALESCE_KEYED`, default `auto`: merge requests that carry an Idempotency-Key too
   * (`auto`: with the embedded engine, where one process serves every retry; not with
   * CLICKHOUSE_URL, where a retry may reach another replica). See ADR 0010.
   */
  coalesceKeyed: 'auto' | 'on' | 'off';
}

/** Limits on one GraphQL operation, enforced identically on HTTP and graphql-ws, before any ClickHouse query. */
export interface OperationLimits {
  /** `QUERY_MAX_TOKENS`, default 5000: most lexical tokens in a document. */
  maxTokens: number;
  /** `QUERY_MAX_DEPTH`, default 15: deepest field nesting, introspection included (the IDE's introspection query is 13 deep). */
  maxDepth: number;
  /** `QUERY_MAX_ALIASES`, default 30: most aliased fields in an operation. */
  maxAliases: number;
  /** `QUERY_MAX_DIRECTIVES`, default 20: most directives in a document. */
  maxDirectives: number;
  /** `QUERY_MAX_COST`, default 20000: highest estimated cost (see graphql/transport/cost.ts). */
  maxCost: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxTokens: 5000, maxDepth: 15, maxAliases: 30, maxDirectives: 20, maxCost: 20_000 };

export interface GraphQLConfig {
  limits: OperationLimits;
  /** `QUERY_RATE_PER_SECOND`, default 50 GraphQL operations per workspace; 0 disables. */
  ratePerSecond: number;
  /** `QUERY_RATE_BURST`, default 100. */
  rateBurst: number;
  /** `QUERY_CONCURRENCY_PER_WORKSPACE`, default 4: ClickHouse reads one workspace may run at once (the rest queue). */
  concurrencyPerWorkspace: number;
  /** `QUERY_QUEUE_PER_WORKSPACE`, default 200: reads that may wait for a slot; one more is refused (429). */
  queuePerWorkspace: number;
  /** `OPERATION_TIMEOUT_MS`, default 30000: a GraphQL operation over HTTP answers QUERY_TIMEOUT (504) after this, and a read waits no longer for a slot. */
  operationTimeoutMs: number;
  /** `INTROSPECTION_ENABLED`, default true: answer GraphQL introspection (to token holders). */
  introspection: boolean;
  /** `IDE_ENABLED`, default true: serve the GraphQL IDE on `GET /graphql` from a browser (needs introspection). */
  ide: boolean;
  /** `RESULT_CACHE_ENTRIES`, default 2000: answers of metrics reads kept until a write changes them; 0 keeps none (identical concurrent reads still run once). */
  resultCacheEntries: number;
  /**
   * `RESULT_CACHE_TTL_MS`, default 30000: a kept answer is served at most this long. This gateway's
   * own writes invalidate what they touch at once; the age bounds what other replicas' writes leave.
   */
  resultCacheTtlMs: number;
}

export interface LiveConfig {
  /** `LIVE_POLL_INTERVAL_MS`, default 1000: how often each distinct live key is polled. */
  pollIntervalMs: number;
  /** `WS_MAX_SUBSCRIPTIONS_PER_CONNECTION`, default 200. */
  maxSubscriptionsPerConnection: number;
  /** `WS_MAX_SUBSCRIPTIONS_PER_WORKSPACE`, default 10000 (per gateway replica). */
  maxSubscriptionsPerWorkspace: number;
  /** `WS_CONNECTION_INIT_TIMEOUT_MS`, default 3000: a socket that sends no connection_init by then is closed with 4408. */
  connectionInitTimeoutMs: number;
  /** `WS_KEEPALIVE_MS`, default 12000: ping interval; a peer that misses a pong is dropped and its subscriptions released. */
  keepAliveMs: number;
  /** `WS_MAX_CONNECTIONS_PER_TOKEN`, default 200: open graphql-ws sockets one token may hold on a replica; more close with 4429. */
  maxConnectionsPerToken: number;
  /** `WS_MAX_CONNECTIONS_PER_ADDRESS`, default 1000: open graphql-ws sockets from one client address, authenticated or not. */
  maxConnectionsPerAddress: number;
  /** `LIVE_TAIL_MAX_PER_SECOND`, default 20: failures one `deliveryFailures` subscriber gets per second; the rest are counted ("N more"). */
  tailMaxPerSecond: number;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Reads and validates the configuration; throws one AppError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = new ConfigReader(env);
  const config: Config = {
    server: {
      port: r.int('PORT', 4000, 0, 65535),
      metricsPort: r.optional('METRICS_PORT') === null ? null : r.int('METRICS_PORT', 0, 0, 65535),
      host: r.host('HOST', '127.0.0.1', 'PORT'),
      metricsHost: r.host('METRICS_HOST', '127.0.0.1', 'METRICS_PORT'),
      dataDir: path.resolve(r.string('DATA_DIR', './data')),
      headersTimeoutMs: r.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 600_000),
      requestTimeoutMs: r.int('HTTP_REQUEST_TIMEOUT_MS', 120_000, 1000, 3_600_000),
      keepAliveTimeoutMs: r.int('HTTP_KEEPALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
      maxConnections: r.int('HTTP_MAX_CONNECTIONS', 10_000, 10, 1_000_000),
      corsOrigins: r.origins('CORS_ORIGINS'),
    },
    clickhouse: readClickHouse(r),
    auth: readAuth(r),
    ingest: readIngest(r),
    graphql: readGraphQL(r),
    live: {
      pollIntervalMs: r.int('LIVE_POLL_INTERVAL_MS', 1000, 50, 60_000),
      maxSubscriptionsPerConnection: r.int('WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', 200, 1, 100_000),
      maxSubscriptionsPerWorkspace: r.int('WS_MAX_SUBSCRIPTIONS_PER_WORKSPACE', 10_000, 1, 1_000_000),
      connectionInitTimeoutMs: r.int('WS_CONNECTION_INIT_TIMEOUT_MS', 3000, 100, 60_000),
      keepAliveMs: r.int('WS_KEEPALIVE_MS', 12_000, 0, 600_000),
      maxConnectionsPerToken: r.int('WS_MAX_CONNECTIONS_PER_TOKEN', 200, 1, 1_000_000),
      maxConnectionsPerAddress: r.int('WS_MAX_CONNECTIONS_PER_ADDRESS', 1000, 1, 1_000_000),
      tailMaxPerSecond: r.int('LIVE_TAIL_MAX_PER_SECOND', 20, 1, 1000),
    },
    alerts: readAlerts(r),
    replay: readReplay(r),
    tracing: readTracing(r),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
  };
  checkCombinations(r, config);
  if (r.problems.length > 0) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Invalid configuration:\n  - ${r.problems.join('\n  - ')}`, { problems: r.problems });
  }
  return config;
}

function readClickHouse(r: ConfigReader): ClickHouseConfig {
  const cluster = r.optional('CLICKHOUSE_CLUSTER');
  if (cluster !== null && !IDENTIFIER.test(cluster)) r.problems.push(`CLICKHOUSE_CLUSTER=${JSON.stringify(cluster)} must match ${IDENTIFIER.source}`);
  return {
    url: r.url('CLICKHOUSE_URL'),
    user: r.string('CLICKHOUSE_USER', 'default'),
    password: r.secret('CLICKHOUSE_PASSWORD') ?? '',
    database: r.identifier('CLICKHOUSE_DATABASE', 'delivery_overview'),
    cluster,
    queryTimeoutSeconds: r.int('QUERY_TIMEOUT_SECONDS', 10, 1, 600),
    writeTimeoutSeconds: r.int('WRITE_TIMEOUT_SECONDS', 300, 0, 3600),
    queryMaxMemoryBytes: r.int('QUERY_MAX_MEMORY_BYTES', 4 * 2 ** 30, 64 * 2 ** 20, 2 ** 40),
  };
}

function readAuth(r: ConfigReader): AuthConfig {
  const rootToken = r.secret('ROOT_TOKEN');
  if (rootToken !== null && rootToken.length < 24) r.problems.push('ROOT_TOKEN must be at least 24 characters');
  const secretsKey = r.secret('SECRETS_KEY');
  const previous = (r.optional('SECRETS_KEY_PREVIOUS') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    rootToken,
    secretsKey: secretsKey === null ? null : r.key('SECRETS_KEY', secretsKey),
    secretsKeysPrevious: previous
      .map((part, i) => r.key('SECRETS_KEY_PREVIOUS', part, `SECRETS_KEY_PREVIOUS: key ${i + 1} must be 32 bytes (64 hex characters or their base64)`))
      .filter((k): k is Buffer => k !== null),
    failureRatePerSecond: r.int('AUTH_FAILURE_RATE_PER_SECOND', 2, 0, 10_000),
    failureBurst: r.int('AUTH_FAILURE_BURST', 20, 1, 100_000),
  };
}

function readIngest(r: ConfigReader): IngestConfig {
  return {
    maxBodyBytes: r.int('INGEST_MAX_BODY_BYTES', 10 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    maxRecords: r.int('INGEST_MAX_RECORDS', 10_000, 1, 1_000_000),
    maxRecordBytes: r.int('INGEST_MAX_RECORD_BYTES', 64 * 1024, 256, 16 * 1024 * 1024),
    samplesPerMinute: r.int('SAMPLES_PER_MINUTE', 10, 0, 10_000),
    sampleMaxBytes: r.int('SAMPLE_MAX_BYTES', 8 * 1024, 64, 1024 * 1024),
    ratePerSecond: r.int('INGEST_RATE_PER_SECOND', 200_000, 0, 100_000_000),
    rateBurst: r.int('INGEST_RATE_BURST', 400_000, 1, 1_000_000_000),
    flushMaxRows: r.int('INGEST_FLUSH_MAX_ROWS', 50_000, 1, 1_000_000),
    flushMaxDelayMs: r.int('INGEST_FLUSH_MAX_DELAY_MS', 200, 1, 10_000),
    coalesceKeyed: r.oneOf('INGEST_COALESCE_KEYED', ['auto', 'on', 'off'] as const, 'auto'),
  };
}

function readGraphQL(r: ConfigReader): GraphQLConfig {
  return {
    limits: {
      maxTokens: r.int('QUERY_MAX_TOKENS', DEFAULT_LIMITS.maxTokens, 100, 1_000_000),
      maxDepth: r.int('QUERY_MAX_DEPTH', DEFAULT_LIMITS.maxDepth, 2, 100),
      maxAliases: r.int('QUERY_MAX_ALIASES', DEFAULT_LIMITS.maxAliases, 0, 10_000),
      maxDirectives: r.int('QUERY_MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives, 0, 10_000),
      maxCost: r.int('QUERY_MAX_COST', DEFAULT_LIMITS.maxCost, 10, 100_000_000),
    },
    ratePerSecond: r.int('QUERY_RATE_PER_SECOND', 50, 0, 1_000_000),
    rateBurst: r.int('QUERY_RATE_BURST', 100, 1, 10_000_000),
    concurrencyPerWorkspace: r.int('QUERY_CONCURRENCY_PER_WORKSPACE', 4, 1, 1000),
    queuePerWorkspace: r.int('QUERY_QUEUE_PER_WORKSPACE', 200, 1, 100_000),
    operationTimeoutMs: r.int('OPERATION_TIMEOUT_MS', 30_000, 1, 600_000),
    ide: r.bool('IDE_ENABLED', true),
    introspection: r.bool('INTROSPECTION_ENABLED', true),
    resultCacheEntries: r.int('RESULT_CACHE_ENTRIES', 2_000, 0, 1_000_000),
    resultCacheTtlMs: r.int('RESULT_CACHE_TTL_MS', 30_000, 100, 3_600_000),
  };
}

/** Problems that involve more than one variable. */
function checkCombinations(r: ConfigReader, config: Config): void {
  const { alerts, graphql, auth, clickhouse, server } = config;
  if (server.headersTimeoutMs > server.requestTimeoutMs) r.problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  if (alerts.evalIntervalMs > 0 && alerts.evalIntervalMs < 100) r.problems.push('ALERT_EVAL_INTERVAL_MS must be 0 (off) or at least 100');
  if (alerts.smtpUrl !== null && !/^smtps?:$/.test(protocolOf(alerts.smtpUrl))) {
    r.problems.push('SMTP_URL must be an smtp:// or smtps:// URL such as smtp://127.0.0.1:2525');
  }
  if (graphql.ide && !graphql.introspection) {
    r.problems.push('INTROSPECTION_ENABLED=false needs IDE_ENABLED=false too (the IDE reads the schema through introspection)');
  }
  if (server.metricsPort !== null && server.metricsPort !== 0 && server.metricsPort === server.port)
    r.problems.push('METRICS_PORT must differ from PORT (unset it to serve /metrics on PORT)');
  if (auth.secretsKey === null && clickhouse.url !== null && r.optional('SECRETS_KEY') === null && r.optional('SECRETS_KEY_FILE') === null) {
    r.problems.push('SECRETS_KEY is required with CLICKHOUSE_URL: every replica must seal and open alert secrets with the same key (openssl rand -hex 32)');
  }
}

function protocolOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}
