import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { authenticate, requireWorkspaceScope } from '../auth/authenticate';
import type { Principal } from '../auth/scopes';
import type { TokenStore } from '../auth/tokens';
import type { Db } from '../clickhouse/client';
import type { SharedReads } from '../metrics/shared-reads';
import type { KeyedSemaphore } from '../domain/rate-limiter';
import type { CatalogCache } from '../metrics/catalog.cache';
import { CatalogService } from '../metrics/catalog.service';
import { WorkspaceDb } from '../metrics/workspace-db';

/** What the REST reads (the compat API, the export) need: the same tokens, rate, read slots and catalog as GraphQL. */
export interface RestReadDeps {
  tokens: TokenStore;
  db: Db;
  /** Per-workspace cap on concurrent ClickHouse reads (shared with GraphQL). */
  queryGate?: KeyedSemaphore;
  /** Identical metrics reads run once and are kept until a write changes them. */
  sharedReads?: SharedReads;
  catalogCache?: CatalogCache;
  /** The clock ranges resolve against (frozen in tests). */
  now: () => number;
  /** Takes one operation from the workspace's rate, shared with GraphQL; throws RATE_LIMITED (429 + Retry-After). */
  takeRate(principal: Principal): void;
  log: Logger;
}

/** A caller allowed to read: its workspace, the handles bound to it, and the request's clock. */
export interface ReadCaller {
  workspaceId: string;
  wdb: WorkspaceDb;
  catalog: CatalogService;
  now: number;
}

/**
 * Authenticates `Authorization: Bearer …` as every endpoint does (the failed-auth
 * throttle keyed by the client's address included), requires the `read` scope and a
 * workspace, and takes one operation from the workspace's rate.
 */
export async function authorizeRead(req: IncomingMessage, deps: RestReadDeps): Promise<ReadCaller> {
  const principal = await authenticate(deps.tokens, req.headers.authorization, req.socket.remoteAddress);
  const workspaceId = requireWorkspaceScope(principal, 'read');
  deps.takeRate(principal);
  const wdb = new WorkspaceDb(deps.db, workspaceId, deps.queryGate, deps.sharedReads);
  return { workspaceId, wdb, catalog: new CatalogService(wdb, deps.catalogCache), now: deps.now() };
}
