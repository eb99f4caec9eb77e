import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMISSION_READS, report, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('limits');
  token = await t.token('ws_lim', ['read', 'ingest']);
  // 25 destinations: lists are priced at their real size, and the bombs below select every destination.
  expect((await t.ingest(token, [report(), ...Array.from({ length: 24 }, (_, i) => report({ destinationId: `dst_lim_${i}` }))])).status).toBe(200);
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
  // 40 fragments, each spreading the previous one twice: 2^40 fields once expanded.
  'fragment fan-out': {
    query: `{ sources { ...F39 } } fragment F0 on Source { id } ${Array.from({ length: 39 }, (_, i) => `fragment F${i + 1} on Source { ...F${i} ...F${i} }`).join(' ')}`,
    limit: 'maxCost',
  },
};

async function overWs(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<unknown[]> {
  const client = createClient({
    url: t.gateway.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  const errors = await new Promise<unknown[]>((resolve) => {
    client.subscribe(
      { query, variables, operationName },
      { next: (v) => resolve((v.errors as unknown[]) ?? []), error: (e) => resolve(Array.isArray(e) ? e : [e]), complete: () => resolve([]) },
    );
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
      expect([...families, ...wsFamilies].filter((f) => !ADMISSION_READS.has(f))).toEqual([]);
    });
  }

  it("lets the IDE's introspection query and an ordinary dashboard query through", async () => {
    const intro = await t.gql(token, getIntrospectionQuery());
    expect(intro.body.errors).toBeUndefined();
    const dash = await t.gql(
      token,
      '{ destinations { id pipeline(range: { preset: LAST_2_WEEKS }) { steps { kind count share change { count percentagePoints } } } } }',
    );
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
    // Declared defaults count like sent values (they used to be costed as the field's own default).
    const defaults =
      'query($r: TimeRangeInput! = { preset: LAST_2_WEEKS }, $n: Int! = 1000) { destinations { breakdown(step: SUCCESSFULLY_RECEIVED, range: $r, first: $n) { eventName } } }';
    const viaDefaults = await t.gql(token, defaults, {});
    expect(viaDefaults.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    expect((await overWs(defaults, {}))[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' } });
  });

  it('keeps batching off and CSRF prevention on', async () => {
    const batch = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ sources { id } }' }, { query: '{ sources { id } }' }]),
    });
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

describe('request errors are typed the same on HTTP and graphql-ws, before execution', () => {
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[]; data?: unknown } };
  };
  const twoOps = 'query A { sources { id } } query B { destinations { id } }';
  const manyVars = 'query($f: EventFilter) { destinations { pipeline(range: { preset: LAST_HOUR }, filter: $f) { steps { kind } } } }';
  const CASES: { name: string; query: string; variables?: Record<string, unknown>; operationName?: string; count?: number; code?: string; message: RegExp }[] =
    [
      // graphql-js throws (rather than reports) this one while validating subscriptions; the standard value check names it.
      {
        name: 'a subscription with @skip(if: "yes")',
        query: 'subscription { alertEvents @skip(if: "yes") { id } }',
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: /Boolean cannot represent a non boolean value: "yes"/,
      },
      { name: 'an unknown operationName', query: twoOps, operationName: 'C', message: /no operation named "C"|Unknown operation named "C"/ },
      { name: 'several operations and none named', query: twoOps, message: /operationName|Must provide operation name/ },
      {
        name: 'a variable of the wrong type',
        query: 'query($d: ID!) { destination(id: $d) { id } }',
        variables: { d: { nested: true } },
        count: 1,
        message: /\$d/,
      },
      { name: 'a missing required variable', query: 'query($d: ID!) { destination(id: $d) { id } }', variables: {}, count: 1, message: /\$d/ },
      {
        name: 'more invalid variables than listed',
        query: manyVars,
        variables: { f: { eventNames: Array.from({ length: 30 }, (_, i) => i) } },
        count: 21,
        message: /More than 20 variable values are invalid/,
      },
    ];
  for (const c of CASES) {
    it(`${c.name}: ${c.code ?? 'BAD_USER_INPUT'} on both, no ClickHouse query`, async () => {
      const { result: http, families } = await t.countQueries(() => post({ query: c.query, variables: c.variables, operationName: c.operationName }));
      expect(http.status).toBe(400);
      expect(http.body.data).toBeUndefined();
      const { result: ws, families: wsFamilies } = await t.countQueries(() => overWs(c.query, c.variables, c.operationName));
      for (const errors of [http.body.errors!, ws as { message: string; extensions: Record<string, unknown> }[]]) {
        expect(errors.map((e) => e.extensions.code)).toEqual(Array(c.count ?? 1).fill(c.code ?? 'BAD_USER_INPUT'));
        expect(errors.map((e) => e.message).join('\n')).toMatch(c.message);
      }
      expect([...families, ...wsFamilies].filter((f) => !ADMISSION_READS.has(f))).toEqual([]);
    });
  }

  it('a subscription with @include(if: $live) is valid over graphql-ws, and over HTTP refused as a subscription', async () => {
    const query = 'subscription S($live: Boolean!) { alertEvents @include(if: $live) { id } }';
    const client = createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    const problems: unknown[] = [];
    const dispose = client.subscribe(
      { query, variables: { live: true } },
      { next: (v) => v.errors && problems.push(v.errors), error: (e) => problems.push(e), complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 700)); // an event stream with no events yet stays silent
    dispose();
    await client.dispose();
    expect(problems).toEqual([]);
    const http = await post({ query, variables: { live: true } });
    expect({ status: http.status, code: http.body.errors![0].extensions.code, message: http.body.errors![0].message }).toEqual({
      status: 400,
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/WebSocket/),
    });
  });

  it('a subscription over HTTP is refused with BAD_USER_INPUT pointing at graphql-ws', async () => {
    const res = await post({ query: 'subscription { pipelineUpdated(destinationId: "d1", range: { preset: LAST_HOUR }) { steps { kind count } } }' });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.body.errors![0].message).toMatch(/WebSocket/);
  });

  it('automatic persisted queries: a hash that does not match the query text, or is no hash, is BAD_USER_INPUT', async () => {
    for (const sha256Hash of ['0'.repeat(64), 'not-a-hash']) {
      const res = await post({ query: '{ sources { id } }', extensions: { persistedQuery: { version: 1, sha256Hash } } });
      expect(res.status).toBe(400);
      expect(res.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('discardReasons with the optional step omitted lists every discard step', async () => {
    const res = await t.gql<{ discardReasons: { step: string }[] }>(token, '{ discardReasons { code step } }');
    expect(res.body.errors).toBeUndefined();
    expect(new Set(res.body.data!.discardReasons.map((r) => r.step))).toEqual(
      new Set(['FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FAILED_TO_EXTRACT', 'FILTERED_AT_DESTINATION', 'FILTERED_AT_MAPPING', 'FAILED_DELIVERY']),
    );
  });
});
