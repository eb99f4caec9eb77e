import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../clickhouse/client';
import { AppError, ErrorCode } from '../domain/errors';
import { isValidId, ID_RULE } from '../domain/ids';
import { AuthThrottle } from './auth-throttle';
import { TokenUsage } from './token-usage';
import { WORKSPACE_SCOPES, type Principal, type Scope } from './scopes';

const TOKEN_PREFIX = 'dov_';
/** Every token the gateway issues has this shape; anything else is refused without a query. */
const TOKEN_SHAPE = /^dov_[A-Za-z0-9_-]{32}$/;
/** How long a verified token is trusted before it is looked up again (bounds revocation delay across replicas). */
export const TOKEN_CACHE_TTL_MS = 5_000;
/** How many valid and unknown (or revoked) token hashes are remembered, each in its own map. */
export interface TokenCacheLimits {
  /** Default 10,000; past it the oldest valid entry goes (never to make room for an unknown token). */
  valid: number;
  /** Default 10,000. */
  unknown: number;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
/** The public handle of a token: safe to log and to pass to revokeApiToken. */
export function tokenIdOf(hash: string): string {
  return `tok_${hash.slice(0, 16)}`;
}
function newToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(24).toString('base64url');
}

/** What operators may see of a token: never the token or its hash (the id is its public handle). */
export interface TokenInfo {
  tokenId: string;
  /** Null for root tokens. */
  workspaceId: string | null;
  scopes: Scope[];
  label: string;
  createdAt: number;
  /** Last successful authentication (see TokenUsage for its precision); null when never used since tracking began. */
  lastUsedAt: number | null;
  revoked: boolean;
}

interface TokenRow {
  token_id: string;
  workspace_id: string;
  scopes: string[];
  revoked: number;
}

/**
 * Issues, verifies and revokes API tokens. Only SHA-256 hashes are stored; the
 * plain token is shown once, to whoever created it.
 */
export class TokenStore {
  /** Tokens that verified, and tokens that did not: apart, so a flood of the second never evicts the first. */
  private readonly valid = new Map<string, { principal: Principal; expires: number }>();
  private readonly unknown = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<Principal | null>>();
  private readonly rootHash: string | null;
  /** When each token was last used (recorded in memory on every verification, written once a minute). */
  readonly usage: TokenUsage;

  constructor(
    private readonly db: Db,
    /** `ROOT_TOKEN` from the environment, when the deployment supplies one. */
    rootToken: string | null,
    /** Failed authentications per client address (default: off). */
    readonly throttle = new AuthThrottle(0, 1),
    private readonly limits: TokenCacheLimits = { valid: 10_000, unknown: 10_000 },
  ) {
    this.rootHash = rootToken ? hashToken(rootToken) : null;
    this.usage = new TokenUsage(db);
  }

  /** Resolves a bearer token to its principal, or null when unknown or revoked. */
  async verify(token: string): Promise<Principal | null> {
    const principal = await this.principalOf(token);
    if (principal) this.usage.record(principal.tokenId);
    return principal;
  }

  private async principalOf(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    if (this.rootHash !== null && crypto.timingSafeEqual(Buffer.from(hash), Buffer.from(this.rootHash))) {
      return { tokenId: tokenIdOf(hash), workspaceId: null, scopes: new Set<Scope>(['root']) };
    }
    if (!TOKEN_SHAPE.test(token)) return null;
    const now = Date.now();
    const valid = this.valid.get(hash);
    if (valid && valid.expires > now) return valid.principal;
    const unknownUntil = this.unknown.get(hash);
    if (unknownUntil !== undefined && unknownUntil > now) return null;
    // Concurrent requests with one token share one lookup.
    let pending = this.lookups.get(hash);
    if (!pending) {
      pending = this.lookUp(hash)
        .then((principal) => {
          this.remember(hash, principal, Date.now());
          return principal;
        })
        .finally(() => this.lookups.delete(hash));
      this.lookups.set(hash, pending);
    }
    return pending;
  }

  private async lookUp(hash: string): Promise<Principal | null> {
    const rows = await this.db.query<TokenRow>({
      family: 'auth',
      sql: `SELECT token_id, workspace_id, scopes, revoked FROM ${this.db.database}.api_tokens FINAL
            WHERE token_hash = {hash:String} LIMIT 1`,
      params: { hash },
    });
    const row = rows[0];
    return row && !row.revoked
      ? { tokenId: row.token_id, workspaceId: row.workspace_id === '' ? null : row.workspace_id, scopes: new Set(row.scopes as Scope[]) }
      : null;
  }

  /** Map order is insertion order: the first key is the oldest, and goes first when full. */
  private remember(hash: string, principal: Principal | null, now: number): void {
    const expires = now + TOKEN_CACHE_TTL_MS;
    if (principal === null) {
      this.valid.delete(hash);
      this.unknown.delete(hash);
      if (this.unknown.size >= this.limits.unknown) this.unknown.delete(this.unknown.keys().next().value!);
      this.unknown.set(hash, expires);
      return;
    }
    this.unknown.delete(hash);
    this.valid.delete(hash);
    if (this.valid.size >= this.limits.valid) this.valid.delete(this.valid.keys().next().value!);
    this.valid.set(hash, { principal, expires });
  }

  /**
   * The principal of a token verified within the cache period, without any lookup; null
   * otherwise. A hit is a use of the token like a verification (its last-used time moves).
   */
  cached(token: string): Principal | null {
    const entry = this.valid.get(hashToken(token));
    if (!entry || entry.expires <= Date.now()) return null;
    this.usage.record(entry.principal.tokenId);
    return entry.principal;
  }

  /**
   * The lookup of this token already running, if any (it is shared like one started now):
   * waiting for it costs no query, so a burst of first requests with one new token is one
   * lookup, whatever the throttle says. The wait counts as a use when it finds the token.
   */
  inFlight(token: string): Promise<Principal | null> | null {
    const pending = this.lookups.get(hashToken(token));
    if (!pending) return null;
    return pending.then((principal) => {
      if (principal) this.usage.record(principal.tokenId);
      return principal;
    });
  }

  /** Cache sizes (tests check unknown tokens never push out valid ones). */
  cacheSizes(): { valid: number; unknown: number } {
    return { valid: this.valid.size, unknown: this.unknown.size };
  }

  /** Creates a workspace token and returns it in plain text (the only time it exists unhashed). */
  async create(workspaceId: string, scopes: readonly Scope[], label = ''): Promise<{ token: string; tokenId: string }> {
    if (!isValidId(workspaceId)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `workspaceId must be ${ID_RULE}`, { field: 'workspaceId' });
    }
    if (scopes.length === 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'Give at least one scope', { allowed: WORKSPACE_SCOPES });
    const bad = scopes.filter((s) => !WORKSPACE_SCOPES.includes(s));
    if (bad.length > 0) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `Scopes ${bad.join(', ')} cannot be granted to a workspace token`, { allowed: WORKSPACE_SCOPES });
    }
    return this.insert(workspaceId, [...new Set(scopes)], label);
  }

  /** Stored tokens, oldest first: active ones, or every one with `includeRevoked`; one workspace's with `workspaceId`. */
  async list(opts: { workspaceId?: string | null; includeRevoked?: boolean } = {}): Promise<TokenInfo[]> {
    const [rows, used] = await Promise.all([
      this.db.query<{ token_id: string; workspace_id: string; scopes: string[]; label: string; created: number; revoked: number }>({
        family: 'auth',
        sql: `SELECT token_id, workspace_id, scopes, label, toUnixTimestamp64Milli(created_at) AS created, revoked
              FROM ${this.db.database}.api_tokens FINAL
              WHERE ({all:UInt8} = 1 OR revoked = 0) AND ({ws:String} = '' OR workspace_id = {ws:String})
              ORDER BY created_at, token_id`,
        params: { all: opts.includeRevoked ? 1 : 0, ws: opts.workspaceId ?? '' },
      }),
      this.usage.lastUsed(),
    ]);
    return rows.map((r) => ({
      tokenId: r.token_id,
      workspaceId: r.workspace_id === '' ? null : r.workspace_id,
      scopes: r.scopes as Scope[],
      label: r.label,
      createdAt: Number(r.created),
      lastUsedAt: used.get(r.token_id) ?? null,
      revoked: r.revoked === 1,
    }));
  }

  /** The public id (tok_…) of what revoke() takes: an id as it is, a token as its id. */
  idOf(idOrToken: string): string {
    return idOrToken.startsWith(TOKEN_PREFIX) ? tokenIdOf(hashToken(idOrToken)) : idOrToken;
  }

  /** Revokes by public token id (tok_…) or by the token itself. Returns false when no such active token exists. */
  async revoke(idOrToken: string): Promise<boolean> {
    const tokenId = this.idOf(idOrToken);
    const rows = await this.db.query<{ token_hash: string; workspace_id: string; scopes: string[]; label: string; created_at: string; version: number }>({
      family: 'auth',
      sql: `SELECT token_hash, workspace_id, scopes, label, toString(created_at) AS created_at, version
            FROM ${this.db.database}.api_tokens FINAL WHERE token_id = {id:String} AND revoked = 0`,
      params: { id: tokenId },
    });
    for (const row of rows) {
      await this.db.command({
        family: 'auth',
        sql: `INSERT INTO ${this.db.database}.api_tokens (token_hash, token_id, workspace_id, scopes, label, created_at, revoked, version)
              VALUES ({hash:String}, {id:String}, {ws:String}, {scopes:Array(String)}, {label:String}, {created:DateTime64(3, 'UTC')}, 1, {version:UInt64})`,
        params: {
          hash: row.token_hash,
          id: tokenId,
          ws: row.workspace_id,
          scopes: row.scopes,
          label: row.label,
          created: row.created_at,
          version: Number(row.version) + 1,
        },
      });
      this.valid.delete(row.token_hash);
    }
    return rows.length > 0;
  }

  /**
   * Makes sure operators hold a root token. With ROOT_TOKEN set, that is the root token,
   * and any root token generated on an earlier start is revoked and its file removed (two
   * root tokens, one forgotten on disk, is one too many). Otherwise, on first start (no
   * root token stored) one is generated, stored hashed and written to `<dataDir>/root-token`
   * (mode 0600); it is returned so a caller can say where it is. It is never printed.
   */
  async ensureRootToken(dataDir: string): Promise<{ created: string | null; file: string }> {
    const file = path.join(dataDir, 'root-token');
    if (this.rootHash !== null) {
      await this.retireStoredRootTokens();
      fs.rmSync(file, { force: true });
      return { created: null, file };
    }
    const rows = await this.db.query<{ n: number }>({
      family: 'auth',
      sql: `SELECT count() AS n FROM ${this.db.database}.api_tokens FINAL WHERE has(scopes, 'root') AND revoked = 0`,
    });
    if (Number(rows[0]?.n ?? 0) > 0) return { created: null, file };
    const { token } = await this.insert('', ['root'], 'root (generated on first start)');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, token + '\n', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    return { created: token, file };
  }

  /** Revokes every stored root token (ROOT_TOKEN from the environment replaces them). */
  private async retireStoredRootTokens(): Promise<void> {
    const rows = await this.db.query<{ token_id: string }>({
      family: 'auth',
      sql: `SELECT token_id FROM ${this.db.database}.api_tokens FINAL WHERE has(scopes, 'root') AND revoked = 0`,
    });
    for (const row of rows) await this.revoke(row.token_id);
  }

  private async insert(workspaceId: string, scopes: readonly Scope[], label: string): Promise<{ token: string; tokenId: string }> {
    const token = newToken();
    const hash = hashToken(token);
    const tokenId = tokenIdOf(hash);
    await this.db.command({
      family: 'auth',
      sql: `INSERT INTO ${this.db.database}.api_tokens (token_hash, token_id, workspace_id, scopes, label, created_at, revoked, version)
            VALUES ({hash:String}, {id:String}, {ws:String}, {scopes:Array(String)}, {label:String}, now64(3), 0, 1)`,
      params: { hash, id: tokenId, ws: workspaceId, scopes, label },
    });
    return { token, tokenId };
  }
}

/** Extracts the token from `Authorization: Bearer <token>`; null when absent or malformed. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}
