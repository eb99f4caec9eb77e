import { auditServer } from 'graphql-http';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The GraphQL-over-HTTP conformance audit of graphql-http against /graphql (Apollo Server
 * behind the admission pipeline). Every request carries a read token (the API has no anonymous
 * access); nothing else is added. No MUST may fail (with a wrong token, 15 do: watched).
 */
let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('graphql_http_audit');
  token = await t.token('ws_audit', ['read']);
});
afterAll(async () => t.close());

it('has no failing MUST of the GraphQL-over-HTTP audit', async () => {
  const withToken: typeof fetch = (input, init) =>
    fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers).entries()), authorization: `Bearer ${token}` } });
  const results = await auditServer({ url: `${t.url}/graphql`, fetchFn: withToken });
  const failures = results.flatMap((r) => (r.status === 'ok' ? [] : [`${r.id} ${r.name}: ${r.reason}`]));
  const mustFailures = failures.filter((f) => / MUST /.test(f));
  expect(results.filter((r) => r.name.startsWith('MUST')).length).toBeGreaterThan(10);
  expect(mustFailures).toEqual([]);
  // SHOULD and MAY items answered otherwise, on purpose: a GET without a preflight header is
  // refused as CSRF (the audit sends none), and a refused document is a 400 with JSON too.
  // Listed so that a change shows in review.
  expect(failures.map((f) => f.split(' ')[0]).sort()).toEqual(['572B', '5A70', '6A70', '7B9B', 'D6D5', 'FDE2']);
});
