import http from 'node:http';
import { hashToken, tokenIdOf } from '../../src/auth/tokens';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Issue 23 item 7, on a real gateway over loopback HTTP: the demo's token reaches only a page
 * (and an IDE) asked for by a loopback Host, so a DNS-rebinding page on another name cannot
 * read it; and a root token cannot revoke itself.
 */
const DEMO_TOKEN = 'dov_demo_token_for_the_host_test';

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway('demo_host', {}, { web: { demoToken: () => DEMO_TOKEN }, ide: { defaultToken: () => DEMO_TOKEN } });
});
afterAll(async () => t?.close());

/** GET `path` with this Host header (fetch would not let a test choose it). */
function getWithHost(path: string, host: string, accept = 'text/html'): Promise<{ status: number; body: string }> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host, accept } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the demo token is served to a loopback Host only (DNS rebinding)', () => {
  const port = () => new URL(t.url).port;

  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '[::1]'])('the page and the IDE carry it for Host %s', async (name) => {
    for (const host of [`${name}:${port()}`, name]) {
      const page = await getWithHost('/', host);
      expect([host, page.status, page.body.includes(`<meta name="do-demo-token" content="${DEMO_TOKEN}">`)]).toEqual([host, 200, true]);
      const ide = await getWithHost('/graphql', host);
      expect([host, ide.status, ide.body.includes(DEMO_TOKEN)]).toEqual([host, 200, true]);
    }
  });

  it.each([
    'attacker.example',
    'localhost.attacker.example',
    'evil.localhost',
    '127.0.0.1.nip.io',
    '10.0.0.5',
    'localhost@attacker.example',
    'localhost, attacker.example',
  ])('the page and the IDE leave it out for Host %j', async (name) => {
    for (const host of [`${name}:${port()}`, name]) {
      const page = await getWithHost('/', host);
      expect([host, page.status]).toEqual([host, 200]);
      expect([host, page.body.includes(DEMO_TOKEN)]).toEqual([host, false]);
      expect(page.body).toContain('<meta name="do-demo-token" content="">');
      const ide = await getWithHost('/graphql', host);
      expect([host, ide.status, ide.body.includes(DEMO_TOKEN)]).toEqual([host, 200, false]);
    }
  });
});

describe('a root token cannot revoke itself', () => {
  const revoke = (token: string, id: string) => t.gql<{ revokeApiToken: boolean }>(token, 'mutation($id: ID!) { revokeApiToken(id: $id) }', { id });

  it('refuses by id and by the token itself with BAD_USER_INPUT on id, and the token keeps working', async () => {
    const ownId = tokenIdOf(hashToken(t.rootToken));
    for (const id of [ownId, t.rootToken]) {
      const res = await revoke(t.rootToken, id);
      expect(res.body.data?.revokeApiToken ?? null).toBeNull();
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'id']]);
      expect(res.body.errors![0].message).toMatch(/cannot revoke itself/);
    }
    const list = await t.gql<{ apiTokens: { id: string }[] }>(t.rootToken, '{ apiTokens { id } }');
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data!.apiTokens.map((x) => x.id)).toContain(ownId);
  });

  it('still revokes another token', async () => {
    const other = await t.token('ws_demo_host', ['read']);
    const res = await revoke(t.rootToken, tokenIdOf(hashToken(other)));
    expect(res.body).toEqual({ data: { revokeApiToken: true } });
  });
});
