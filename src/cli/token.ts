import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { WORKSPACE_SCOPES } from '../auth/scopes';
import { UsageError } from './args';

type Values = Record<string, string | boolean | undefined>;

/** Reads the root token: --root-token, then ROOT_TOKEN, then <DATA_DIR>/root-token. */
export function resolveRootToken(v: Values, config: Config): string {
  if (typeof v['root-token'] === 'string') return v['root-token'];
  if (config.auth.rootToken) return config.auth.rootToken;
  const file = path.join(config.server.dataDir, 'root-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  throw new UsageError(`No root token: pass --root-token, set ROOT_TOKEN, or start the gateway once so it writes ${file}`);
}

/** A GraphQL call to a running gateway; throws with the server's message on error. */
export async function gatewayGraphQL<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw Object.assign(new Error(`Cannot reach the gateway at ${url}: ${(err as Error).message}`), {
      hint: 'Is it running? Start it with npm start or npm run demo, or pass --url.',
    });
  }
  const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new Error(`${e.extensions?.code ?? res.status}: ${e.message}`);
  }
  if (!res.ok || !body.data) throw new Error(`The gateway answered HTTP ${res.status}`);
  return body.data;
}

/** `read,ingest` as the GraphQL enum values; an unknown scope is bad usage, refused before any request. */
function parseScopes(list: string): string[] {
  const scopes = list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(WORKSPACE_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    const named = unknown.length > 0 ? `Unknown scope ${unknown.map((s) => JSON.stringify(s)).join(', ')}` : 'No scope given';
    throw new UsageError(`${named}; valid scopes: ${WORKSPACE_SCOPES.join(', ')}`, 'delivery-overview token create --workspace ID --scopes read,ingest');
  }
  return scopes.map((s) => s.toUpperCase());
}

export async function runToken(v: Values, config: Config, positionals: string[]): Promise<number> {
  const [action, id] = positionals;
  if (action !== 'revoke' && id !== undefined) throw new UsageError(`Unexpected argument "${id}"`);
  if (action === 'create') return runTokenCreate(v, config);
  if (action === 'list') return runTokenList(v, config);
  if (action === 'revoke') return runTokenRevoke(v, config, id);
  throw new UsageError(`Usage: ${TOKEN_USAGE.join('\n       ')}`);
}

export const TOKEN_USAGE = [
  'delivery-overview token create --workspace ID --scopes read,ingest[,admin] [--label TEXT]',
  'delivery-overview token list [--workspace ID] [--all] [--json]',
  'delivery-overview token revoke TOKEN_ID',
];

function gatewayUrl(v: Values, config: Config): string {
  return typeof v.url === 'string' ? v.url : `http://127.0.0.1:${config.server.port}`;
}

async function runTokenCreate(v: Values, config: Config): Promise<number> {
  if (typeof v.workspace !== 'string') throw new UsageError('--workspace is required');
  if (typeof v.scopes !== 'string') throw new UsageError('--scopes is required, e.g. --scopes read,ingest');
  const scopes = parseScopes(v.scopes);
  const data = await gatewayGraphQL<{ createApiToken: string }>(
    gatewayUrl(v, config),
    resolveRootToken(v, config),
    'mutation Create($ws: ID!, $scopes: [Scope!]!, $label: String) { createApiToken(workspaceId: $ws, scopes: $scopes, label: $label) }',
    { ws: v.workspace, scopes, label: typeof v.label === 'string' ? v.label : null },
  );
  process.stdout.write(`${data.createApiToken}\n`);
  return 0;
}

interface ListedToken {
  id: string;
  workspaceId: string | null;
  scopes: string[];
  root: boolean;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

/** The tokens as a table (or JSON lines with --json): never a token, only its id. */
async function runTokenList(v: Values, config: Config): Promise<number> {
  const data = await gatewayGraphQL<{ apiTokens: ListedToken[] }>(
    gatewayUrl(v, config),
    resolveRootToken(v, config),
    'query Tokens($ws: ID, $all: Boolean) { apiTokens(workspaceId: $ws, includeRevoked: $all) { id workspaceId scopes root label createdAt lastUsedAt revoked } }',
    { ws: typeof v.workspace === 'string' ? v.workspace : null, all: v.all === true },
  );
  if (v.json) {
    for (const t of data.apiTokens) process.stdout.write(`${JSON.stringify(t)}\n`);
    return 0;
  }
  const rows = data.apiTokens.map((t) => [
    t.id,
    t.workspaceId ?? '(root)',
    t.root ? 'root' : t.scopes.map((s) => s.toLowerCase()).join(','),
    t.createdAt.slice(0, 19).replace('T', ' '),
    t.lastUsedAt ? t.lastUsedAt.slice(0, 19).replace('T', ' ') : 'never',
    ...(v.all ? [t.revoked ? 'revoked' : 'active'] : []),
    t.label,
  ]);
  const header = ['ID', 'WORKSPACE', 'SCOPES', 'CREATED (UTC)', 'LAST USED (UTC)', ...(v.all ? ['STATE'] : []), 'LABEL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
  return 0;
}

async function runTokenRevoke(v: Values, config: Config, id: string | undefined): Promise<number> {
  if (!id) throw new UsageError('Name the token to revoke: npx delivery-overview token revoke tok_… (see token list)');
  const data = await gatewayGraphQL<{ revokeApiToken: boolean }>(
    gatewayUrl(v, config),
    resolveRootToken(v, config),
    'mutation Revoke($id: ID!) { revokeApiToken(id: $id) }',
    { id },
  );
  if (!data.revokeApiToken) {
    process.stderr.write(`error: no active token ${id}\nhint: npx delivery-overview token list shows the active ones\n`);
    return 1;
  }
  process.stdout.write(`revoked ${id}\n`);
  return 0;
}
