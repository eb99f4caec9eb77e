import type { Principal, Scope } from './scopes';
import { bearerToken, type TokenStore } from './tokens';
import { AppError, ErrorCode } from '../domain/errors';

/**
 * Resolves the caller from `Authorization: Bearer …`; 401 when absent or unknown, 429
 * when `client` (its address) has failed too often lately (see AuthThrottle).
 */
export async function authenticate(tokens: TokenStore, authorization: string | undefined, client?: string): Promise<Principal> {
  const token = bearerToken(authorization);
  const wait = tokens.throttle.retryAfter(client);
  // A throttled address may still use a token known good (no lookup); anything else waits.
  const known = wait > 0 && token !== null ? tokens.cached(token) : null;
  if (known) return known;
  if (wait > 0) {
    throw new AppError(ErrorCode.RATE_LIMITED, `Too many failed authentications from this address; retry after ${wait} s`, { retryAfterSeconds: wait, limit: 'authFailuresPerSecond', value: tokens.throttle.perSecond });
  }
  const principal = token === null ? null : await tokens.verify(token);
  if (principal !== null) return principal;
  tokens.throttle.failed(client);
  if (token === null) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, authorization ? 'The Authorization header must be "Bearer <token>"' : 'Missing Authorization: Bearer <token> header');
  }
  throw new AppError(ErrorCode.UNAUTHENTICATED, 'The token is not valid or has been revoked');
}

/** 403 unless the caller holds `scope` and is bound to a workspace; returns that workspace. */
export function requireWorkspaceScope(principal: Principal, scope: Scope): string {
  if (!principal.scopes.has(scope)) {
    throw new AppError(ErrorCode.FORBIDDEN, `This token lacks the "${scope}" scope`, { required: scope });
  }
  if (principal.workspaceId === null) {
    throw new AppError(ErrorCode.FORBIDDEN, 'This token is not bound to a workspace; use a workspace token', { required: scope });
  }
  return principal.workspaceId;
}
