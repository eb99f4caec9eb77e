import type { TestGateway } from '../helpers/gateway';
import { report } from '../helpers/gateway';
import { expectAxeClean, pipelineCounts, rowCounts, TIME_ZONE, type PageHarness } from './browser';
import { startPageTest, stopPageTest } from './seed';

/**
 * The two connection kinds on the page: a Reverse ETL destination's pipeline, its sync runs and
 * one run's detail, its records by operation and mapping; an audience destination's pipeline
 * and its changes by audience and change. Every number the page shows (through the stable
 * hooks) equals what a GraphQL query made by the test answers for the same range.
 */
let t: TestGateway;
let token = '';
let h: PageHarness;
const RETL = 'dst_crm_retl';
const AUDIENCE = 'dst_ads_audience';
const RANGE = { preset: 'LAST_24_HOURS', timeZone: TIME_ZONE, lookback: true };

function seedConnections(): Record<string, unknown>[] {
  const none = { eventType: undefined, eventName: undefined, appVersion: undefined };
  const retl = (o: Record<string, unknown>, m: number) => report({ ...none, sourceId: 'src_models', destinationId: RETL, destinationKind: 'retl', ...o }, m);
  const run = (syncId: string, m: number, failing: boolean) => [
    retl({ step: 'extracted', syncId, operation: 'added', count: 120 }, m),
    retl({ step: 'extracted', syncId, operation: 'updated', count: 400 }, m),
    retl({ step: 'extracted', syncId, operation: 'removed', count: 30 }, m),
    retl({ step: 'failed_extract', syncId, operation: 'updated', reason: failing ? 'SCHEMA_CHANGED' : 'PRIMARY_KEY_MISSING', count: failing ? 300 : 4 }, m),
    retl({ step: 'filtered_destination', syncId, operation: 'removed', mappingId: 'map_accounts', reason: 'OPERATION_NOT_SYNCED', count: 30 }, m),
    retl({ step: 'failed_delivery', syncId, operation: 'added', mappingId: 'map_accounts', reason: '401', count: failing ? 120 : 1 }, m),
    retl({ step: 'delivered', syncId, operation: 'added', mappingId: 'map_contacts', count: failing ? 1 : 119 }, m),
    retl({ step: 'delivered', syncId, operation: 'updated', mappingId: 'map_contacts', count: failing ? 100 : 390 }, m),
  ];
  const aud = (o: Record<string, unknown>) => report({ ...none, sourceId: 'src_space', destinationId: AUDIENCE, destinationKind: 'audience', ...o }, 20);
  return [
    ...run('run-0900', 90, false),
    ...run('run-1000', 30, true),
    aud({ step: 'computed', audienceId: 'aud_buyers', spaceId: 'spa_main', operation: 'entered', count: 500 }),
    aud({ step: 'computed', audienceId: 'aud_buyers', spaceId: 'spa_main', operation: 'exited', count: 120 }),
    aud({ step: 'computed', audienceId: 'aud_lapsed', spaceId: 'spa_life', operation: 'entered', count: 80 }),
    aud({ step: 'filtered_destination', audienceId: 'aud_buyers', spaceId: 'spa_main', operation: 'entered', reason: 'NO_MATCHING_IDENTIFIER', count: 40 }),
    aud({ step: 'failed_delivery', audienceId: 'aud_lapsed', spaceId: 'spa_life', operation: 'entered', reason: 'AUDIENCE_NOT_FOUND', count: 80 }),
    aud({ step: 'delivered', audienceId: 'aud_buyers', spaceId: 'spa_main', operation: 'entered', count: 450 }),
    aud({ step: 'delivered', audienceId: 'aud_buyers', spaceId: 'spa_main', operation: 'exited', count: 110 }),
    aud({ step: 'retry_enqueued', audienceId: 'aud_buyers', spaceId: 'spa_main', operation: 'exited', reason: '429', count: 10 }),
  ];
}

beforeAll(async () => {
  ({ t, token, h } = await startPageTest('page_connections'));
  const res = await t.ingest(token, seedConnections());
  if (res.status !== 200) throw new Error(`seeding failed: ${JSON.stringify(res.body).slice(0, 500)}`);
});
afterAll(() => stopPageTest(t, h));

async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(token, query, { range: RANGE, ...variables });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data!;
}

async function apiPipeline(id: string): Promise<Record<string, number>> {
  const data = await api<{ destination: { pipeline: { steps: { kind: string; count: number }[] } } }>(
    'query($id: ID!, $range: TimeRangeInput!) { destination(id: $id) { pipeline(range: $range) { steps { kind count } } } }',
    { id },
  );
  return Object.fromEntries(data.destination.pipeline.steps.map((s) => [s.kind, s.count]));
}

describe('Reverse ETL and audience destinations on the page', () => {
  it('Reverse ETL: every step and the retry label equal the API; the sync runs and a run detail too', async () => {
    await h.page.goto(`${t.url}/#token=${token}`);
    await h.page.waitForSelector('tr[data-destination]');
    await h.page.goto(`${t.url}/destinations/${RETL}?range=LAST_24_HOURS&view=counts`);
    const counts = await pipelineCounts(h.page);
    expect(counts).toEqual(await apiPipeline(RETL));
    expect(Object.keys(counts)).toEqual([
      'RECORDS_EXTRACTED',
      'FAILED_TO_EXTRACT',
      'FILTERED_AT_MAPPING',
      'FAILED_DELIVERY',
      'SUCCESSFUL_DELIVERY',
      'RETRY_PENDING',
    ]);
    expect(counts.RECORDS_EXTRACTED).toBe(1_100);
    await expectAxeClean(h.page, 'Reverse ETL destination');

    await h.page.click('[data-step="RECORDS_EXTRACTED"]');
    await h.page.waitForSelector('tr[data-sync-run]');
    const runs = await api<{ destination: { syncRuns: { id: string; extracted: number; status: string }[] } }>(
      'query($range: TimeRangeInput!) { destination(id: "dst_crm_retl") { syncRuns(range: $range) { id extracted status } } }',
    );
    expect(await rowCounts(h.page, 'tr[data-sync-run]', 'data-sync-run')).toEqual(
      Object.fromEntries(runs.destination.syncRuns.map((r) => [r.id, r.extracted])),
    );
    expect(await h.page.getAttribute('tr[data-sync-run="run-1000"]', 'data-status')).toBe('PARTIAL');
    await h.page.waitForSelector('[data-detail="breakdown"] tr[data-count]');
    const byOperation = await api<{ destination: { breakdown: { count: number }[] } }>(
      'query($range: TimeRangeInput!) { destination(id: "dst_crm_retl") { breakdown(step: RECORDS_EXTRACTED, range: $range) { count } } }',
    );
    expect(await h.page.$$eval('[data-detail="breakdown"] tr[data-count]', (els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual(
      byOperation.destination.breakdown.map((b) => b.count),
    );
    expect(await h.page.textContent('[data-detail="breakdown"] thead')).toContain('Operation');
    await expectAxeClean(h.page, 'sync runs');

    await h.page.click('tr[data-sync-run="run-1000"] button:has-text("Detail")');
    await h.page.waitForSelector('[data-run-detail="run-1000"] tr[data-reason]');
    expect(h.page.url()).toContain('sync=run-1000');
    expect(await rowCounts(h.page, '[data-run-detail] tr[data-reason]', 'data-reason')).toEqual({ SCHEMA_CHANGED: 300, '401': 120, OPERATION_NOT_SYNCED: 30 });
    await expectAxeClean(h.page, 'sync run detail');
  });

  it('Reverse ETL: a discard step shows its reasons with the catalogue text', async () => {
    await h.page.goto(`${t.url}/destinations/${RETL}?range=LAST_24_HOURS&step=FAILED_TO_EXTRACT`);
    await h.page.waitForSelector('tr[data-reason]');
    expect(await rowCounts(h.page, 'tr[data-reason]', 'data-reason')).toEqual({ SCHEMA_CHANGED: 300, PRIMARY_KEY_MISSING: 4 });
    expect(await h.page.textContent('tr[data-reason="SCHEMA_CHANGED"]')).toContain('Model columns changed');
  });

  it('audience: every step equals the API, and the changes split by audience and change', async () => {
    await h.page.goto(`${t.url}/destinations/${AUDIENCE}?range=LAST_24_HOURS&view=counts`);
    const counts = await pipelineCounts(h.page);
    expect(counts).toEqual(await apiPipeline(AUDIENCE));
    expect(Object.keys(counts)).toEqual(['MEMBERSHIP_CHANGES_COMPUTED', 'FILTERED_AT_DESTINATION', 'FAILED_DELIVERY', 'SUCCESSFUL_DELIVERY', 'RETRY_PENDING']);
    expect(counts.RETRY_PENDING).toBe(10);
    await expectAxeClean(h.page, 'audience destination');

    await h.page.click('[data-step="MEMBERSHIP_CHANGES_COMPUTED"]');
    await h.page.waitForSelector('[data-detail="breakdown"] tr[data-count]');
    const rows = await api<{ destination: { breakdown: { count: number; audienceId: string; operation: string }[] } }>(
      'query($range: TimeRangeInput!) { destination(id: "dst_ads_audience") { breakdown(step: MEMBERSHIP_CHANGES_COMPUTED, range: $range) { count audienceId operation } } }',
    );
    expect(await h.page.$$eval('[data-detail="breakdown"] tr[data-count]', (els) => els.map((e) => Number(e.getAttribute('data-count'))))).toEqual(
      rows.destination.breakdown.map((b) => b.count),
    );
    const head = await h.page.textContent('[data-detail="breakdown"] thead');
    expect(head).toContain('Audience');
    expect(head).toContain('Operation');
    await expectAxeClean(h.page, 'audience breakdown');
    expect(h.problems).toEqual([]);
  });
});
