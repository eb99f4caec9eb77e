/**
 * What a token may do. `root` is the operators' token: it manages tokens and has no workspace.
 * `replay` creates and cancels replays and pulls their messages (a delivery system's token needs
 * nothing else); `admin` implies it.
 */
export const SCOPES = ['read', 'ingest', 'admin', 'replay', 'root'] as const;
export type Scope = (typeof SCOPES)[number];
/** Scopes a workspace token may carry (root is never granted through the API). */
export const WORKSPACE_SCOPES: readonly Scope[] = ['read', 'ingest', 'admin', 'replay'];

/** Scopes another scope includes: an admin may do what a replay token may. */
const IMPLIED: Partial<Record<Scope, readonly Scope[]>> = { admin: ['replay'] };

/** The caller holds `scope`, itself or through a scope that implies it. */
export function holdsScope(scopes: ReadonlySet<Scope>, scope: Scope): boolean {
  if (scopes.has(scope)) return true;
  for (const held of scopes) if (IMPLIED[held]?.includes(scope)) return true;
  return false;
}

/** Who is calling: resolved once per request (or per WebSocket connection) from the bearer token. */
export interface Principal {
  tokenId: string;
  /** The only workspace this caller can read or write; null for root. */
  workspaceId: string | null;
  scopes: ReadonlySet<Scope>;
}
