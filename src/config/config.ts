import { parseSecretsKey } from '../auth/secret-box';
import path from 'node:path';
import { AppError, ErrorCode } from '../domain/errors';
import { DEFAULT_LIMITS, type OperationLimits } from '../graphql/transport/limits';

/**
 * Everything the gateway reads from the environment, validated once at start.
 * Each field's JSDoc states its variable and default; README's Configuration table
 * is the same list.
 */
export interface Config {
  /** `PORT`, default 4000. HTTP, GraphQL, graphql-ws and ingest share it. */
  port: number;
  /** `HOST`, default `127.0.0.1`; set `0.0.0.0` to listen on every interface. */
  host: string;
  /** `DATA_DIR`, default `./data`. The embedded engine's files and the root token live here. */
  dataDir: string;
  /** `CLICKHOUSE_URL`: a ClickHouse server over HTTP. Unset: the embedded engine (chDB) at DATA_DIR. */
  clickhouseUrl: string | null;
  /** `CLICKHOUSE_USER`, default `default`. */
  clickhouseUser: string;
  /** `CLICKHOUSE_PASSWORD`, default empty. */
  clickhousePassword: string;
  /** `CLICKHOUSE_DATABASE`, default `delivery_overview`. */
  database: string;
  /** `CLICKHOUSE_CLUSTER`: render migrations ON CLUSTER with Replicated/Distributed tables. Default unset. */
  cluster: string | null;
  /** `ROOT_TOKEN`: the operators' token for server deployments. Unset: generated on first start. */
  rootToken: string | null;
  /** `QUERY_TIMEOUT_SECONDS`, default 10: ClickHouse `max_execution_time` for every read. */
  queryTimeoutSeconds: number;
  /** `QUERY_MAX_MEMORY_BYTES`, default 4 GiB: ClickHouse `max_memory_usage` for every read. */
  queryMaxMemoryBytes: number;
  /** `INGEST_MAX_BODY_BYTES`, default 10 MiB. */
  ingestMaxBodyBytes: number;
  /** `INGEST_MAX_RECORDS`, default 10000 records per batch. */
  ingestMaxRecords: number;
  /** `INGEST_MAX_RECORD_BYTES`, default 64 KiB per record (as serialized JSON). */
  ingestMaxRecordBytes: number;
  /** `SAMPLES_PER_MINUTE`, default 10: discard samples kept per destination, step and reason per minute. */
  samplesPerMinute: number;
  /** `SAMPLE_MAX_BYTES`, default 8 KiB: a sample payload larger than this is truncated. */
  sampleMaxBytes: number;
  /** `LIVE_POLL_INTERVAL_MS`, default 1000: how often each distinct live key is polled. */
  livePollIntervalMs: number;
  /** `WS_MAX_SUBSCRIPTIONS_PER_CONNECTION`, default 200. */
  wsMaxSubscriptionsPerConnection: number;
  /** `WS_MAX_SUBSCRIPTIONS_PER_WORKSPACE`, default 10000 (per gateway replica). */
  wsMaxSubscriptionsPerWorkspace: number;
  /** `WS_CONNECTION_INIT_TIMEOUT_MS`, default 3000: a socket that sends no connection_init by then is closed with 4408. */
  wsConnectionInitTimeoutMs: number;
  /** `WS_KEEPALIVE_MS`, default 12000: ping interval; a peer that misses a pong is dropped and its subscriptions released. */
  wsKeepAliveMs: number;
  /** `QUERY_MAX_TOKENS`, `QUERY_MAX_DEPTH`, `QUERY_MAX_ALIASES`, `QUERY_MAX_DIRECTIVES`, `QUERY_MAX_COST`: defaults 5000, 15, 30, 20, 20000. */
  operationLimits: OperationLimits;
  /** `QUERY_RATE_PER_SECOND` (default 50) and `QUERY_RATE_BURST` (default 100): GraphQL operations per workspace; 0 disables. */
  queryRatePerSecond: number;
  queryRateBurst: number;
  /** `INGEST_RATE_PER_SECOND` (default 200000) and `INGEST_RATE_BURST` (default 400000): reports per workspace; 0 disables. */
  ingestRatePerSecond: number;
  ingestRateBurst: number;
  /** `QUERY_CONCURRENCY_PER_WORKSPACE`, default 4: ClickHouse reads one workspace may run at once (the rest queue). */
  queryConcurrencyPerWorkspace: number;
  /** `LOG_LEVEL`, default `info`. One of debug, info, warn, error, silent. */
  logLevel: LogLevel;
  /** `IDE_ENABLED`, default true: serve the GraphQL IDE on `GET /graphql` from a browser (needs introspection). */
  ideEnabled: boolean;
  /** `INTROSPECTION_ENABLED`, default true: answer GraphQL introspection (to token holders). */
  introspectionEnabled: boolean;
  /** `ALERT_EVAL_INTERVAL_MS`, default 30000: how often this replica evaluates every enabled alert rule; 0 disables evaluation here. */
  alertEvalIntervalMs: number;
  /** `ALERT_NOTIFY_ATTEMPTS`, default 5: attempts per webhook or email notification, the first included. */
  alertNotifyAttempts: number;
  /** `ALERT_NOTIFY_BASE_DELAY_MS`, default 1000: wait before the 2nd attempt; each later wait doubles. */
  alertNotifyBaseDelayMs: number;
  /** `ALERT_NOTIFY_TIMEOUT_MS`, default 10000: one webhook request or SMTP exchange gives up after this long. */
  alertNotifyTimeoutMs: number;
  /**
   * `ALERT_WEBHOOK_ALLOW_PRIVATE`, default false: let alert webhooks reach private, loopback and
   * link-local addresses. Off, a rule's URL can only point at public addresses (no request forgery
   * into the gateway's own network); turn on for receivers inside that network.
   */
  alertWebhookAllowPrivate: boolean;
  /**
   * `SECRETS_KEY`: 32 bytes as 64 hex characters (or base64) sealing stored webhook URLs and
   * secrets (AES-256-GCM). Unset: a key generated in DATA_DIR/secrets.key. Required with
   * CLICKHOUSE_URL, the same on every replica.
   */
  secretsKey: Buffer | null;
  /**
   * `SECRETS_KEY_PREVIOUS`: earlier keys, comma-separated, that may still open stored values
   * after a rotation (new values are sealed with SECRETS_KEY only). Default none.
   */
  secretsKeysPrevious: Buffer[];
  /** `SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587`: the server alert email goes through. Unset: no email. */
  smtpUrl: string | null;
  /** `ALERT_EMAIL_FROM`, default `Delivery Overview <alerts@localhost>`: the From of alert email. */
  alertEmailFrom: string;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

class ConfigReader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  string(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }
  optional(name: string): string | null {
    const v = this.env[name];
    return v === undefined || v === '' ? null : v;
  }
  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be one of: ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }
  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.problems.push(`${name}=${JSON.stringify(raw)} must be one of: true, false, 1, 0`);
    return fallback;
  }
  identifier(name: string, fallback: string): string {
    const v = this.string(name, fallback);
    if (!IDENTIFIER.test(v)) this.problems.push(`${name}=${JSON.stringify(v)} must match ${IDENTIFIER.source}`);
    return v;
  }
  url(name: string): string | null {
    const v = this.optional(name);
    if (v === null) return null;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      this.problems.push(`${name}=${JSON.stringify(v)} must be an http(s) URL such as http://localhost:8123`);
    }
    return v;
  }
}

/** Reads and validates the configuration; throws one AppError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = new ConfigReader(env);
  const clusterName = r.optional('CLICKHOUSE_CLUSTER');
  if (clusterName !== null && !IDENTIFIER.test(clusterName)) {
    r.problems.push(`CLICKHOUSE_CLUSTER=${JSON.stringify(clusterName)} must match ${IDENTIFIER.source}`);
  }
  const config: Config = {
    port: r.int('PORT', 4000, 0, 65535),
    host: r.string('HOST', '127.0.0.1'),
    dataDir: path.resolve(r.string('DATA_DIR', './data')),
    clickhouseUrl: r.url('CLICKHOUSE_URL'),
    clickhouseUser: r.string('CLICKHOUSE_USER', 'default'),
    clickhousePassword: r.string('CLICKHOUSE_PASSWORD', ''),
    database: r.identifier('CLICKHOUSE_DATABASE', 'delivery_overview'),
    cluster: clusterName,
    rootToken: r.optional('ROOT_TOKEN'),
    queryTimeoutSeconds: r.int('QUERY_TIMEOUT_SECONDS', 10, 1, 600),
    queryMaxMemoryBytes: r.int('QUERY_MAX_MEMORY_BYTES', 4 * 2 ** 30, 64 * 2 ** 20, 2 ** 40),
    ingestMaxBodyBytes: r.int('INGEST_MAX_BODY_BYTES', 10 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    ingestMaxRecords: r.int('INGEST_MAX_RECORDS', 10_000, 1, 1_000_000),
    ingestMaxRecordBytes: r.int('INGEST_MAX_RECORD_BYTES', 64 * 1024, 256, 16 * 1024 * 1024),
    samplesPerMinute: r.int('SAMPLES_PER_MINUTE', 10, 0, 10_000),
    sampleMaxBytes: r.int('SAMPLE_MAX_BYTES', 8 * 1024, 64, 1024 * 1024),
    livePollIntervalMs: r.int('LIVE_POLL_INTERVAL_MS', 1000, 50, 60_000),
    wsMaxSubscriptionsPerConnection: r.int('WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', 200, 1, 100_000),
    wsMaxSubscriptionsPerWorkspace: r.int('WS_MAX_SUBSCRIPTIONS_PER_WORKSPACE', 10_000, 1, 1_000_000),
    wsConnectionInitTimeoutMs: r.int('WS_CONNECTION_INIT_TIMEOUT_MS', 3000, 100, 60_000),
    wsKeepAliveMs: r.int('WS_KEEPALIVE_MS', 12_000, 0, 600_000),
    operationLimits: {
      maxTokens: r.int('QUERY_MAX_TOKENS', DEFAULT_LIMITS.maxTokens, 100, 1_000_000),
      maxDepth: r.int('QUERY_MAX_DEPTH', DEFAULT_LIMITS.maxDepth, 2, 100),
      maxAliases: r.int('QUERY_MAX_ALIASES', DEFAULT_LIMITS.maxAliases, 0, 10_000),
      maxDirectives: r.int('QUERY_MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives, 0, 10_000),
      maxCost: r.int('QUERY_MAX_COST', DEFAULT_LIMITS.maxCost, 10, 100_000_000),
    },
    queryRatePerSecond: r.int('QUERY_RATE_PER_SECOND', 50, 0, 1_000_000),
    queryRateBurst: r.int('QUERY_RATE_BURST', 100, 1, 10_000_000),
    ingestRatePerSecond: r.int('INGEST_RATE_PER_SECOND', 200_000, 0, 100_000_000),
    ingestRateBurst: r.int('INGEST_RATE_BURST', 400_000, 1, 1_000_000_000),
    queryConcurrencyPerWorkspace: r.int('QUERY_CONCURRENCY_PER_WORKSPACE', 4, 1, 1000),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    ideEnabled: r.bool('IDE_ENABLED', true),
    introspectionEnabled: r.bool('INTROSPECTION_ENABLED', true),
    alertEvalIntervalMs: r.int('ALERT_EVAL_INTERVAL_MS', 30_000, 0, 86_400_000),
    alertNotifyAttempts: r.int('ALERT_NOTIFY_ATTEMPTS', 5, 1, 20),
    alertNotifyBaseDelayMs: r.int('ALERT_NOTIFY_BASE_DELAY_MS', 1000, 1, 600_000),
    alertNotifyTimeoutMs: r.int('ALERT_NOTIFY_TIMEOUT_MS', 10_000, 100, 600_000),
    alertWebhookAllowPrivate: r.bool('ALERT_WEBHOOK_ALLOW_PRIVATE', false),
    secretsKey: null,
    secretsKeysPrevious: [],
    smtpUrl: r.optional('SMTP_URL'),
    alertEmailFrom: r.string('ALERT_EMAIL_FROM', 'Delivery Overview <alerts@localhost>'),
  };
  if (config.alertEvalIntervalMs > 0 && config.alertEvalIntervalMs < 100) r.problems.push('ALERT_EVAL_INTERVAL_MS must be 0 (off) or at least 100');
  if (config.smtpUrl !== null) {
    let protocol = '';
    try {
      protocol = new URL(config.smtpUrl).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'smtp:' && protocol !== 'smtps:') r.problems.push('SMTP_URL must be an smtp:// or smtps:// URL such as smtp://127.0.0.1:2525');
  }
  if (config.ideEnabled && !config.introspectionEnabled) {
    r.problems.push('INTROSPECTION_ENABLED=false needs IDE_ENABLED=false too (the IDE reads the schema through introspection)');
  }
  const secretsKey = r.optional('SECRETS_KEY');
  if (secretsKey !== null) {
    config.secretsKey = parseSecretsKey(secretsKey);
    if (!config.secretsKey) r.problems.push('SECRETS_KEY must be 32 bytes: 64 hex characters (openssl rand -hex 32) or their base64');
  } else if (config.clickhouseUrl !== null) {
    r.problems.push('SECRETS_KEY is required with CLICKHOUSE_URL: every replica must seal and open alert secrets with the same key (openssl rand -hex 32)');
  }
  for (const [i, part] of (r.optional('SECRETS_KEY_PREVIOUS') ?? '').split(',').map((p) => p.trim()).filter(Boolean).entries()) {
    const key = parseSecretsKey(part);
    if (key) config.secretsKeysPrevious.push(key);
    else r.problems.push(`SECRETS_KEY_PREVIOUS: key ${i + 1} must be 32 bytes (64 hex characters or their base64)`);
  }
  if (config.rootToken !== null && config.rootToken.length < 24) {
    r.problems.push('ROOT_TOKEN must be at least 24 characters');
  }
  if (r.problems.length > 0) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Invalid configuration:\n  - ${r.problems.join('\n  - ')}`, {
      problems: r.problems,
    });
  }
  return config;
}
