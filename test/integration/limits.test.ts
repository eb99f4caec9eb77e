import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('limits');
  token = await t.token('ws_lim', ['read', 'ingest']);
  expect((await t.ingest(token, [report()])).status).toBe(200);
});
afterAll(async () => t.close());

const nest = (n: number) => `{ __schema { types { ${'fields { type { '.repeat(1)}${'ofType { '.repeat(n)}name${' }'.repeat(n)} } } } } }`;
const BOMBS: Record<string, { query: string; limit: string }> = {
  depth: { query: nest(20), limit: 'maxDepth' },
  aliases: { query: `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: sources { id }`).join(' ')} }`, limit: 'maxAliases' },
  tokens: { query: `{ sources { ${'id '.repeat(6000)} } }`, limit: 'maxTokens' },
  directives: { query: `{ sources { ${Array.from({ length: 40 }, () => 'id @include(if: true)').join(' ')} } }`, limit: 'maxDirectives' },
  cost: {
    query: `{ destinations { breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, first: 1000) { eventName } } }`,
    limit: 'maxCost',
  },
};

async function overWs(query: string): Promise<unknown[]> {
  const client = createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
  const errors = await new Promise<unknown[]>((resolve) => {
    client.subscribe({ query }, { next: (v) => resolve((v.errors as unknown[]) ?? []), error: (e) => resolve(Array.isArray(e) ? e : [e]), complete: () => resolve([]) });
  });
  await client.dispose();
  return errors;
}

describe('the same operation limits on HTTP and graphql-ws, before any ClickHouse query', () => {
  for (const [name, bomb] of Object.entries(BOMBS)) {
    it(`refuses the ${name} bomb`, async () => {
      const { result: http, families } = await t.countQueries(() => t.gql(token, bomb.query));
      expect(http.status).toBe(400);
      expect(http.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: bomb.limit });
      const { result: ws, families: wsFamilies } = await t.countQueries(() => overWs(bomb.query));
      expect(ws[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: bomb.limit } });
      expect([...families, ...wsFamilies].filter((f) => f !== 'auth')).toEqual([]);
    });
  }

  it("lets the IDE's introspection query and an ordinary dashboard query through", async () => {
    const intro = await t.gql(token, getIntrospectionQuery());
    expect(intro.body.errors).toBeUndefined();
    const dash = await t.gql(token, '{ destinations { id pipeline(range: { preset: LAST_2_WEEKS }) { steps { kind count share change { count percentagePoints } } } } }');
    expect(dash.body.errors).toBeUndefined();
    const ws = await overWs('{ destinations { id } }');
    expect(ws).toEqual([]);
  });

  it('counts variables in the cost', async () => {
    const q = 'query($r: TimeRangeInput!, $n: Int!) { destinations { breakdown(step: SUCCESSFULLY_RECEIVED, range: $r, first: $n) { eventName } } }';
    const cheap = await t.gql(token, q, { r: { preset: 'LAST_HOUR' }, n: 10 });
    expect(cheap.body.errors).toBeUndefined();
    const dear = await t.gql(token, q, { r: { preset: 'LAST_2_WEEKS' }, n: 1000 });
    expect(dear.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
  });

  it('keeps batching off and CSRF prevention on', async () => {
    const batch = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify([{ query: '{ sources { id } }' }, { query: '{ sources { id } }' }]) });
    expect(batch.status).toBe(400);
    const csrf = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ sources { id } }')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(csrf.status).toBe(400);
    expect(await csrf.text()).toMatch(/CSRF/i);
  });

  it('never answers with SQL, stack traces or host names', async () => {
    const res = await t.gql(token, '{ destination(id: "x\\u0000\' OR 1=1 --") { id } trace(messageId: "{x:String}") { step } }');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/SELECT|FROM |at \w+ \(|node_modules|127\.0\.0\.1|localhost|DB::Exception/);
  });
});
