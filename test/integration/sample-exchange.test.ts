import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { KEPT_HEADERS, KEPT_URLS, SECRET_HEADER_NAMES, URL_CASES, URL_HEADERS } from '../helpers/redaction-cases';

/**
 * A failed delivery's request and response, on the real engine: ingest → discard_samples →
 * GraphQL gives back what was sent, with every secret redacted before storage (the raw table
 * is checked too), bodies cut at SAMPLE_MAX_BYTES on a character boundary, and every broken
 * field refused with its name.
 */
let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('exchange');
  token = await t.token('ws_exchange', ['ingest', 'read']);
});
afterAll(async () => t.close());

const SAMPLES = `{ request { method url headers { name value } body bodyTruncated } response { status headers { name value } body bodyTruncated } }`;

interface Exchange {
  request: { method: string | null; url: string | null; headers: { name: string; value: string }[]; body: string | null; bodyTruncated: boolean } | null;
  response: { status: number | null; headers: { name: string; value: string }[]; body: string | null; bodyTruncated: boolean } | null;
}

async function samplesOf(destinationId: string): Promise<Exchange[]> {
  const res = await t.gql<{ destination: { discards: { samples: Exchange[] }[] } }>(
    token,
    `{ destination(id: "${destinationId}") { discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { samples ${SAMPLES} } } }`,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.destination.discards.flatMap((d) => d.samples);
}

// 20 minutes ago, as the other discard tests report: well inside LAST_HOUR's resolved range.
const failed = (destinationId: string, sample: Record<string, unknown>, reason = '401') =>
  report({ step: 'failed_delivery', reason, destinationId, sample: { error: 'HTTP error', ...sample } }, 20);

describe('sample.request and sample.response', () => {
  it('round trip: what GraphQL gives back is what was sent, secrets redacted', async () => {
    const request = {
      method: 'POST',
      url: 'https://api.example.com/v2/track?batch=1',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk_live_123', 'X-Idempotency-Key': 'b-77' },
      body: { events: [{ event: 'Order Completed', total: 12.5 }] },
    };
    const response = { status: 401, headers: { 'content-type': 'text/plain', 'retry-after': '30' }, body: 'invalid api key' };
    expect((await t.ingest(token, [failed('dst_rt', { request, response })])).status).toBe(200);
    expect(await samplesOf('dst_rt')).toEqual([
      {
        request: {
          method: 'POST',
          url: 'https://api.example.com/v2/track?batch=1',
          headers: [
            { name: 'Content-Type', value: 'application/json' },
            { name: 'Authorization', value: '[redacted]' },
            { name: 'X-Idempotency-Key', value: 'b-77' },
          ],
          body: JSON.stringify(request.body),
          bodyTruncated: false,
        },
        response: {
          status: 401,
          headers: [
            { name: 'content-type', value: 'text/plain' },
            { name: 'retry-after', value: '30' },
          ],
          body: 'invalid api key',
          bodyTruncated: false,
        },
      },
    ]);
  });

  it('redacts every kind of secret header, in requests and responses, before storage', async () => {
    const secret = [
      'authorization',
      'Proxy-Authorization',
      'Cookie',
      'set-cookie',
      'X-API-Key',
      'api-key',
      'x-auth-token',
      'X-CSRF-Token',
      'x-client-secret',
      'x-db-password',
      'x-goog-api-key',
      'x-amz-credential',
      'apikey',
    ];
    const kept = ['content-type', 'x-idempotency-key', 'Idempotency-Key', 'retry-after', 'x-request-id', 'x-ratelimit-remaining'];
    const headers = Object.fromEntries([...secret, ...kept].map((n) => [n, `value-of-${n}`]));
    expect((await t.ingest(token, [failed('dst_headers', { request: { headers }, response: { headers } })])).status).toBe(200);
    const [s] = await samplesOf('dst_headers');
    for (const part of [s.request!, s.response!]) {
      const got = Object.fromEntries(part.headers.map((h) => [h.name, h.value]));
      expect(got).toEqual(Object.fromEntries([...secret.map((n) => [n, '[redacted]']), ...kept.map((n) => [n, `value-of-${n}`])]));
    }
    const raw = await t.sql<{ n: number }>(
      "SELECT count() AS n FROM {{db}}.discard_samples WHERE workspace_id = 'ws_exchange' AND (request LIKE '%value-of-authorization%' OR response LIKE '%value-of-Cookie%')",
    );
    expect(Number(raw[0].n)).toBe(0);
  });

  it('redacts URL userinfo and secret-named query and fragment parameters', async () => {
    const cases: [string, string][] = [
      ['https://user:pa55@api.example.com/track', 'https://[redacted]@api.example.com/track'],
      ['https://api.example.com/v1?api_key=k1&page=2&access_token=t1', 'https://api.example.com/v1?api_key=[redacted]&page=2&access_token=[redacted]'],
      [
        'https://hooks.example.com/x?key=AIza&sig=abc&X-Amz-Signature=ff#access_token=t2&state=s',
        'https://hooks.example.com/x?key=[redacted]&sig=[redacted]&X-Amz-Signature=[redacted]#access_token=[redacted]&state=s',
      ],
      ['https://api.example.com/v1?client%5Fsecret=c&idempotency_key=i', 'https://api.example.com/v1?client%5Fsecret=[redacted]&idempotency_key=i'],
      ['/relative/path?password=p', '/relative/path?password=[redacted]'],
    ];
    const batch = cases.map(([url], i) => failed('dst_urls', { request: { url } }, `URL_${i}`));
    expect((await t.ingest(token, batch)).status).toBe(200);
    const res = await t.gql<{ destination: { discards: { reason: { code: string }; samples: Exchange[] }[] } }>(
      token,
      `{ destination(id: "dst_urls") { discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { reason { code } samples { request { url } } } } }`,
    );
    const byReason = Object.fromEntries(res.body.data!.destination.discards.map((d) => [d.reason.code, d.samples[0].request!.url]));
    expect(cases.map((_, i) => byReason[`URL_${i}`])).toEqual(cases.map(([, redacted]) => redacted));
  });

  it('cuts a body over SAMPLE_MAX_BYTES on a character boundary and says so', async () => {
    const body = 'a' + '😀'.repeat(3000); // 12,001 bytes: the 8,192-byte cut falls inside an emoji
    expect((await t.ingest(token, [failed('dst_cut', { request: { body }, response: { status: 500, body: { s: 'é'.repeat(5000) } } })])).status).toBe(200);
    const [s] = await samplesOf('dst_cut');
    expect(s.request!.bodyTruncated).toBe(true);
    expect(body.startsWith(s.request!.body!)).toBe(true);
    expect(Buffer.byteLength(s.request!.body!)).toBe(1 + 4 * 2047);
    expect(s.response!.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(s.response!.body!)).toBeLessThanOrEqual(8192);
    expect(JSON.stringify({ s: 'é'.repeat(5000) }).startsWith(s.response!.body!)).toBe(true);
  });

  it('a sample without an exchange reads request and response as null', async () => {
    expect((await t.ingest(token, [failed('dst_none', { payload: { a: 1 } })])).status).toBe(200);
    expect(await samplesOf('dst_none')).toEqual([{ request: null, response: null }]);
  });

  it('refuses a broken exchange with one error per field, and stores nothing', async () => {
    const batch = [
      failed('dst_bad', {
        request: { method: 'GET /', url: 'x'.repeat(2049), headers: { 'bad name': 'v', ok: 7 }, body: 'ok', extra: 1 },
        response: { status: 600 },
      }),
      failed('dst_bad', { request: 'GET', response: { status: 200.5, headers: ['a'] } }),
      failed('dst_bad', { request: { headers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`h${i}`, 'v'])) }, response: { body: '\ud800' } }),
      report({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', destinationId: 'dst_bad', sample: { request: { method: 'POST' } } }, 3),
    ];
    const res = await t.ingest(token, batch);
    expect(res.status).toBe(400);
    const errors = (res.body.error.errors as { index: number; field: string; reason: string }[]).map((e) => [e.index, e.field, e.reason]);
    expect(errors).toEqual([
      [0, 'sample.request.extra', 'unknown field'],
      [0, 'sample.request.method', "must be an HTTP method (letters, digits and !#$%&'*+.^_`|~-)"],
      [0, 'sample.request.url', 'must be at most 2048 characters'],
      [0, 'sample.request.headers.bad name', "a header name must be 1-256 characters of an HTTP token (letters, digits and !#$%&'*+.^_`|~-)"],
      [0, 'sample.request.headers.ok', 'must be a string'],
      [0, 'sample.response.status', 'must be an integer from 100 to 599'],
      [1, 'sample.request', 'must be an object { method, url, headers, body }'],
      [1, 'sample.response.status', 'must be an integer from 100 to 599'],
      [1, 'sample.response.headers', 'must be an object of header names to string values'],
      [2, 'sample.request.headers', 'at most 50 headers'],
      [2, 'sample.response.body', 'must be valid Unicode: unpaired surrogate \\ud800 at character 0'],
      [3, 'sample.request', 'is only allowed on failed_delivery samples: the other discard steps never reached a destination'],
    ]);
    const raw = await t.sql<{ n: number }>("SELECT count() AS n FROM {{db}}.discard_samples WHERE workspace_id = 'ws_exchange' AND destination_id = 'dst_bad'");
    expect(Number(raw[0].n)).toBe(0);
  });
});

/**
 * Issue 23 item 3: every secret the review found returned in clear goes through the real ingest
 * and comes back redacted over GraphQL, with no copy in the raw table; harmless values are kept;
 * and a row stored under the older rules is redacted when it is read.
 */
describe('issue 23: secrets that got past redaction, on every path', () => {
  const headersOf = (part: { headers: { name: string; value: string }[] }) => part.headers.map((h) => [h.name, h.value]);

  it('redacts the review’s header names and URL-valued headers, in requests and responses, and keeps harmless ones', async () => {
    const sent: [string, string][] = [
      ...SECRET_HEADER_NAMES.map((n): [string, string] => [n, `value-of-${n}`]),
      ...KEPT_HEADERS.filter(([n]) => n !== 'Location'),
    ];
    const batch = URL_HEADERS.map(([name, value], i) =>
      failed(
        'dst_i23_headers',
        { request: { headers: Object.fromEntries([...sent, [name, value]]) }, response: { headers: Object.fromEntries([...sent, [name, value]]) } },
        `H_${i}`,
      ),
    );
    expect((await t.ingest(token, batch)).status).toBe(200);
    const res = await t.gql<{ destination: { discards: { reason: { code: string }; samples: Exchange[] }[] } }>(
      token,
      `{ destination(id: "dst_i23_headers") { discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { reason { code } samples ${SAMPLES} } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const byReason = new Map(res.body.data!.destination.discards.map((d) => [d.reason.code, d.samples[0]]));
    URL_HEADERS.forEach(([name, , kept], i) => {
      const expected = [...SECRET_HEADER_NAMES.map((n) => [n, '[redacted]']), ...KEPT_HEADERS.filter(([n]) => n !== 'Location'), [name, kept]];
      const s = byReason.get(`H_${i}`)!;
      expect([name, headersOf(s.request!)]).toEqual([name, expected]);
      expect([name, headersOf(s.response!)]).toEqual([name, expected]);
    });
    const raw = await t.sql<{ n: number }>(
      "SELECT count() AS n FROM {{db}}.discard_samples WHERE workspace_id = 'ws_exchange' AND destination_id = 'dst_i23_headers' AND (request LIKE '%value-of-%' OR response LIKE '%hunter2%' OR request LIKE '%at-1%')",
    );
    expect(Number(raw[0].n)).toBe(0);
  });

  it('redacts userinfo wherever a URL parser finds it and the review’s parameters, and keeps harmless URLs and bodies', async () => {
    const urls: [string, string][] = [...URL_CASES, ...KEPT_URLS.map((u): [string, string] => [u, u])];
    const body = { event: 'Order Completed', properties: { plan: 'pro' } };
    const batch = urls.map(([url], i) => failed('dst_i23_urls', { request: { url, body } }, `U_${i}`));
    expect((await t.ingest(token, batch)).status).toBe(200);
    const res = await t.gql<{ destination: { discards: { reason: { code: string }; samples: Exchange[] }[] } }>(
      token,
      `{ destination(id: "dst_i23_urls") { discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { reason { code } samples { request { url body } } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const byReason = new Map(res.body.data!.destination.discards.map((d) => [d.reason.code, d.samples[0].request!]));
    expect(urls.map((_, i) => byReason.get(`U_${i}`)!.url)).toEqual(urls.map(([, kept]) => kept));
    expect(urls.map((_, i) => byReason.get(`U_${i}`)!.body)).toEqual(urls.map(() => JSON.stringify(body)));
  });

  it('redacts a row stored under the older rules when it is read', async () => {
    const request = JSON.stringify({
      method: 'GET',
      url: 'HTTPS:/u:hunter2@h.example/x?jwt=eyJ.a.b',
      headers: [
        { name: 'X-Authorization', value: 'Bearer old-secret' },
        { name: 'Referer', value: 'https://h.example/?token=old-token' },
      ],
      body: 'b',
      bodyTruncated: false,
    });
    const response = JSON.stringify({
      status: 401,
      headers: [
        { name: 'Set-Cookie2', value: 'sid=old-cookie' },
        { name: 'Retry-After', value: '30' },
      ],
      body: '',
      bodyTruncated: false,
    });
    // The count the discard table lists the sample under, then the sample as an older gateway stored it.
    expect((await t.ingest(token, [report({ step: 'failed_delivery', reason: '401', destinationId: 'dst_i23_old' }, 20)])).status).toBe(200);
    await t.gateway.db.command({
      family: 'test',
      sql: `INSERT INTO ${t.gateway.db.database}.discard_samples (time, workspace_id, destination_id, source_id, step, reason, error, request, response)
            VALUES (now64(3) - 1200, 'ws_exchange', 'dst_i23_old', 'src_web', 'failed_delivery', '401', 'e', {request:String}, {response:String})`,
      params: { request, response },
    });
    const [s] = await samplesOf('dst_i23_old');
    expect(s.request!.url).toBe('HTTPS:/[redacted]@h.example/x?jwt=[redacted]');
    expect(headersOf(s.request!)).toEqual([
      ['X-Authorization', '[redacted]'],
      ['Referer', 'https://h.example/?token=[redacted]'],
    ]);
    expect(headersOf(s.response!)).toEqual([
      ['Set-Cookie2', '[redacted]'],
      ['Retry-After', '30'],
    ]);
  });
});
