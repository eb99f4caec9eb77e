import { type Db } from '../../src/clickhouse/client';
import { openDb } from '../../src/clickhouse/open';
import { migrate } from '../../src/clickhouse/migrations';
import { backfill, type BackfillResult } from '../../src/simulate/backfill';
import { generateWindow, type SimDelivery } from '../../src/simulate/generator';
import { DEMO_WORKSPACE, demoIncidents, displayNames } from '../../src/simulate/model';
import { workerDataDir } from '../helpers/gateway';

const DAY = 86_400_000;
// One chDB directory per jest worker (a process binds one), one database per test file.
const DATA_DIR = workerDataDir();
const DATABASE = `sim_backfill_${Date.now().toString(36)}`;
const WORKSPACE = 'demo_bf';
const SEED = 7;
// Fixed for the whole file, recent enough that no TTL touches the rows.
const NOW = Math.floor(Date.now() / 60_000) * 60_000 - 23_456;

let db: Db;
let first: BackfillResult;
const expected = generateWindow({ model: DEMO_WORKSPACE, seed: SEED, from: NOW - DAY, to: NOW, incidents: demoIncidents(NOW) });

function total(pred: (d: SimDelivery) => boolean): number {
  let n = 0;
  for (const d of expected.deliveries) if (pred(d)) n += d.count;
  return n;
}

async function one<T>(sql: string): Promise<T> {
  const rows = await db.query<T>({ family: 'test', sql: sql.replaceAll('{{db}}', DATABASE), params: { ws: WORKSPACE } });
  return rows[0];
}

/** Every number the backfill should have stored, read back from the engine. */
async function snapshot() {
  const raw = await one<{ reports: number; events: number; received: number; first: number; last: number }>(
    `SELECT count() AS reports, sum(count) AS events, sumIf(count, step = 'received') AS received,
            toUnixTimestamp64Milli(min(time)) AS first, toUnixTimestamp64Milli(max(time)) AS last
     FROM {{db}}.delivery_events WHERE workspace_id = {ws:String}`,
  );
  const minute = await one<{ events: number; reports: number }>(
    `SELECT sum(events) AS events, sum(reports) AS reports FROM {{db}}.events_minute WHERE workspace_id = {ws:String}`,
  );
  const hour = await one<{ events: number; reports: number }>(
    `SELECT sum(events) AS events, sum(reports) AS reports FROM {{db}}.events_hour WHERE workspace_id = {ws:String}`,
  );
  const pending = await one<{ pending: number }>(`SELECT sum(pending) AS pending FROM {{db}}.retry_pending WHERE workspace_id = {ws:String}`);
  const samples = await one<{ n: number; worst: number }>(
    `SELECT count() AS n, max(c) AS worst FROM (
       SELECT count() AS c FROM {{db}}.discard_samples WHERE workspace_id = {ws:String}
       GROUP BY destination_id, step, reason, toStartOfMinute(time))`,
  );
  const syncs = await one<{ n: number; failed: number }>(
    `SELECT count() AS n, countIf(status = 'failed') AS failed FROM {{db}}.warehouse_syncs WHERE workspace_id = {ws:String}`,
  );
  const names = await one<{ n: number }>(`SELECT count() AS n FROM {{db}}.catalog_names WHERE workspace_id = {ws:String}`);
  const steps = await db.query<{ step: string; events: number }>({
    family: 'test',
    sql: `SELECT step, sum(count) AS events FROM ${DATABASE}.delivery_events WHERE workspace_id = {ws:String} GROUP BY step ORDER BY step`,
    params: { ws: WORKSPACE },
  });
  return { raw, minute, hour, pending, samples, syncs, names, steps: Object.fromEntries(steps.map((s) => [s.step, Number(s.events)])) };
}

beforeAll(async () => {
  db = await openDb({ url: null, database: DATABASE, dataDir: DATA_DIR, queryTimeoutSeconds: 30 });
  await migrate(db, { database: DATABASE, cluster: null });
  first = await backfill(db, { workspaceId: WORKSPACE, days: 1, seed: SEED, now: NOW });
}, 120_000);

afterAll(async () => {
  if (!db) return;
  await db.command({ family: 'test', sql: `DROP DATABASE IF EXISTS ${DATABASE}` });
  await db.close();
});

describe('simulator backfill into the embedded engine', () => {
  it('stores exactly the reports and events the generator produces for the window', async () => {
    const s = await snapshot();
    expect(Number(s.raw.reports)).toBe(expected.deliveries.length);
    expect(Number(s.raw.events)).toBe(total(() => true));
    expect(Number(s.raw.received)).toBe(total((d) => d.step === 'received'));
    expect(first.reports).toBe(expected.deliveries.length);
    expect(first.events).toBe(total((d) => d.step === 'received'));
    expect(first.syncs).toBe(expected.syncs.length);
    const perStep: Record<string, number> = {};
    for (const d of expected.deliveries) perStep[d.step] = (perStep[d.step] ?? 0) + d.count;
    expect(s.steps).toEqual(perStep);
    expect(Number(s.raw.first)).toBeGreaterThanOrEqual(NOW - DAY);
    expect(Number(s.raw.last)).toBeLessThan(NOW);
  });

  it('feeds the minute and hour aggregates with the same sums', async () => {
    const s = await snapshot();
    expect(Number(s.minute.events)).toBe(Number(s.raw.events));
    expect(Number(s.hour.events)).toBe(Number(s.raw.events));
    expect(Number(s.minute.reports)).toBe(Number(s.raw.reports));
    expect(Number(s.hour.reports)).toBe(Number(s.raw.reports));
  });

  it('leaves the retry-pending gauge at the retries still in flight', async () => {
    const s = await snapshot();
    const inFlight = total((d) => d.step === 'retry_enqueued') - total((d) => d.step === 'retry_resolved');
    expect(inFlight).toBeGreaterThanOrEqual(0);
    expect(Number(s.pending.pending)).toBe(inFlight);
  });

  it('stores syncs, bounded samples and display names', async () => {
    const s = await snapshot();
    expect(Number(s.syncs.n)).toBe(expected.syncs.length);
    expect(Number(s.syncs.failed)).toBeGreaterThanOrEqual(3);
    expect(Number(s.samples.n)).toBeGreaterThan(0);
    expect(Number(s.samples.worst)).toBeLessThanOrEqual(10);
    expect(Number(s.names.n)).toBe(displayNames(DEMO_WORKSPACE).length);
  });

  it("stores failed deliveries' requests and responses with the Authorization header redacted", async () => {
    const x = await one<{ requests: number; responses: number; redacted: number; leaked: number }>(
      `SELECT countIf(request != '') AS requests, countIf(response != '') AS responses,
              countIf(request LIKE '%"Authorization","value":"[redacted]"%') AS redacted, countIf(request LIKE '%sk_live_%') AS leaked
       FROM {{db}}.discard_samples WHERE workspace_id = {ws:String}`,
    );
    expect(Number(x.requests)).toBeGreaterThan(0);
    expect(Number(x.responses)).toBeGreaterThan(0);
    expect(Number(x.redacted)).toBe(Number(x.requests));
    expect(Number(x.leaked)).toBe(0);
  });

  it('is idempotent: running the same backfill again changes nothing', async () => {
    const before = await snapshot();
    const again = await backfill(db, { workspaceId: WORKSPACE, days: 1, seed: SEED, now: NOW });
    expect(again.reports).toBe(first.reports);
    expect(await snapshot()).toEqual(before);
  });
});
