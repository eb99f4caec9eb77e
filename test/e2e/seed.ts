import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';
import { openBrowser, type PageHarness } from './browser';

/** The three destinations the page tests look at, one of each kind, with known numbers. */
export const CLASSIC = 'dst_amplitude';
export const ACTIONS = 'dst_braze';
export const STORAGE = 'dst_bigquery';
export const MAPPING = 'track_purchase';
/** A failed-delivery sample of the classic destination carries this message id (trace). */
export const TRACED_MESSAGE = 'm-e2e-traced-1';

/** The traced sample's request and response: the Authorization header and the URL's api_key are redacted at ingest. */
export const EXCHANGE = {
  request: {
    method: 'POST',
    url: 'https://api2.amplitude.com/2/httpapi?api_key=secret-1&batch=1',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer e2e-secret', 'X-Request-Id': 'req-e2e-1' },
    body: { events: [{ event_type: 'Product Viewed', user_id: 'u-1' }] },
  },
  response: { status: 429, headers: { 'Retry-After': '30', 'Content-Type': 'text/plain' }, body: 'Too many requests for this device' },
};

const iso = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

/** Reports 10 minutes ago (inside every lookback range but the 10-minute one) and a day before. */
function classic(): Record<string, unknown>[] {
  const at = (o: Record<string, unknown>, m = 10) => report({ destinationId: CLASSIC, destinationKind: 'classic', ...o }, m);
  return [
    sourceReport({ sourceId: 'src_web', count: 12_480 }, 10),
    sourceReport({ sourceId: 'src_web', step: 'failed_ingest', reason: 'id_required', count: 42 }, 10),
    sourceReport({ sourceId: 'src_web', step: 'filtered_source', reason: 'schema_violation', count: 310, eventName: 'Signed Up' }, 10),
    at({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 820 }),
    at({ step: 'failed_delivery', reason: '429', count: 900, appVersion: '3.9.0' }),
    at({
      step: 'failed_delivery',
      reason: '429',
      count: 100,
      eventName: 'Product Viewed',
      messageId: TRACED_MESSAGE,
      sample: { payload: { event: 'Product Viewed', properties: { sku: 'A-1' } }, error: 'HTTP 429 Too Many Requests', ...EXCHANGE },
    }),
    at({ step: 'failed_delivery', reason: '400', count: 275, sample: { payload: { event: 'Order Completed' }, error: 'HTTP 400 invalid field' } }),
    at({ step: 'delivered', count: 10_033, attempt: 1, latencyMs: 180 }),
    at({ step: 'retry_enqueued', reason: '429', count: 260 }),
    at({ step: 'retry_resolved', count: 180 }),
    sourceReport({ sourceId: 'src_web', messageId: TRACED_MESSAGE, eventName: 'Product Viewed' }, 11),
    sourceReport({ sourceId: 'src_web', count: 11_020 }, 30 * 60),
    at({ step: 'failed_delivery', reason: '429', count: 410 }, 30 * 60),
    at({ step: 'delivered', count: 9_555, attempt: 2, latencyMs: 900 }, 30 * 60),
  ];
}

function actions(): Record<string, unknown>[] {
  const at = (o: Record<string, unknown>, m = 12) => report({ sourceId: 'src_ios', destinationId: ACTIONS, destinationKind: 'actions', ...o }, m);
  return [
    sourceReport({ sourceId: 'src_ios', count: 5_000, eventType: 'identify', eventName: '' }, 12),
    at({ step: 'filtered_destination', reason: 'MAPPING_DISABLED', mappingId: 'identify_user', count: 400 }),
    at({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', mappingId: MAPPING, count: 150 }),
    at({
      step: 'failed_delivery',
      reason: '400',
      mappingId: MAPPING,
      count: 70,
      sample: { payload: { event: 'Order Completed', properties: { total: 12.5 } }, error: 'HTTP 400 missing currency' },
    }),
    at({ step: 'delivered', mappingId: MAPPING, count: 2_100 }),
    at({ step: 'delivered', mappingId: 'identify_user', count: 2_250 }),
    at({ step: 'retry_enqueued', reason: '503', mappingId: MAPPING, count: 9 }),
  ];
}

function storage(): Record<string, unknown>[] {
  const at = (o: Record<string, unknown>, m = 14) => report({ sourceId: 'src_server', destinationId: STORAGE, destinationKind: 'storage', ...o }, m);
  const sync = (id: string, minutesAgo: number, status: string, collections: Record<string, unknown>[], reason?: string) => ({
    type: 'sync',
    destinationId: STORAGE,
    syncId: id,
    startedAt: iso(minutesAgo),
    finishedAt: iso(minutesAgo - 2),
    status,
    collections,
    ...(reason ? { reason } : {}),
  });
  return [
    sourceReport({ sourceId: 'src_server', count: 3_000 }, 14),
    at({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 120 }),
    at({ step: 'delivered', count: 2_880 }),
    sync('sync-ok', 60, 'success', [{ name: 'tracks', rowsSynced: 2000, rowsFailed: 0 }]),
    sync(
      'sync-partial',
      120,
      'partial',
      [
        { name: 'tracks', rowsSynced: 700, rowsFailed: 0 },
        { name: 'orders', rowsSynced: 100, rowsFailed: 80, reason: 'column type mismatch' },
      ],
      'one collection failed',
    ),
    sync('sync-failed', 180, 'failed', [{ name: 'tracks', rowsSynced: 0, rowsFailed: 300, reason: 'warehouse unreachable' }], 'warehouse unreachable'),
  ];
}

export async function seed(t: TestGateway, token: string): Promise<void> {
  const res = await t.ingest(token, [...classic(), ...actions(), ...storage()]);
  if (res.status !== 200) throw new Error(`seeding failed: ${JSON.stringify(res.body).slice(0, 500)}`);
}

/** One gateway holding the seeded destinations and one Chromium, for one test file. */
export async function startPageTest(
  name: string,
  env: Record<string, string> = {},
  options: Parameters<typeof startTestGateway>[2] = {},
): Promise<{ t: TestGateway; token: string; h: PageHarness }> {
  const t = await startTestGateway(name, env, options);
  const token = await t.token(`ws_${name}`, ['read', 'ingest']);
  await seed(t, token);
  return { t, token, h: await openBrowser() };
}

export async function stopPageTest(t: TestGateway | undefined, h: PageHarness | undefined): Promise<void> {
  await h?.browser.close();
  await t?.close();
}
