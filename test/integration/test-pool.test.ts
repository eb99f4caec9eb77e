import { report, startTestGateway } from '../helpers/gateway';

/**
 * The suite's pooled databases (test/helpers/pooled-db.ts) must give every gateway an empty
 * database of the migrations' schema. A test that adds a view of its own on delivery_events (as
 * write-timeout.test.ts does) must not leave it to the next file: in a full run, every later
 * ingest then waited on that view and answered 504 (21 failed tests) until the comparison of
 * table definitions was added.
 */
it('gives the next gateway an empty database without the views and tables a test added', async () => {
  const a = await startTestGateway('pool_a');
  await a.sql(`CREATE TABLE {{db}}.extra_sink (s UInt8) ENGINE = MergeTree ORDER BY s`);
  await a.sql(`CREATE MATERIALIZED VIEW {{db}}.extra_mv TO {{db}}.extra_sink AS SELECT sleepEachRow(3) AS s FROM {{db}}.delivery_events`);
  const name = a.gateway.db.database;
  await a.close();
  const b = await startTestGateway('pool_b');
  expect(b.gateway.db.database).toBe(name);
  const tok = await b.token('ws_p', ['ingest']);
  const t0 = Date.now();
  expect((await b.ingest(tok, [report()])).status).toBe(200);
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(await b.sql(`SELECT name FROM system.tables WHERE database = '${name}' AND name LIKE 'extra%'`)).toEqual([]);
  await b.close();
  const c = await startTestGateway('pool_c');
  expect(Number((await c.sql<{ n: number }>('SELECT count() AS n FROM {{db}}.delivery_events'))[0].n)).toBe(0);
  await c.close();
});
