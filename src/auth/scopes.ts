/** What a token may do. `root` is the operators' token: it manages tokens and has no workspace. */
export const SCOPES = ['read', 'ingest', 'admin', 'root'] as const;
export type Scope = (typeof SCOPES)[number];
/** Scopes a workspace token may carry (root is never granted through the API). */
export const WORKSPACE_SCOPES: readonly Scope[] = ['read', 'ingest', 'admin'];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** Who is calling: resolved once per request (or per WebSocket connection) from the bearer token. */
export interface Principal {
  tokenId: string;
  /** The only workspace this caller can read or write; null for root. */
  workspaceId: string | null;
  scopes: ReadonlySet<Scope>;
}
