import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db } from '../../src/clickhouse/client';
import { openDb } from '../../src/clickhouse/open';
import { migrate } from '../../src/clickhouse/migrations';
import { demoBackfill } from '../../src/cli/demo-backfill';
import { generateWindow } from '../../src/simulate/generator';
import { DEMO_WORKSPACE, demoIncidents } from '../../src/simulate/model';
import { uniqueDatabase, workerDataDir } from '../helpers/gateway';

/**
 * The demo's backfill after a start that died part-way (here: the engine refusing rows
 * past an instant, the way a full disk or a timeout refuses them): the next start
 * resumes from the last stored part with the same `now`, and every table ends up
 * holding exactly what the simulator generates for the window, once.
 */
const DAY = 86_400_000;
const DATABASE = uniqueDatabase('demo_resume');
const WORKSPACE = 'demo_resume';
const SEED = 11;
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-demo-resume-'));
const stateFile = path.join(stateDir, 'demo-backfill.json');
let db: Db;

beforeAll(async () => {
  db = await openDb({ url: null, database: DATABASE, dataDir: workerDataDir(), queryTimeoutSeconds: 30 });
  await migrate(db, { database: DATABASE, cluster: null });
}, 120_000);

afterAll(async () => {
  fs.rmSync(stateDir, { recursive: true, force: true });
  if (!db) return;
  await db.command({ family: 'test', sql: `DROP DATABASE IF EXISTS ${DATABASE}` });
  await db.close();
});

async function sums(): Promise<{ raw: number; minute: number; hour: number; reports: number }> {
  const one = async (sql: string) => Number((await db.query<{ n: number }>({ family: 'test', sql, params: { ws: WORKSPACE } }))[0].n);
  return {
    raw: await one(`SELECT sum(count) AS n FROM ${DATABASE}.delivery_events WHERE workspace_id = {ws:String}`),
    reports: await one(`SELECT count() AS n FROM ${DATABASE}.delivery_events WHERE workspace_id = {ws:String}`),
    minute: await one(`SELECT sum(events) AS n FROM ${DATABASE}.events_minute WHERE workspace_id = {ws:String}`),
    hour: await one(`SELECT sum(events) AS n FROM ${DATABASE}.events_hour WHERE workspace_id = {ws:String}`),
  };
}

const options = { workspaceId: WORKSPACE, days: 1, seed: SEED, hasRecentData: async () => false };

it('resumes an interrupted backfill where it stopped and stores every report exactly once', async () => {
  // The engine refuses rows past an instant: the first start fails there. Parts end at UTC
  // midnights, so a cutoff after the last midnight leaves the part before it stored.
  const now = Date.now();
  const midnight = Math.floor(now / DAY) * DAY;
  const afterMidnight = now - midnight > 40 * 60_000;
  const cutoff = afterMidnight ? midnight + 20 * 60_000 : midnight - 3_600_000;
  await db.command({ family: 'test', sql: `CREATE TABLE ${DATABASE}.refuse_sink (x UInt8) ENGINE = Null` });
  await db.command({
    family: 'test',
    sql: `CREATE MATERIALIZED VIEW ${DATABASE}.refuse_after TO ${DATABASE}.refuse_sink AS
          SELECT throwIf(time > fromUnixTimestamp64Milli(${cutoff}), 'refused by the test') AS x FROM ${DATABASE}.delivery_events`,
  });
  await expect(demoBackfill(db, stateDir, options)).rejects.toThrow();
  const stopped = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { now: number; storedUntil: number; complete: boolean };
  expect(stopped.complete).toBe(false);
  const from = stopped.now - DAY;
  expect(stopped.storedUntil).toBeLessThan(cutoff);
  if (afterMidnight) {
    expect(stopped.storedUntil).toBe(midnight);
    expect((await sums()).raw).toBeGreaterThan(0);
  }

  await db.command({ family: 'test', sql: `DROP TABLE ${DATABASE}.refuse_after` });
  const resumed = await demoBackfill(db, stateDir, options);
  expect(resumed.continuation).toEqual({ startAt: stopped.now, origin: from });
  expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toMatchObject({ now: stopped.now, complete: true });

  const expected = generateWindow({ model: DEMO_WORKSPACE, seed: SEED, from, to: stopped.now, incidents: demoIncidents(stopped.now) });
  const events = expected.deliveries.reduce((n, d) => n + d.count, 0);
  expect(await sums()).toEqual({ raw: events, minute: events, hour: events, reports: expected.deliveries.length });
}, 180_000);

it('a start after a complete backfill writes nothing', async () => {
  const before = await sums();
  const again = await demoBackfill(db, stateDir, options);
  expect(again.continuation).toBeNull();
  expect(await sums()).toEqual(before);
});
