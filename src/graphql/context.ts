import type { AlertStore } from '../alerts/store';
import type { SecretBox } from '../auth/secret-box';
import { holdsScope, type Principal, type Scope } from '../auth/scopes';
import type { TokenStore } from '../auth/tokens';
import type { Db } from '../clickhouse/client';
import type { FailureTail } from '../live/failure-tail';
import type { LiveHub } from '../live/hub';
import type { ReplayServices } from '../replay/service';
import type { SharedLookups } from '../live/shared-lookups';
import type { SharedReads } from '../metrics/shared-reads';
import type { KeyedSemaphore } from '../domain/rate-limiter';
import { AppError, ErrorCode } from '../domain/errors';
import type { CatalogCache } from '../metrics/catalog.cache';
import { CatalogService, type DestinationEntry } from '../metrics/catalog.service';
import { WorkspaceDb } from '../metrics/workspace-db';
import type { BatchRecorder } from './grouped-loader';
import { createLoaders, type Loaders } from './loaders';

/** Long-lived services the resolvers reach through the context. */
export interface GatewayServices {
  db: Db;
  tokens: TokenStore;
  /** The clock ranges resolve against (frozen in tests). */
  now: () => number;
  /** Test hook: sees every loader batch. */
  recordBatch?: BatchRecorder;
  /** Live subscriptions: one poll per distinct key. */
  hub: LiveHub;
  /** The live failure tail: reports pushed as ingest stores them. */
  tail: FailureTail;
  /** Per-workspace cap on concurrent ClickHouse reads. */
  queryGate?: KeyedSemaphore;
  /** Identical metrics reads run once and are kept until a write changes them. */
  sharedReads?: SharedReads;
  /** Seals and opens stored alert webhook URLs and secrets. */
  secrets: SecretBox;
  /** The alert tables (rules, events, notifications). */
  alerts: AlertStore;
  /** Destination lookups of new subscriptions, shared for a few seconds by workspace and id. */
  destinationLookups: SharedLookups<DestinationEntry | null>;
  /** Per-workspace catalog snapshots shared by every request for a few seconds. */
  catalogCache?: CatalogCache;
  /** Alert webhooks may point at private addresses (ALERT_WEBHOOK_ALLOW_PRIVATE). Default false. */
  webhookAllowPrivate?: boolean;
  /** Sees how long each timed resolver took (metrics); none in schema-only uses. */
  observer?: ResolverObserver;
  /** Replays: their tables, the endpoint, the limits of a create. */
  replays: ReplayServices;
}

/** Receives resolver timings (graphql/transport/observe.ts wraps the timed resolvers). */
export interface ResolverObserver {
  resolved(operationName: string | undefined, field: string, seconds: number): void;
}

/** Per WebSocket connection state shared by its operations. */
export interface ConnectionState {
  subscriptions: number;
  maxSubscriptions: number;
}

/**
 * Per request (or per subscription operation): who is calling and the services
 * bound to their workspace. Loaders are built here, once per request, so batching
 * never crosses requests or workspaces.
 */
export class RequestContext {
  /** The clock, read once: every field of one request sees the same ranges. */
  readonly now: number;
  private workspace: { wdb: WorkspaceDb; catalog: CatalogService; loaders: Loaders } | null = null;
  /**
   * The longest the answer may be cached, in seconds, as the ranges it read allow (see
   * domain/cache-age.ts); Infinity when it read none. HTTP folds it into the Cache-Control header.
   */
  private rangeMaxAge = Infinity;

  constructor(
    readonly services: GatewayServices,
    readonly principal: Principal,
    readonly requestId: string,
    /** Set for operations over graphql-ws. */
    readonly connection?: ConnectionState,
  ) {
    this.now = services.now();
  }

  /**
   * Counts one subscription against this connection's cap (a no-op over HTTP); call the
   * returned function once when the subscription ends.
   */
  holdSubscription(): () => void {
    const conn = this.connection;
    if (!conn) return () => undefined;
    if (conn.subscriptions >= conn.maxSubscriptions) {
      throw new AppError(ErrorCode.RATE_LIMITED, `A connection may hold at most ${conn.maxSubscriptions} subscriptions`, {
        limit: 'subscriptionsPerConnection',
        value: conn.maxSubscriptions,
      });
    }
    conn.subscriptions++;
    let released = false;
    return () => {
      if (!released) conn.subscriptions--;
      released = true;
    };
  }

  get maxAgeFromRanges(): number {
    return this.rangeMaxAge;
  }

  /** A field's data may be cached at most `seconds`: the answer's age is the least of them. */
  hintMaxAge(seconds: number): void {
    this.rangeMaxAge = Math.min(this.rangeMaxAge, seconds);
  }

  /** 403 unless the caller holds `scope` (or one implying it: admin implies replay). */
  require(scope: Scope): void {
    if (!holdsScope(this.principal.scopes, scope)) {
      throw new AppError(ErrorCode.FORBIDDEN, `This operation needs the "${scope}" scope`, { required: scope });
    }
  }

  /** Workspace-bound services; only for workspace tokens holding `scope`. */
  forWorkspace(scope: Scope = 'read'): { wdb: WorkspaceDb; catalog: CatalogService; loaders: Loaders } {
    const workspaceId = this.principal.workspaceId;
    if (workspaceId === null) {
      throw new AppError(ErrorCode.FORBIDDEN, 'This token is not bound to a workspace; use a workspace token to read metrics');
    }
    this.require(scope);
    if (this.workspace === null) {
      const wdb = new WorkspaceDb(this.services.db, workspaceId, this.services.queryGate, this.services.sharedReads);
      const catalog = new CatalogService(wdb, this.services.catalogCache);
      // Loaders on first use: a subscription's context lives as long as the subscription and
      // most never batch a read, so they should not each hold a set of empty loaders.
      let loaders: Loaders | null = null;
      const { recordBatch: record, alerts } = this.services;
      this.workspace = {
        wdb,
        catalog,
        get loaders(): Loaders {
          return (loaders ??= createLoaders(wdb, catalog, alerts, record));
        },
      };
    }
    return this.workspace;
  }
}
