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
    throw Object.assign(new Error(`Cannot reach the gateway at ${url}: ${(err as Error).message}`), { hint: 'Is it running? Start it with npm start or npm run demo, or pass --url.' });
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
  const scopes = list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = scopes.filter((s) => !(WORKSPACE_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    const named = unknown.length > 0 ? `Unknown scope ${unknown.map((s) => JSON.stringify(s)).join(', ')}` : 'No scope given';
    throw new UsageError(`${named}; valid scopes: ${WORKSPACE_SCOPES.join(', ')}`, 'delivery-overview token create --workspace ID --scopes read,ingest');
  }
  return scopes.map((s) => s.toUpperCase());
}

export async function runTokenCreate(v: Values, config: Config, action: string | undefined): Promise<number> {
  if (action !== 'create') throw new UsageError('Usage: delivery-overview token create --workspace ID --scopes read,ingest');
  if (typeof v.workspace !== 'string') throw new UsageError('--workspace is required');
  if (typeof v.scopes !== 'string') throw new UsageError('--scopes is required, e.g. --scopes read,ingest');
  const scopes = parseScopes(v.scopes);
  const url = typeof v.url === 'string' ? v.url : `http://127.0.0.1:${config.server.port}`;
  const data = await gatewayGraphQL<{ createApiToken: string }>(
    url,
    resolveRootToken(v, config),
    'mutation Create($ws: ID!, $scopes: [Scope!]!, $label: String) { createApiToken(workspaceId: $ws, scopes: $scopes, label: $label) }',
    { ws: v.workspace, scopes, label: typeof v.label === 'string' ? v.label : null },
  );
  process.stdout.write(`${data.createApiToken}\n`);
  return 0;
}
