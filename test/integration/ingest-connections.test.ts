/**
 * The ingest contract of the two connection kinds: which fields a Reverse ETL or audience
 * report requires and refuses, per kind and step, each with a clear field error; and a batch
 * retried with its Idempotency-Key stored once in every table the new views feed.
 */
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('ingest_connections');
  token = await t.token('ws_conn', ['ingest', 'read']);
});
afterAll(async () => t.close());

const retl = (o: Record<string, unknown> = {}) =>
  report({
    destinationId: 'dst_crm',
    destinationKind: 'retl',
    sourceId: 'src_wh',
    step: 'extracted',
    syncId: 'run_1',
    operation: 'added',
    eventType: undefined,
    eventName: undefined,
    appVersion: undefined,
    enriched: undefined,
    ...o,
  });
const audience = (o: Record<string, unknown> = {}) =>
  report({
    destinationId: 'dst_ads',
    destinationKind: 'audience',
    sourceId: 'src_space',
    step: 'computed',
    audienceId: 'aud_1',
    spaceId: 'spa_1',
    operation: 'entered',
    eventType: undefined,
    eventName: undefined,
    appVersion: undefined,
    enriched: undefined,
    ...o,
  });

async function refused(records: Record<string, unknown>[]): Promise<{ index: number; field: string; reason: string }[]> {
  const res = await t.ingest(token, records);
  expect(res.status).toBe(400);
  return res.body.error.errors;
}

describe('Reverse ETL and audience reports', () => {
  it('are accepted with their own fields', async () => {
    const res = await t.ingest(token, [
      retl(),
      retl({ step: 'failed_extract', reason: 'PRIMARY_KEY_MISSING', count: 2 }),
      retl({ step: 'delivered', mappingId: 'map_contacts', operation: 'updated' }),
      audience(),
      audience({ step: 'filtered_destination', reason: 'EXITS_NOT_SENT', operation: 'exited' }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 5, events: 6 });
  });

  it('require their connection fields and name each missing one', async () => {
    const errors = await refused([retl({ syncId: undefined, operation: undefined }), audience({ audienceId: undefined, spaceId: '', operation: 'added' })]);
    expect(errors).toEqual([
      { index: 0, field: 'syncId', reason: 'is required on retl reports' },
      { index: 0, field: 'operation', reason: 'is required on retl reports' },
      { index: 1, field: 'operation', reason: 'must be one of: entered, exited (on audience reports)' },
      { index: 1, field: 'audienceId', reason: 'is required on audience reports' },
      { index: 1, field: 'spaceId', reason: 'is required on audience reports' },
    ]);
  });

  it("refuse the other kind's fields, event fields, and the fields on streaming or source-side reports", async () => {
    const errors = await refused([
      retl({ audienceId: 'aud_1', eventName: 'Order Completed' }),
      audience({ syncId: 'run_1', mappingId: 'map_1' }),
      report({ operation: 'added' }),
      report({ step: 'received', destinationId: undefined, destinationKind: undefined, syncId: 'run_1' }),
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        { index: 0, field: 'audienceId', reason: 'is not allowed on retl reports: only "audience" reports carry it' },
        { index: 0, field: 'eventName', reason: 'is not allowed on retl reports: a Reverse ETL record is described by operation (and mappingId)' },
        { index: 1, field: 'syncId', reason: 'is not allowed on audience reports: only "retl" reports carry it' },
        { index: 1, field: 'mappingId', reason: 'is only allowed on actions and retl destinations' },
        { index: 2, field: 'operation', reason: 'is not allowed on classic reports: only "retl" and "audience" reports carry it' },
        { index: 3, field: 'syncId', reason: 'is not allowed on source-side steps: only "retl" reports carry it' },
      ]),
    );
  });

  it('take only the steps their pipeline counts, and no mapping before the mappings', async () => {
    const errors = await refused([
      retl({ step: 'computed' }),
      audience({ step: 'extracted' }),
      report({ step: 'extracted' }),
      retl({ mappingId: 'map_contacts' }),
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          index: 0,
          field: 'step',
          reason: expect.stringContaining(
            'retl destinations do not report computed; their destination-side steps are: extracted, failed_extract, filtered_destination, failed_delivery, delivered, retry_enqueued, retry_resolved',
          ),
        },
        { index: 1, field: 'step', reason: expect.stringContaining('audience destinations do not report extracted') },
        { index: 2, field: 'step', reason: expect.stringContaining('classic destinations do not report extracted') },
        { index: 3, field: 'mappingId', reason: 'must be absent on extracted: records are extracted before any mapping sees them' },
      ]),
    );
  });

  it('store a batch sent twice with its Idempotency-Key once, in the raw table and every table the new views feed', async () => {
    const batch = [
      retl({ syncId: 'run_dedup', count: 7 }),
      retl({ syncId: 'run_dedup', step: 'delivered', mappingId: 'map_a', count: 5 }),
      audience({ audienceId: 'aud_dedup', count: 4 }),
    ];
    for (let i = 0; i < 2; i++) expect((await t.ingest(token, batch, { key: 'conn-dedup-1' })).status).toBe(200);
    const sum = async (table: string, column: string, where: string) =>
      Number((await t.sql<{ n: number }>(`SELECT sum(${column}) AS n FROM {{db}}.${table} WHERE workspace_id = 'ws_conn' AND ${where}`))[0].n);
    expect(await sum('delivery_events', 'count', "(sync_id = 'run_dedup' OR audience_id = 'aud_dedup')")).toBe(16);
    expect(await sum('retl_sync_runs', 'events', "sync_id = 'run_dedup'")).toBe(12);
    expect(await sum('connections_minute', 'events', "audience_id = 'aud_dedup'")).toBe(4);
    expect(await sum('connections_hour', 'events', "audience_id = 'aud_dedup'")).toBe(4);
  });

  it('store the same insert token once in every new table, as a producer retry after a lost answer would send it', async () => {
    // The engine-side guarantee under the idempotency record: the views' target tables keep a
    // deduplication window, so a retried block is dropped there too, not only in the raw table.
    const db = t.gateway.db;
    const sql = `INSERT INTO ${db.database}.delivery_events (time, workspace_id, source_id, destination_id, destination_kind, step, count, sync_id, operation)
                 VALUES (now64(3) - 600, 'ws_conn', 'src_wh', 'dst_tok', 'retl', 'extracted', 9, 'run_tok', 'removed')`;
    const settings = { insert_deduplicate: 1, insert_deduplication_token: 'conn-token-1', deduplicate_blocks_in_dependent_materialized_views: 1 } as const;
    for (let i = 0; i < 2; i++) await db.command({ family: 'test', sql, settings });
    const sum = async (table: string, column: string) =>
      Number(
        (await t.sql<{ n: number }>(`SELECT sum(${column}) AS n FROM {{db}}.${table} WHERE workspace_id = 'ws_conn' AND destination_id = 'dst_tok'`))[0].n,
      );
    expect([
      await sum('delivery_events', 'count'),
      await sum('connections_minute', 'events'),
      await sum('connections_hour', 'events'),
      await sum('retl_sync_runs', 'events'),
    ]).toEqual([9, 9, 9, 9]);
  });
});
