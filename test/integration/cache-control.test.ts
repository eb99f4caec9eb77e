import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The Cache-Control header of GraphQL over HTTP: always private (answers are per workspace),
 * as long as the fields' @cacheControl hints and the ranges they read allow; no-store for
 * mutations, token admin, live values and errors.
 */
let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('cache_control');
  token = await t.token('ws_cache', ['read', 'ingest', 'admin']);
  expect((await t.ingest(token, [report({}, 180)])).status).toBe(200);
});
afterAll(async () => t.close());

async function cacheControl(query: string, authorization = token): Promise<string | null> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${authorization}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors && !/nope|dst_unknown/.test(query)) throw new Error(JSON.stringify(body.errors));
  return res.headers.get('cache-control');
}

const hoursAgo = (h: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - h * 3_600_000).toISOString();
const pipeline = (range: string, extra = '') =>
  `{ destination(id: "dst_amplitude") { id kind pipeline(range: ${range}) { from to steps { kind count share change { count } } ${extra} } } }`;

describe('Cache-Control on GraphQL over HTTP', () => {
  it('a fixed range that ended before the lookback: private, one hour', async () => {
    expect(await cacheControl(pipeline(`{ from: "${hoursAgo(4)}", to: "${hoursAgo(2)}" }`))).toBe('private, max-age=3600');
  });

  it('a rolling preset: private, 30 s (the window moves every minute)', async () => {
    expect(await cacheControl(pipeline('{ preset: LAST_24_HOURS }'))).toBe('private, max-age=30');
    // A fixed `from` whose `to` the lookback moved back rolls too.
    expect(await cacheControl(pipeline(`{ from: "${hoursAgo(3)}", to: "${new Date(Date.now() + 60_000).toISOString()}" }`))).toBe('private, max-age=30');
  });

  it('the least age of the answer wins: a settled range beside a catalogue name is 30 s', async () => {
    expect(await cacheControl(`{ destination(id: "dst_amplitude") { name pipeline(range: { from: "${hoursAgo(4)}", to: "${hoursAgo(2)}" }) { from } } }`)).toBe(
      'private, max-age=30',
    );
    expect(await cacheControl('{ destinations { id } }')).toBe('private, max-age=30');
    expect(await cacheControl('{ discardReasons { code } }')).toBe('private, max-age=3600');
  });

  it('no-store for ranges reaching the last minutes, live values, alerts, token admin, mutations and errors', async () => {
    expect(await cacheControl(pipeline('{ preset: LAST_HOUR, lookback: false }'))).toBe('no-store');
    expect(await cacheControl(pipeline('{ preset: LAST_HOUR }', 'retryPending'))).toBe('no-store');
    expect(await cacheControl('{ destination(id: "dst_amplitude") { retryPending } }')).toBe('no-store');
    expect(await cacheControl('{ trace(messageId: "m") { step } }')).toBe('no-store');
    expect(await cacheControl('{ alertRules { id } }')).toBe('no-store');
    expect(await cacheControl('{ apiTokens { id } }', t.rootToken)).toBe('no-store');
    expect(await cacheControl('mutation { setDisplayName(entity: DESTINATION, id: "dst_amplitude", name: "Amplitude") }')).toBe('no-store');
    expect(await cacheControl('{ destination(id: "dst_unknown") { id } }')).toBe('no-store');
    expect(await cacheControl('{ nope }')).toBe('no-store');
  });
});
