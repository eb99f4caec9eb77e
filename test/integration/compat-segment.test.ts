import {
  DeliveryOverviewApi,
  unwrap,
  type DeliveryOverviewFilterBy,
  type GetEgressFailedMetricsFromDeliveryOverview200Response,
} from '@segment/public-api-sdk-typescript';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The reference's official TypeScript SDK against the compat endpoints of a real
 * gateway: every endpoint, every groupBy, filters, pages, refusals; and every answer
 * equal to what GraphQL says for the same range (timeseries, pipeline, breakdown with
 * lookback off).
 */
let t: TestGateway;
let token: string;
let api: DeliveryOverviewApi;
const MINUTE = 60_000;
const now = Date.now();
const startTime = new Date(Math.floor((now - 180 * MINUTE) / MINUTE) * MINUTE).toISOString();
const endTime = new Date(Math.floor(now / MINUTE) * MINUTE + MINUTE).toISOString();
const RANGE = { from: startTime, to: endTime, lookback: false };
type Granularity = 'day' | 'hour' | 'minute';
type Answer = GetEgressFailedMetricsFromDeliveryOverview200Response;

const names = ['Order Completed', 'Signed Up', 'Page Viewed', 'Cart Viewed', 'Logged In'];
const versions = ['1.0.0', '2.0.0'];

/** src_a feeds dst_one (classic) alone; src_a and src_b feed dst_two (actions, mappings map_x and map_y). */
function dataset(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 30; i++) {
    const ago = 5 + i * 5;
    const ev = { eventName: names[i % names.length], eventType: i % 4 === 0 ? 'identify' : 'track', appVersion: versions[i % 2] };
    for (const sourceId of ['src_a', 'src_b']) {
      const n = sourceId === 'src_a' ? 10 + i : 8 + (i % 4);
      out.push(sourceReport({ sourceId, count: n, ...ev }, ago));
      out.push(sourceReport({ sourceId, step: 'failed_ingest', reason: ['id_required', 'empty_batch'][i % 2], count: 1 + (i % 2), ...ev }, ago));
      out.push(sourceReport({ sourceId, step: 'filtered_source', reason: ['schema_violation', 'tracking_plan'][i % 2], count: 2, ...ev }, ago));
      const dests = sourceId === 'src_a' ? ['dst_one', 'dst_two'] : ['dst_two'];
      for (const destinationId of dests) {
        const actions = destinationId === 'dst_two' ? { destinationKind: 'actions', mappingId: i % 3 === 0 ? 'map_x' : 'map_y' } : {};
        const d = { sourceId, destinationId, ...actions, ...ev };
        out.push(report({ ...d, step: 'filtered_destination', reason: ['FILTERED_BY_RULES', 'CONSENT'][i % 2], count: 1 }, ago));
        out.push(report({ ...d, step: 'failed_delivery', reason: ['500', '429', '400'][i % 3], count: 1 + (i % 3) }, ago));
        out.push(report({ ...d, step: 'delivered', count: n - 5 }, ago));
      }
    }
  }
  return out;
}

const SERIES = `query($id: ID!, $step: PipelineStepKind!, $range: TimeRangeInput!, $g: Granularity!, $groupBy: [Dimension!], $filter: EventFilter, $mapping: ID) {
  destination(id: $id) { timeseries(step: $step, range: $range, granularity: $g, groupBy: $groupBy, filter: $filter, mappingId: $mapping) {
    eventType eventName appVersion reason total points { at count } } } }`;
const PIPELINE = `query($id: ID!, $range: TimeRangeInput!) { destination(id: $id) { pipeline(range: $range) { steps { kind count } } } }`;
const BREAKDOWN = `query($id: ID!, $step: PipelineStepKind!, $range: TimeRangeInput!) { destination(id: $id) { breakdown(step: $step, range: $range, first: 100) { eventType eventName appVersion count } } }`;

interface GqlSeries {
  eventType: string | null;
  eventName: string | null;
  appVersion: string | null;
  reason: string | null;
  total: number;
  points: { at: string; count: number }[];
}

const DIMENSION = { eventName: 'EVENT_NAME', eventType: 'EVENT_TYPE', appVersion: 'APP_VERSION', discardReason: 'REASON' } as const;
type Dim = keyof typeof DIMENSION;

/** GraphQL's timeseries in the reference's dataset shape. */
async function graphqlDataset(id: string, step: string, granularity: Granularity, groupBy: Dim[] = [], filter?: Record<string, string[]>, mapping?: string) {
  const res = await t.gql<{ destination: { timeseries: GqlSeries[] } }>(token, SERIES, {
    id,
    step,
    range: RANGE,
    g: granularity.toUpperCase(),
    groupBy: groupBy.map((d) => DIMENSION[d]),
    filter,
    mapping,
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.destination.timeseries.map((s) => ({
    ...(groupBy.includes('eventName') ? { eventName: s.eventName } : {}),
    ...(groupBy.includes('appVersion') ? { appVersion: s.appVersion } : {}),
    ...(groupBy.includes('eventType') ? { eventType: s.eventType } : {}),
    ...(groupBy.includes('discardReason') ? { discardReason: s.reason } : {}),
    total: s.total,
    series: s.points.map((p) => ({ time: p.at, count: p.count })),
  }));
}

/** The SDK's answer as plain JSON (its model classes carry undefined for absent fields). */
const plain = (a: Answer) =>
  JSON.parse(JSON.stringify(a)) as { data: { total: number; dataset: Record<string, unknown>[]; pagination: Record<string, unknown> } };

interface Call {
  endpoint: string;
  step: string;
  destination: boolean;
}
const ENDPOINTS: Call[] = [
  { endpoint: 'successfully-received', step: 'SUCCESSFULLY_RECEIVED', destination: false },
  { endpoint: 'failed-on-ingest', step: 'FAILED_ON_INGEST', destination: false },
  { endpoint: 'filtered-at-source', step: 'FILTERED_AT_SOURCE', destination: false },
  { endpoint: 'filtered-at-destination', step: 'FILTERED_AT_DESTINATION', destination: true },
  { endpoint: 'failed-delivery', step: 'FAILED_DELIVERY', destination: true },
  { endpoint: 'successful-delivery', step: 'SUCCESSFUL_DELIVERY', destination: true },
];

/** One SDK call by endpoint name, with the SDK's own argument order. */
async function call(
  endpoint: string,
  o: {
    source?: string;
    dest?: string;
    granularity?: Granularity;
    count?: number;
    cursor?: string;
    groupBy?: Dim[];
    filter?: DeliveryOverviewFilterBy;
    subscription?: string;
    start?: string;
    end?: string;
  } = {},
) {
  const [s, d, st, en, g, p] = [
    o.source ?? 'src_a',
    o.dest ?? 'dst_one',
    o.start ?? startTime,
    o.end ?? endTime,
    o.granularity ?? 'hour',
    { count: o.count ?? 1000, cursor: o.cursor },
  ];
  const res = await {
    'successfully-received': () => api.getIngressSuccessMetricsFromDeliveryOverview(s, st, en, g, p, o.groupBy, o.filter),
    'failed-on-ingest': () => api.getIngressFailedMetricsFromDeliveryOverview(s, st, en, g, p, o.groupBy, o.filter),
    'filtered-at-source': () => api.getFilteredAtSourceMetricsFromDeliveryOverview(s, st, en, g, p, o.groupBy, o.filter),
    'filtered-at-destination': () => api.getFilteredAtDestinationMetricsFromDeliveryOverview(s, d, st, en, g, p, o.groupBy, o.filter, o.subscription),
    'failed-delivery': () => api.getEgressFailedMetricsFromDeliveryOverview(s, d, st, en, g, p, o.groupBy, o.filter, o.subscription),
    'successful-delivery': () => api.getEgressSuccessMetricsFromDeliveryOverview(s, d, st, en, g, p, o.groupBy, o.filter, o.subscription),
  }[endpoint]!();
  expect(res.response.statusCode).toBe(200);
  return plain(res.body);
}

/** The SDK's rejection: status and the reference's error envelope. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ status: number; errors: { type: string; message: string; field?: string; status: number }[]; headers: Record<string, unknown> }> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  // The SDK is compiled to ES5, where a subclass of Error loses its prototype: check the name.
  expect((err as Error).name).toBe('HttpError');
  const h = err as { statusCode: number; body: { errors: never }; response: { headers: Record<string, unknown> } };
  return { status: h.statusCode, errors: h.body.errors, headers: h.response.headers };
}

beforeAll(async () => {
  t = await startTestGateway('compat_segment');
  token = await t.token('ws_c', ['read', 'ingest']);
  const rows = dataset();
  for (let i = 0; i < rows.length; i += 400) expect((await t.ingest(token, rows.slice(i, i + 400))).status).toBe(200);
  api = new DeliveryOverviewApi(`${t.url}/compat/segment`);
  api.accessToken = token;
});
afterAll(async () => t.close());

describe('Segment-compatible delivery overview, through the official SDK', () => {
  it.each(ENDPOINTS)('$endpoint equals the GraphQL timeseries and pipeline of the same range', async ({ endpoint, step }) => {
    for (const granularity of ['minute', 'hour', 'day'] as const) {
      const answer = await call(endpoint, { granularity });
      expect(answer.data.dataset).toEqual(await graphqlDataset('dst_one', step, granularity));
      expect(answer.data.pagination).toEqual({ current: 'MA==', next: null, previous: null, totalEntries: 1 });
    }
    const pipeline = await t.gql<{ destination: { pipeline: { steps: { kind: string; count: number }[] } } }>(token, PIPELINE, { id: 'dst_one', range: RANGE });
    const count = pipeline.body.data!.destination.pipeline.steps.find((s) => s.kind === step)!.count;
    expect(count).toBeGreaterThan(0);
    expect((await call(endpoint)).data.total).toBe(count);
  });

  it.each(ENDPOINTS)('$endpoint groups by each dimension it takes, like GraphQL', async ({ endpoint, step }) => {
    const dims: Dim[] =
      endpoint === 'successfully-received' || endpoint === 'successful-delivery'
        ? ['eventName', 'eventType', 'appVersion']
        : ['eventName', 'eventType', 'appVersion', 'discardReason'];
    for (const d of dims) {
      const answer = await call(endpoint, { groupBy: [d] });
      expect(answer.data.dataset).toEqual(await graphqlDataset('dst_one', step, 'hour', [d]));
      expect(answer.data.dataset.length).toBeGreaterThan(1);
      expect(answer.data.pagination.totalEntries).toBe(answer.data.dataset.length);
    }
  });

  it('groups by several dimensions, equal to the breakdown table', async () => {
    const answer = await call('successful-delivery', { groupBy: ['eventType', 'eventName', 'appVersion'] });
    const res = await t.gql<{ destination: { breakdown: { eventType: string; eventName: string; appVersion: string; count: number }[] } }>(token, BREAKDOWN, {
      id: 'dst_one',
      step: 'SUCCESSFUL_DELIVERY',
      range: RANGE,
    });
    const byKey = (r: { eventType?: unknown; eventName?: unknown; appVersion?: unknown }) => `${r.eventType}/${r.eventName}/${r.appVersion}`;
    const breakdown = Object.fromEntries(res.body.data!.destination.breakdown.map((b) => [byKey(b), b.count]));
    expect(Object.fromEntries(answer.data.dataset.map((d) => [byKey(d), d.total]))).toEqual(breakdown);
  });

  it('filters by event name, type, version and discard reason', async () => {
    const byName = await call('failed-delivery', { filter: { eventName: ['Signed Up', 'Cart Viewed'] }, groupBy: ['eventName'] });
    expect(byName.data.dataset).toEqual(
      await graphqlDataset('dst_one', 'FAILED_DELIVERY', 'hour', ['eventName'], { eventNames: ['Signed Up', 'Cart Viewed'] }),
    );
    expect(byName.data.dataset.map((d) => d.eventName).sort()).toEqual(['Cart Viewed', 'Signed Up']);
    const byType = await call('successfully-received', { filter: { eventType: ['identify'], appVersion: ['1.0.0'] } });
    expect(byType.data.dataset).toEqual(
      await graphqlDataset('dst_one', 'SUCCESSFULLY_RECEIVED', 'hour', [], { eventTypes: ['identify'], appVersions: ['1.0.0'] }),
    );
    const byReason = await call('failed-on-ingest', { filter: { discardReason: ['empty_batch'] } });
    const reasons = await graphqlDataset('dst_one', 'FAILED_ON_INGEST', 'hour', ['discardReason']);
    expect(byReason.data.dataset).toEqual([
      { total: reasons.find((r) => r.discardReason === 'empty_batch')!.total, series: reasons.find((r) => r.discardReason === 'empty_batch')!.series },
    ]);
  });

  it('pages through the grouped dataset with the cursors it returns, in a stable order', async () => {
    const all = await call('failed-delivery', { groupBy: ['eventName', 'discardReason'] });
    expect(all.data.pagination.totalEntries).toBeGreaterThan(5);
    const pages: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let previous: unknown = null;
    for (let i = 0; i < 20; i++) {
      const page = await call('failed-delivery', { groupBy: ['eventName', 'discardReason'], count: 4, cursor });
      expect(page.data.total).toBe(all.data.total);
      expect(page.data.pagination).toMatchObject({ previous, totalEntries: all.data.pagination.totalEntries });
      pages.push(...page.data.dataset);
      if (page.data.pagination.next === null) break;
      previous = page.data.pagination.current;
      cursor = page.data.pagination.next as string;
    }
    expect(pages).toEqual(all.data.dataset);
    const totals = pages.map((p) => p.total as number);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
  });

  it('narrows a destination to the events of one source, and to one subscription (mapping)', async () => {
    const rows = dataset().filter((r) => r.destinationId === 'dst_two' && r.step === 'delivered');
    const sum = (rs: Record<string, unknown>[]) => rs.reduce((n, r) => n + (r.count as number), 0);
    const fromB = await call('successful-delivery', { source: 'src_b', dest: 'dst_two' });
    expect(fromB.data.total).toBe(sum(rows.filter((r) => r.sourceId === 'src_b')));
    const all = await graphqlDataset('dst_two', 'SUCCESSFUL_DELIVERY', 'hour');
    expect(all[0].total).toBe(sum(rows));
    const mapped = await call('successful-delivery', { source: 'src_a', dest: 'dst_two', subscription: 'map_x' });
    expect(mapped.data.total).toBe(sum(rows.filter((r) => r.sourceId === 'src_a' && r.mappingId === 'map_x')));
  });

  it('refuses a range wider than the granularity allows, or outside the 14 days kept, with 422 input-validation', async () => {
    const wide = await refusal(
      api.getIngressSuccessMetricsFromDeliveryOverview('src_a', new Date(now - 5 * 60 * MINUTE).toISOString(), endTime, 'minute', { count: 10 }),
    );
    expect(wide).toMatchObject({ status: 422, errors: [{ type: 'input-validation', field: 'granularity', status: 422 }] });
    const old = await refusal(
      api.getIngressSuccessMetricsFromDeliveryOverview('src_a', new Date(now - 20 * 24 * 60 * MINUTE).toISOString(), endTime, 'day', { count: 10 }),
    );
    expect(old).toMatchObject({ status: 422, errors: [{ type: 'input-validation', field: 'startTime' }] });
    const minuteOld = await refusal(
      api.getIngressSuccessMetricsFromDeliveryOverview(
        'src_a',
        new Date(now - 50 * 60 * MINUTE).toISOString(),
        new Date(now - 47 * 60 * MINUTE).toISOString(),
        'minute',
        { count: 10 },
      ),
    );
    expect(minuteOld.errors[0]).toMatchObject({ field: 'startTime' });
    const several = await refusal(
      api.getEgressSuccessMetricsFromDeliveryOverview('src_a', 'dst_one', 'yesterday', endTime, 'week' as Granularity, { count: 5000 }, ['discardReason']),
    );
    expect(several.errors.map((e) => e.field).sort()).toEqual(['granularity', 'groupBy', 'pagination.count', 'startTime']);
  });

  it('answers 401 for a bad token, 404 for unknown ids, and unwrap rethrows the first error', async () => {
    const bad = new DeliveryOverviewApi(`${t.url}/compat/segment`);
    bad.accessToken = 'dov_not_a_real_token_000000000000';
    const refused = await refusal(bad.getIngressSuccessMetricsFromDeliveryOverview('src_a', startTime, endTime, 'hour', { count: 10 }));
    expect(refused).toMatchObject({ status: 401, errors: [{ type: 'unauthorized', status: 401 }] });
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    await expect(unwrap(bad.getIngressSuccessMetricsFromDeliveryOverview('src_a', startTime, endTime, 'hour', { count: 10 }))).rejects.toMatchObject({
      type: 'unauthorized',
    });
    const ingestOnly = new DeliveryOverviewApi(`${t.url}/compat/segment`);
    ingestOnly.accessToken = await t.token('ws_c', ['ingest']);
    expect((await refusal(ingestOnly.getIngressSuccessMetricsFromDeliveryOverview('src_a', startTime, endTime, 'hour', { count: 10 }))).status).toBe(401);
    for (const [promise, field] of [
      [api.getIngressSuccessMetricsFromDeliveryOverview('src_nope', startTime, endTime, 'hour', { count: 10 }), 'sourceId'],
      [api.getEgressFailedMetricsFromDeliveryOverview('src_a', 'dst_nope', startTime, endTime, 'hour', { count: 10 }), 'destinationConfigId'],
      [api.getEgressFailedMetricsFromDeliveryOverview('src_b', 'dst_one', startTime, endTime, 'hour', { count: 10 }), 'destinationConfigId'],
      [
        api.getEgressFailedMetricsFromDeliveryOverview('src_a', 'dst_two', startTime, endTime, 'hour', { count: 10 }, undefined, undefined, 'map_nope'),
        'subscriptionId',
      ],
    ] as const) {
      expect(await refusal(promise)).toMatchObject({ status: 404, errors: [{ type: 'not-found', field }] });
    }
  });

  it('reads the query encodings other clients use (dots, repeats, commas) the same way, in one statement', async () => {
    const q = `sourceId=src_a&destinationConfigId=dst_one&startTime=${encodeURIComponent(startTime)}&endTime=${encodeURIComponent(endTime)}&granularity=HOUR`;
    const get = async (extra: string) => {
      const res = await fetch(`${t.url}/compat/segment/delivery-overview/failed-delivery?${q}&${extra}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return res.json();
    };
    const sdk = await call('failed-delivery', { groupBy: ['eventName', 'discardReason'], filter: { appVersion: ['2.0.0'] }, count: 3 });
    expect(await get('groupBy=eventName,discardReason&filter.appVersion=2.0.0&pagination.count=3')).toEqual(sdk);
    expect(await get('groupBy=eventName&groupBy=discardReason&filter[appVersion][]=2.0.0&pagination[count]=3')).toEqual(sdk);
    const { families } = await t.countQueries(() => get('groupBy=eventName&pagination.count=3'));
    expect(families).toEqual(['timeseries']);
  });
});

describe('endpoint names that are properties of every object (tracker issue 23, item 7)', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('%s is 404, not 500', async (name) => {
    const res = await fetch(`${t.url}/compat/segment/delivery-overview/${name}?sourceId=src_a`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
  });
});

describe('rate limit and CORS of the compat endpoints', () => {
  let limited: TestGateway;
  beforeAll(async () => {
    limited = await startTestGateway('compat_limits', { QUERY_RATE_PER_SECOND: '1', QUERY_RATE_BURST: '1', CORS_ORIGINS: 'https://app.example' });
  });
  afterAll(async () => limited.close());

  it('shares the workspace rate with GraphQL: 429 Too many requests with Retry-After', async () => {
    const tok = await limited.token('ws_l', ['read']);
    expect((await limited.gql(tok, '{ destinations { id } }')).status).toBe(200);
    const sdk = new DeliveryOverviewApi(`${limited.url}/compat/segment`);
    sdk.accessToken = tok;
    // One operation a second: of a few calls in a row, one is refused however slow this machine is.
    let r = await refusal(sdk.getIngressSuccessMetricsFromDeliveryOverview('src_a', startTime, endTime, 'hour', { count: 10 }));
    for (let i = 0; i < 5 && r.status !== 429; i++)
      r = await refusal(sdk.getIngressSuccessMetricsFromDeliveryOverview('src_a', startTime, endTime, 'hour', { count: 10 }));
    expect(r).toMatchObject({ status: 429, errors: [{ type: 'RequestError', message: 'Too many requests', status: 429 }] });
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect((r.errors[0] as unknown as { data: { msBeforeNext: number } }).data.msBeforeNext).toBe(Number(r.headers['retry-after']) * 1000);
  });

  it('answers a preflight from an allowed origin and marks answers for it', async () => {
    const url = `${limited.url}/compat/segment/delivery-overview/successfully-received`;
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET');
    const other = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(other.status).toBe(403);
    const answer = await fetch(url, { headers: { origin: 'https://app.example' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});
