import type { Principal, Scope } from './scopes';
import { bearerToken, type TokenStore } from './tokens';
import { AppError, ErrorCode } from '../domain/errors';

/** Resolves the caller from `Authorization: Bearer …`; 401 when absent or unknown. */
export async function authenticate(tokens: TokenStore, authorization: string | undefined): Promise<Principal> {
  const token = bearerToken(authorization);
  if (token === null) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, authorization ? 'The Authorization header must be "Bearer <token>"' : 'Missing Authorization: Bearer <token> header');
  }
  const principal = await tokens.verify(token);
  if (principal === null) throw new AppError(ErrorCode.UNAUTHENTICATED, 'The token is not valid or has been revoked');
  return principal;
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
