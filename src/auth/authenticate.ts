import { holdsScope, type Principal, type Scope } from './scopes';
import { bearerToken, type TokenStore } from './tokens';
import { AppError, ErrorCode } from '../domain/errors';

/**
 * Resolves the caller from `Authorization: Bearer …`; 401 when absent or unknown, 429
 * when `client` (its address) has failed too often lately (see AuthThrottle).
 */
export async function authenticate(tokens: TokenStore, authorization: string | undefined, client?: string): Promise<Principal> {
  const token = bearerToken(authorization);
  // A token verified within the cache period needs no lookup, so the throttle has no say.
  const known = token !== null ? tokens.cached(token) : null;
  if (known) return known;
  // Nor for a lookup of this token already running: sharing it costs no query.
  const shared = token !== null ? tokens.inFlight(token) : null;
  const principal = shared ? await shared : await throttledVerify(tokens, token, client);
  if (principal !== null) return principal;
  if (token === null) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      authorization ? 'The Authorization header must be "Bearer <token>"' : 'Missing Authorization: Bearer <token> header',
    );
  }
  throw new AppError(ErrorCode.UNAUTHENTICATED, 'The token is not valid or has been revoked');
}

/** A lookup of its own, which takes from the address's failure bucket first (and gives it back when the token verifies). */
async function throttledVerify(tokens: TokenStore, token: string | null, client: string | undefined): Promise<Principal | null> {
  if (tokens.throttle.retryAfter(client) > 0 || !tokens.throttle.reserve(client)) {
    const after = Math.max(1, tokens.throttle.retryAfter(client));
    throw new AppError(ErrorCode.RATE_LIMITED, `Too many failed authentications from this address; retry after ${after} s`, {
      retryAfterSeconds: after,
      limit: 'authFailuresPerSecond',
      value: tokens.throttle.perSecond,
    });
  }
  const principal = token === null ? null : await tokens.verify(token);
  if (principal !== null) tokens.throttle.succeeded(client);
  return principal;
}

/** 403 unless the caller holds `scope` and is bound to a workspace; returns that workspace. */
export function requireWorkspaceScope(principal: Principal, scope: Scope): string {
  if (!holdsScope(principal.scopes, scope)) {
    throw new AppError(ErrorCode.FORBIDDEN, `This token lacks the "${scope}" scope`, { required: scope });
  }
  if (principal.workspaceId === null) {
    throw new AppError(ErrorCode.FORBIDDEN, 'This token is not bound to a workspace; use a workspace token', { required: scope });
  }
  return principal.workspaceId;
}
