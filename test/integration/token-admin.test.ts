import { spawn } from 'node:child_process';
import path from 'node:path';
import { hashToken } from '../../src/auth/tokens';
import { createLogger } from '../../src/log';
import { startGateway, type Gateway } from '../../src/app/gateway';
import { startTestGateway, testConfig, type TestGateway } from '../helpers/gateway';

/**
 * Token administration: the root-only `apiTokens` query (never a token or its hash), last-used
 * times (at once on the replica that saw the use, on another replica once the first has written
 * them), and `token list` / `token revoke` of the real CLI (dist/cli.js) against a gateway.
 */
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const LIST =
  'query($ws: ID, $all: Boolean) { apiTokens(workspaceId: $ws, includeRevoked: $all) { id workspaceId scopes root label createdAt lastUsedAt revoked } }';

interface Listed {
  id: string;
  workspaceId: string | null;
  scopes: string[];
  root: boolean;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

let t: TestGateway;
let replica: Gateway;
let reader: { token: string; tokenId: string };

beforeAll(async () => {
  t = await startTestGateway('token_admin');
  // A second replica on the same database: the same Db, its own services (and usage buffer).
  replica = await startGateway({
    config: testConfig('token_admin_replica', { CLICKHOUSE_DATABASE: t.gateway.db.database }),
    db: t.gateway.db,
    log: createLogger('silent'),
  });
  reader = await t.gateway.tokens.create('ws_admin_a', ['read'], 'dashboard of team A');
  await t.gateway.tokens.create('ws_admin_b', ['ingest', 'read'], 'producer B');
});
afterAll(async () => {
  await replica?.close();
  await t?.close();
});

async function list(via: string, variables: Record<string, unknown> = {}): Promise<Listed[]> {
  const res = await fetch(`${via}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.rootToken}` },
    body: JSON.stringify({ query: LIST, variables }),
  });
  const body = (await res.json()) as { data?: { apiTokens: Listed[] }; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.apiTokens;
}

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--url', t.url, '--root-token', t.rootToken], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('apiTokens', () => {
  it('lists ids, workspaces, scopes, labels and times, never a token or its hash', async () => {
    const tokens = await list(t.url);
    const a = tokens.find((x) => x.id === reader.tokenId)!;
    expect(a).toEqual({
      id: reader.tokenId,
      workspaceId: 'ws_admin_a',
      scopes: ['READ'],
      root: false,
      label: 'dashboard of team A',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastUsedAt: null,
      revoked: false,
    });
    expect(tokens.find((x) => x.root)).toMatchObject({ workspaceId: null, scopes: [], root: true });
    expect(tokens.find((x) => x.workspaceId === 'ws_admin_b')).toMatchObject({ scopes: ['INGEST', 'READ'], label: 'producer B' });
    const text = JSON.stringify(tokens);
    for (const secret of [reader.token, hashToken(reader.token), t.rootToken, hashToken(t.rootToken)]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/dov_|[0-9a-f]{64}/);
  });

  it('filters by workspace', async () => {
    expect((await list(t.url, { ws: 'ws_admin_b' })).map((x) => x.workspaceId)).toEqual(['ws_admin_b']);
  });

  it('is for root only', async () => {
    const res = await t.gql(reader.token, LIST);
    expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('shows a use at once on the replica that saw it, and on another replica once it has written its uses', async () => {
    const before = Date.now();
    expect((await t.gql(reader.token, '{ destinations { id } }')).status).toBe(200);
    const here = (await list(t.url)).find((x) => x.id === reader.tokenId)!;
    expect(Date.parse(here.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1);
    expect((await list(replica.url)).find((x) => x.id === reader.tokenId)!.lastUsedAt).toBeNull();
    await t.gateway.tokens.usage.flush();
    expect((await list(replica.url)).find((x) => x.id === reader.tokenId)!.lastUsedAt).toBe(here.lastUsedAt);
  });

  it('hides revoked tokens unless asked', async () => {
    const gone = await t.gateway.tokens.create('ws_admin_c', ['read'], 'to revoke');
    await t.gateway.tokens.revoke(gone.tokenId);
    expect((await list(t.url)).map((x) => x.id)).not.toContain(gone.tokenId);
    expect((await list(t.url, { all: true })).find((x) => x.id === gone.tokenId)).toMatchObject({ revoked: true, label: 'to revoke' });
  });
});

describe('viewer', () => {
  const VIEWER = '{ viewer { tokenId workspaceId scopes root } }';

  it('tells any token its own id, workspace and scopes, implied ones included', async () => {
    expect((await t.gql(reader.token, VIEWER)).body.data).toEqual({
      viewer: { tokenId: reader.tokenId, workspaceId: 'ws_admin_a', scopes: ['READ'], root: false },
    });
    const admin = await t.gateway.tokens.create('ws_admin_a', ['read', 'admin'], 'on-call');
    // admin implies replay: a page offers replays to this token.
    expect((await t.gql(admin.token, VIEWER)).body.data).toEqual({
      viewer: { tokenId: admin.tokenId, workspaceId: 'ws_admin_a', scopes: ['READ', 'ADMIN', 'REPLAY'], root: false },
    });
    expect((await t.gql(t.rootToken, VIEWER)).body.data).toMatchObject({ viewer: { workspaceId: null, scopes: [], root: true } });
    expect((await t.gql(null, VIEWER)).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('token list and token revoke (CLI)', () => {
  it('token list prints a table of ids, workspaces, scopes, times and labels, never a token', async () => {
    const run = await cli(['token', 'list']);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+WORKSPACE\s+SCOPES\s+CREATED \(UTC\)\s+LAST USED \(UTC\)\s+LABEL$/);
    expect(lines.find((l) => l.startsWith(reader.tokenId))).toMatch(
      new RegExp(
        `^${reader.tokenId}\\s+ws_admin_a\\s+read\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+dashboard of team A$`,
      ),
    );
    expect(run.stdout).not.toContain('dov_');
    const json = await cli(['token', 'list', '--workspace', 'ws_admin_b', '--json']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).workspaceId),
    ).toEqual(['ws_admin_b']);
  });

  it('token revoke revokes by id, the token stops working, and a second revoke exits 1', async () => {
    const victim = await t.gateway.tokens.create('ws_admin_d', ['read'], 'victim');
    expect((await t.gql(victim.token, '{ destinations { id } }')).status).toBe(200);
    expect(await cli(['token', 'revoke', victim.tokenId])).toEqual({ status: 0, stdout: `revoked ${victim.tokenId}\n`, stderr: '' });
    expect((await t.gql(victim.token, '{ destinations { id } }')).status).toBe(401);
    const again = await cli(['token', 'revoke', victim.tokenId]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`no active token ${victim.tokenId}`);
  });

  it('usage errors exit 2 without asking the gateway', async () => {
    expect((await cli(['token', 'revoke'])).status).toBe(2);
    expect((await cli(['token', 'list', 'extra'])).status).toBe(2);
    expect((await cli(['token', 'frobnicate'])).status).toBe(2);
  });
});
