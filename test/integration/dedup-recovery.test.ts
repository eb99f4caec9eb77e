import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db } from '../../src/clickhouse/client';
import { dbOptionsOf, openDb } from '../../src/clickhouse/open';
import { migrate } from '../../src/clickhouse/migrations';
import { loadConfig } from '../../src/config/config';
import { IngestService } from '../../src/ingest/ingest.service';

/**
 * A SIGKILL between the engine's deduplication-log write and the rename of the part
 * (simulated here by renaming the part back to tmp_insert_*, which the engine discards on
 * start) must not make the retried batch vanish from the raw table.
 */
describe('crash recovery of deduplication records', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-dedup-'));
  const config = loadConfig({ DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'dedup_recovery' });
  const target = { database: config.clickhouse.database, cluster: null };
  let db: Db | null = null;
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const now = Date.now();
  const batch = (['today', 'yesterday'] as const).flatMap((day) =>
    Array.from({ length: 10 }, (_, i) => ({
      timestamp: new Date(now - (day === 'today' ? 30 : 26 * 60) * 60_000).toISOString(),
      sourceId: 'src_crash',
      destinationId: 'dst_crash',
      destinationKind: 'classic',
      step: 'delivered',
      count: 1,
      messageId: `${day}-${i}`,
    })),
  );
  const body = Buffer.from(batch.map((r) => JSON.stringify(r)).join('\n'));
  const ingest = (d: Db) =>
    new IngestService(d, { maxBodyBytes: 1e7, maxRecords: 1e4, maxRecordBytes: 65536, sampleMaxBytes: 8192 }, 10).ingest(
      'ws_crash',
      body,
      'application/x-ndjson',
      'batch-after-crash',
      now,
    );
  const sums = async (d: Db) => {
    const one = async (sql: string) => Number((await d.query<{ n: number }>({ family: 'test', sql }))[0].n);
    return {
      raw: await one(`SELECT sum(count) AS n FROM ${config.clickhouse.database}.delivery_events`),
      eventsMinute: await one(`SELECT sum(events) AS n FROM ${config.clickhouse.database}.events_minute`),
      eventsHour: await one(`SELECT sum(events) AS n FROM ${config.clickhouse.database}.events_hour`),
      stepsMinute: await one(`SELECT sum(events) AS n FROM ${config.clickhouse.database}.steps_minute`),
      stepsHour: await one(`SELECT sum(events) AS n FROM ${config.clickhouse.database}.steps_hour`),
    };
  };

  it('repairs the orphaned record on start, so the retry stores the batch exactly once everywhere', async () => {
    db = await openDb(dbOptionsOf(config));
    await migrate(db, target);
    // The kill comes before the batch is acknowledged, so before its idempotency record
    // (written after the inserts return): the record's insert never happens.
    const insert = db.insert.bind(db);
    db.insert = async (opts) => (opts.table === 'ingest_idempotency' ? Promise.reject(new Error('killed')) : insert(opts));
    await expect(ingest(db)).rejects.toThrow('killed');
    const [{ dir }] = await db.query<{ dir: string }>({
      family: 'test',
      sql: `SELECT data_paths[1] AS dir FROM system.tables WHERE database = '${config.clickhouse.database}' AND name = 'delivery_events'`,
    });
    await db.close();
    db = null;

    // The kill: one day's raw part never got its final name.
    const day = new Date(now - 26 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const victim = fs.readdirSync(dir).find((n) => n.startsWith(`${day}_`))!;
    expect(victim).toBeDefined();
    fs.renameSync(path.join(dir, victim), path.join(dir, `tmp_insert_${victim}`));

    db = await openDb(dbOptionsOf(config));
    expect(db.recoveredDedupOrphans).toBe(1);
    expect((await sums(db)).raw).toBe(10); // the part is gone, as after the real kill
    await ingest(db); // the producer retries the unacknowledged batch with the same key
    expect(await sums(db)).toEqual({ raw: 20, eventsMinute: 20, eventsHour: 20, stepsMinute: 20, stepsHour: 20 });
    await ingest(db); // and a further retry is still a no-op
    expect((await sums(db)).raw).toBe(20);
    await db.close();
    db = await openDb(dbOptionsOf(config));
    expect(db.recoveredDedupOrphans).toBe(0); // nothing left to repair on a clean start
  });
});
