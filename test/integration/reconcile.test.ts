import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClickHouseSettings } from '@clickhouse/client';
import { AppError, ErrorCode } from '../../src/domain/errors';
import { compareRawAndAggregates, reconcileWindow } from '../../src/metrics/reconcile';
import { repairAggregates } from '../../src/metrics/reconcile-repair';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const HOUR = 3_600_000;
const now = Date.now();
const thisHour = Math.floor(now / HOUR) * HOUR;
/** Three whole hours with data, well inside the 14-day window. */
const hours = [thisHour - 4 * HOUR, thisHour - 3 * HOUR, thisHour - 2 * HOUR];
const iso = (ms: number) => new Date(ms).toISOString();

function reports(hourStart: number, tag: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const t = iso(hourStart + ((i * 89_000) % HOUR));
    const count = 1 + (i % 7);
    if (i % 4 === 0) out.push({ timestamp: t, sourceId: 'src_web', step: 'received', count, messageId: `${tag}-${i}` });
    else if (i % 4 === 1)
      out.push({
        timestamp: t,
        sourceId: 'src_web',
        destinationId: 'dst_a',
        destinationKind: 'classic',
        step: 'delivered',
        eventName: `E${i % 3}`,
        count,
        messageId: `${tag}-${i}`,
      });
    else if (i % 4 === 2)
      out.push({
        timestamp: t,
        sourceId: 'src_ios',
        destinationId: 'dst_b',
        destinationKind: 'actions',
        mappingId: 'map_1',
        step: 'failed_delivery',
        reason: '429',
        count,
        messageId: `${tag}-${i}`,
      });
    else
      out.push({
        timestamp: t,
        sourceId: 'src_ios',
        destinationId: 'dst_a',
        destinationKind: 'classic',
        step: 'filtered_destination',
        reason: 'consent',
        count,
        messageId: `${tag}-${i}`,
      });
  }
  return out;
}

/** Every aggregate row of a tier (summed per full key) for one workspace: what a repair must restore exactly. */
async function tierRows(gw: TestGateway, table: 'events_minute' | 'events_hour', ws: string): Promise<unknown[]> {
  const col = table === 'events_minute' ? 'minute' : 'hour';
  return gw.sql(
    `SELECT toUnixTimestamp(${col}) AS t, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched,
            sum(events) AS events, sum(reports) AS reports
     FROM {{db}}.${table} WHERE workspace_id = {ws:String}
     GROUP BY t, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched
     HAVING events != 0 OR reports != 0
     ORDER BY t, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched`,
    { ws },
  );
}

describe('reconcile (library, against the real engine)', () => {
  let gw: TestGateway;
  const scope = { ...reconcileWindow(now - 6 * HOUR, now), workspaceId: 'ws_rec' };

  beforeAll(async () => {
    gw = await startTestGateway('reconcile');
    for (const ws of ['ws_rec', 'ws_other']) {
      const token = await gw.token(ws, ['ingest']);
      for (const h of hours) {
        const res = await gw.ingest(token, reports(h, `${ws}-${h}`));
        expect(res.status).toBe(200);
      }
    }
  });
  afterAll(() => gw?.close());

  async function damage(): Promise<void> {
    // Extra rows in events_minute for hours[0] (a view counting a batch twice would look like this)…
    await gw.gateway.db.command({
      family: 'test',
      sql: `INSERT INTO ${gw.gateway.db.database}.events_minute (minute, workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched, events, reports)
            VALUES (toDateTime({m1:UInt32}, 'UTC'), 'ws_rec', 'delivered', 'dst_a', 'src_web', '', '', '', 'E1', '', 0, 5, 1),
                   (toDateTime({m2:UInt32}, 'UTC'), 'ws_rec', 'received', '', 'src_web', '', '', '', '', '', 0, 3, 2)`,
      params: { m1: (hours[0] + 5 * 60_000) / 1000, m2: (hours[0] + 42 * 60_000) / 1000 },
      // Identical rows on the second damage() must not be deduplicated away (26.7 ignores insert_deduplicate alone).
      settings: { insert_deduplicate: 0, deduplicate_insert: 'disable' } as ClickHouseSettings,
    });
    // …and rows missing from events_hour for hours[2] (a view insert lost to a crash).
    await gw.gateway.db.command({
      family: 'test',
      sql: `ALTER TABLE ${gw.gateway.db.database}.events_hour DELETE WHERE workspace_id = 'ws_rec' AND hour = toDateTime({h:UInt32}, 'UTC') AND step IN ('failed_delivery', 'received')`,
      params: { h: hours[2] / 1000 },
      settings: { mutations_sync: '2' },
    });
  }

  it('finds raw and aggregates in agreement after plain ingest', async () => {
    const r = await compareRawAndAggregates(gw.gateway.db, scope);
    expect(r.differences).toEqual([]);
    expect(r.tiers).toEqual(['events_minute', 'events_hour', 'steps_minute', 'steps_hour']);
    expect(r.hours).toBe(7);
    expect(r.hoursWithData).toBe(3);
    const expected = hours.reduce((s, h) => s + reports(h, 'x').reduce((a, rep) => a + (rep.count as number), 0), 0);
    expect(r.events).toBe(expected);
    expect(r.reports).toBe(120);
  });

  it('reports exactly the damaged hours, repairs them exactly, and then agrees', async () => {
    const minuteBefore = await tierRows(gw, 'events_minute', 'ws_rec');
    const hourBefore = await tierRows(gw, 'events_hour', 'ws_rec');
    const otherBefore = [await tierRows(gw, 'events_minute', 'ws_other'), await tierRows(gw, 'events_hour', 'ws_other')];
    await damage();

    const found = await compareRawAndAggregates(gw.gateway.db, scope);
    expect(found.badHours).toEqual([
      { workspaceId: 'ws_rec', hour: hours[0], tiers: ['events_minute'] },
      { workspaceId: 'ws_rec', hour: hours[2], tiers: ['events_hour'] },
    ]);
    const delivered = found.differences.find((d) => d.hour === hours[0] && d.step === 'delivered')!;
    expect(delivered.tiers.events_minute!.events - delivered.raw.events).toBe(5);
    expect(delivered.tiers.events_minute!.reports - delivered.raw.reports).toBe(1);
    expect(delivered.tiers.events_hour).toEqual(delivered.raw);
    expect(delivered.tiers.steps_minute).toEqual(delivered.raw);
    expect(delivered.tiers.steps_hour).toEqual(delivered.raw);
    const received = found.differences.find((d) => d.hour === hours[0] && d.step === 'received')!;
    expect(received.tiers.events_minute!.events - received.raw.events).toBe(3);
    const lostHour = found.differences.filter((d) => d.hour === hours[2]);
    expect(lostHour.map((d) => d.step).sort()).toEqual(['failed_delivery', 'received']);
    for (const d of lostHour) expect(d.tiers.events_hour).toEqual({ events: 0, reports: 0 });
    // The other workspace is not involved, and a scoped comparison says so.
    expect((await compareRawAndAggregates(gw.gateway.db, { ...scope, workspaceId: 'ws_other' })).differences).toEqual([]);

    const repair = await repairAggregates(gw.gateway.db, found.badHours);
    expect(repair.rebuilt).toEqual({ events_minute: 1, events_hour: 1 });

    const after = await compareRawAndAggregates(gw.gateway.db, scope);
    expect(after.differences).toEqual([]);
    // Exact: every aggregate row is back to what the views wrote, nothing double counted.
    expect(await tierRows(gw, 'events_minute', 'ws_rec')).toEqual(minuteBefore);
    expect(await tierRows(gw, 'events_hour', 'ws_rec')).toEqual(hourBefore);
    expect([await tierRows(gw, 'events_minute', 'ws_other'), await tierRows(gw, 'events_hour', 'ws_other')]).toEqual(otherBefore);
  });

  it('repairs the same hours a second time (the rebuild is not swallowed by block deduplication)', async () => {
    const minuteBefore = await tierRows(gw, 'events_minute', 'ws_rec');
    await damage();
    const found = await compareRawAndAggregates(gw.gateway.db, scope);
    expect(found.badHours.map((b) => b.hour)).toEqual([hours[0], hours[2]]);
    await repairAggregates(gw.gateway.db, found.badHours);
    expect((await compareRawAndAggregates(gw.gateway.db, scope)).differences).toEqual([]);
    expect(await tierRows(gw, 'events_minute', 'ws_rec')).toEqual(minuteBefore);
  });

  it('refuses ranges the raw table may no longer hold, and empty ranges', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof AppError ? err.code : err;
      }
      return null;
    };
    expect(bad(() => reconcileWindow(now - 15 * 86_400_000, now))).toBe(ErrorCode.TIME_RANGE_INVALID);
    expect(bad(() => reconcileWindow(now - HOUR, now - 2 * HOUR))).toBe(ErrorCode.TIME_RANGE_INVALID);
    expect(bad(() => reconcileWindow(now - HOUR, now + 3 * HOUR))).toBe(ErrorCode.TIME_RANGE_INVALID);
    expect(reconcileWindow(thisHour - HOUR + 1, thisHour - 1, now)).toEqual({ from: thisHour - HOUR, to: thisHour });
  });
});

/**
 * The command itself, in child processes: it opens a data directory directly, so it gets
 * its own (this jest worker holds another one).
 */
describe('delivery-overview reconcile (CLI)', () => {
  const ROOT = path.resolve(__dirname, '../..');
  const CLI = path.join(ROOT, 'dist', 'cli.js');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-reconcile-'));
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', CLICKHOUSE_URL: '', CLICKHOUSE_DATABASE: 'delivery_overview' };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  const from = iso(now - 6 * HOUR);
  const to = iso(now);

  it('reports the damaged hours (exit 1), --repair fixes them (exit 0), a second run agrees (exit 0)', () => {
    // Seed: migrate, ingest through the engine (views fire), then damage two hours.
    const seed = `
      const { openDb } = require(${JSON.stringify(path.join(ROOT, 'dist/clickhouse/open.js'))});
      const { migrate } = require(${JSON.stringify(path.join(ROOT, 'dist/clickhouse/migrations.js'))});
      (async () => {
        const db = await openDb({ url: null, database: 'delivery_overview', dataDir: process.env.DATA_DIR, queryTimeoutSeconds: 30 });
        await migrate(db, { database: 'delivery_overview', cluster: null });
        const hours = ${JSON.stringify(hours)};
        for (const h of hours) {
          const rows = [];
          for (let i = 0; i < 30; i++) rows.push(JSON.stringify({ time: ((h + i * 60000) / 1000).toFixed(3), workspace_id: 'cli_ws', source_id: 'src', destination_id: i % 2 ? 'dst' : '', destination_kind: i % 2 ? 'classic' : '', mapping_id: '', step: i % 2 ? 'delivered' : 'received', reason: '', event_type: '', event_name: '', app_version: '', enriched: 0, count: 1 + i, message_id: 'm' + h + '-' + i }));
          await db.insert({ family: 'seed', table: 'delivery_events', body: Buffer.from(rows.join('\\n')), dedupToken: 'seed-' + h });
        }
        await db.command({ family: 'seed', sql: "INSERT INTO delivery_overview.events_minute (minute, workspace_id, step, destination_id, source_id, events, reports) VALUES (toDateTime(" + (hours[0] / 1000 + 600) + ", 'UTC'), 'cli_ws', 'delivered', 'dst', 'src', 7, 1)" });
        await db.command({ family: 'seed', sql: "ALTER TABLE delivery_overview.events_hour DELETE WHERE workspace_id = 'cli_ws' AND hour = toDateTime(" + hours[2] / 1000 + ", 'UTC') AND step = 'received'", settings: { mutations_sync: '2' } });
        await db.close();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const seeded = spawnSync(process.execPath, ['-e', seed], { env, encoding: 'utf8', timeout: 60_000 });
    expect(seeded.stderr).toBe('');
    expect(seeded.status).toBe(0);

    const first = cli('reconcile', '--from', from, '--to', to);
    expect(first.status).toBe(1);
    const hourLabel = (ms: number) => `${iso(ms).slice(0, 13)}:00Z`;
    expect(first.stdout).toContain(`hours: cli_ws ${hourLabel(hours[0])} [events_minute]; cli_ws ${hourLabel(hours[2])} [events_hour]`);
    expect(first.stdout).toMatch(/differences: 2 rows in 2 hour\(s\)/);
    expect(first.stderr).toContain('--repair');

    const repaired = cli('reconcile', '--from', from, '--to', to, '--repair');
    expect(repaired.stderr).toBe('');
    expect(repaired.status).toBe(0);
    expect(repaired.stdout).toMatch(/repaired: 1 hour\(s\) of events_minute .*1 hour\(s\) of events_hour/);
    expect(repaired.stdout).toMatch(/raw and aggregates agree: 7 hours, 1395 events/);

    const second = cli('reconcile', '--from', from, '--to', to, '--json');
    expect(second.status).toBe(0);
    const json = JSON.parse(second.stdout) as { agree: boolean; badHours: unknown[]; events: number; reports: number };
    expect(json).toMatchObject({ agree: true, badHours: [], events: 1395, reports: 90 });
  });

  it('refuses ranges older than 14 days and bad instants with exit 2', () => {
    const old = cli('reconcile', '--from', iso(now - 20 * 86_400_000), '--to', to);
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/older than 14 days/);
    const noZone = cli('reconcile', '--from', '2026-01-01T00:00:00', '--to', to);
    expect(noZone.status).toBe(2);
    const missing = cli('reconcile', '--to', to);
    expect(missing.status).toBe(2);
  });
});
