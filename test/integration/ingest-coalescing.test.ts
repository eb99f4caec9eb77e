import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db, type InsertOptions } from '../../src/clickhouse/client';
import { dbOptionsOf, openDb } from '../../src/clickhouse/open';
import { migrate } from '../../src/clickhouse/migrations';
import { loadConfig } from '../../src/config/config';
import { IngestCoalescer } from '../../src/ingest/coalescer';
import { FlushLogFiles } from '../../src/ingest/flush-log-files';
import { IngestService, type IngestResult } from '../../src/ingest/ingest.service';

/**
 * Coalesced ingest on the embedded engine: concurrent requests share engine inserts, each
 * is answered only once its rows are stored, and a keyed request stays exact across a
 * crash between a merged flush's rows and its idempotency records (the saved flush is
 * written again at the next start, same token).
 */
describe('coalesced ingest', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-coalesce-'));
  const config = loadConfig({ DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'coalesce' });
  const database = config.clickhouse.database;
  const limits = { maxBodyBytes: 1e7, maxRecords: 1e4, maxRecordBytes: 65536, sampleMaxBytes: 8192 };
  const walDir = path.join(dataDir, 'ingest-wal');
  let db: Db;
  /** Rows of every delivery_events insert, in order. */
  let inserts: number[] = [];
  let failRecords = false;
  /** Refuses an insert whose body holds this text (an engine refusal of one request's rows). */
  let refuse: string | null = null;

  beforeAll(async () => {
    db = await openDb(dbOptionsOf(config));
    await migrate(db, { database, cluster: null });
    const insert = db.insert.bind(db);
    db.insert = async (opts: InsertOptions) => {
      if (opts.table === 'ingest_idempotency' && failRecords) throw new Error('killed before the records');
      if (refuse !== null && opts.body.includes(refuse)) throw new Error(`refused: ${refuse}`);
      if (opts.table === 'delivery_events') inserts.push(opts.body.toString().split('\n').length);
      return insert(opts);
    };
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const now = Date.now();
  const body = (tag: string, n: number) =>
    Buffer.from(
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({
          timestamp: new Date(now - 60_000 - i).toISOString(),
          sourceId: 'src_c',
          destinationId: `dst_${tag}`,
          destinationKind: 'classic',
          step: 'delivered',
          count: 2,
          messageId: `${tag}-${i}`,
        }),
      ).join('\n'),
    );
  const service = (coalescer: IngestCoalescer) => new IngestService(db, limits, 10, undefined, coalescer);
  const one = async (sql: string) => Number((await db.query<{ n: string }>({ family: 'test', sql }))[0].n);
  const stored = (tag: string) => one(`SELECT sum(count) AS n FROM ${database}.delivery_events WHERE destination_id = 'dst_${tag}'`);
  const storedHour = (tag: string) => one(`SELECT sum(events) AS n FROM ${database}.steps_hour WHERE destination_id = 'dst_${tag}'`);
  const duplicated = (tag: string) =>
    one(
      `SELECT count() AS n FROM (SELECT message_id FROM ${database}.delivery_events WHERE destination_id = 'dst_${tag}' GROUP BY message_id HAVING count() > 1)`,
    );

  it('merges 8 concurrent 500-report requests into fewer inserts, each answered with its own counts', async () => {
    inserts = [];
    const ingest = service(new IngestCoalescer(db, { log: new FlushLogFiles(walDir) }));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => ingest.ingest('ws_c', body(`merge${i}`, 500), 'application/x-ndjson', `merge-${i}`, now)),
    );
    expect(results.map((r) => [r.accepted, r.events, r.duplicate])).toEqual(Array.from({ length: 8 }, () => [500, 1000, false]));
    expect(inserts.length).toBeLessThan(8);
    expect(inserts.reduce((a, b) => a + b, 0)).toBe(4000);
    expect(Math.max(...inserts)).toBeGreaterThanOrEqual(1000);
    for (let i = 0; i < 8; i++) expect([await stored(`merge${i}`), await storedHour(`merge${i}`)]).toEqual([1000, 1000]);
    expect(fs.readdirSync(walDir)).toEqual([]); // every saved flush removed once stored
  });

  it("shares flushes among workspaces: a small batch does not wait behind another tenant's burst (tracker issue 23, item 8)", async () => {
    inserts = [];
    const ingest = service(new IngestCoalescer(db, { maxRows: 2_000 }));
    const settled: string[] = [];
    const burst = Array.from({ length: 12 }, (_, i) =>
      ingest.ingest('ws_burst', body(`burst${i}`, 1_000), 'application/x-ndjson', null, now).then(() => settled.push(`burst${i}`)),
    );
    const small = ingest.ingest('ws_small', body('small', 10), 'application/x-ndjson', null, now).then(() => settled.push('small'));
    await Promise.all([...burst, small]);
    // Two of the burst's batches fit a flush, and the first two flushes start before the small batch
    // arrives. First come, first served, it went in the last flush, after all twelve; taken in turn,
    // it goes in the first flush that starts after it arrived, behind four of them.
    expect(settled.indexOf('small')).toBeLessThanOrEqual(5);
    expect(inserts.reduce((a, b) => a + b, 0)).toBe(12_010);
  });

  it('never writes more than maxRows in one insert of several requests', async () => {
    inserts = [];
    const ingest = service(new IngestCoalescer(db, { maxRows: 1000 }));
    await Promise.all(Array.from({ length: 8 }, (_, i) => ingest.ingest('ws_c', body(`cap${i}`, 400), 'application/x-ndjson', null, now)));
    expect(inserts.reduce((a, b) => a + b, 0)).toBe(3200);
    expect(Math.max(...inserts)).toBeLessThanOrEqual(1000);
  });

  it('stores a merged flush once when the process dies between its rows and its records; every retry is a replay', async () => {
    const bodies = Array.from({ length: 4 }, (_, i) => body(`crash${i}`, 300));
    failRecords = true;
    const dying = new IngestCoalescer(db, { log: new FlushLogFiles(walDir) });
    const first = await Promise.allSettled(bodies.map((b, i) => service(dying).ingest('ws_c', b, 'application/x-ndjson', `crash-${i}`, now)));
    dying.stop(); // the process is gone: its memory of the unwritten flush with it
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(await stored('crash0')).toBe(600); // rows stored, not acknowledged
    expect(fs.readdirSync(walDir).length).toBeGreaterThan(0);

    failRecords = false;
    const restarted = new IngestCoalescer(db, { log: new FlushLogFiles(walDir) });
    expect((await restarted.recover()).pending).toBeGreaterThan(0);
    expect(fs.readdirSync(walDir)).toEqual([]);
    const retries: IngestResult[] = [];
    for (let i = 0; i < 4; i++) retries.push(await service(restarted).ingest('ws_c', bodies[i], 'application/x-ndjson', `crash-${i}`, now));
    expect(retries.map((r) => [r.duplicate, r.events])).toEqual(Array.from({ length: 4 }, () => [true, 600]));
    for (let i = 0; i < 4; i++) expect([await stored(`crash${i}`), await storedHour(`crash${i}`), await duplicated(`crash${i}`)]).toEqual([600, 600, 0]);
  });

  it('answers a retry in the same process by writing the saved flush first (its key found, nothing stored twice)', async () => {
    failRecords = true;
    const coalescer = new IngestCoalescer(db, { log: new FlushLogFiles(walDir) });
    const ingest = service(coalescer);
    const bodies = [body('again0', 200), body('again1', 200)];
    const first = await Promise.allSettled(bodies.map((b, i) => ingest.ingest('ws_c', b, 'application/x-ndjson', `again-${i}`, now)));
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(coalescer.backlog).toBeGreaterThan(0);
    failRecords = false;
    const retry = await ingest.ingest('ws_c', bodies[1], 'application/x-ndjson', 'again-1', now);
    expect([retry.duplicate, retry.events]).toEqual([true, 400]);
    expect([await stored('again0'), await stored('again1'), await duplicated('again1')]).toEqual([400, 400, 0]);
    coalescer.stop();
  });

  it('drops a write-ahead file left half-written by a crash (it was never handed to the engine)', async () => {
    const dir = path.join(dataDir, 'wal-torn');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'abc.flush.tmp'), '{"v":1,"tok');
    const coalescer = new IngestCoalescer(db, { log: new FlushLogFiles(dir) });
    expect(await coalescer.recover()).toEqual({ pending: 0, held: 0 });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('never saves a request without a key: refused with the others, it is stored once by its own retry', async () => {
    const dir = path.join(dataDir, 'wal-mixed');
    const coalescer = new IngestCoalescer(db, { log: new FlushLogFiles(dir) });
    const ingest = service(coalescer);
    refuse = 'dst_mixed';
    const first = await Promise.allSettled([
      ingest.ingest('ws_c', body('mixed', 10), 'application/x-ndjson', null, now),
      ingest.ingest('ws_c', body('mixedkey', 10), 'application/x-ndjson', 'mixed-key', now),
    ]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    refuse = null;
    expect((await ingest.ingest('ws_c', body('mixed', 10), 'application/x-ndjson', null, now)).duplicate).toBe(false);
    await coalescer.close(); // writes what is saved: only the keyed request's flush
    expect([await stored('mixed'), await stored('mixedkey')]).toEqual([20, 20]);
    expect((await ingest.ingest('ws_c', body('mixedkey', 10), 'application/x-ndjson', 'mixed-key', now)).duplicate).toBe(true);
  });

  it('holds a saved flush the engine keeps refusing for a reason that is not transient: its keys stay refused, across a restart, until an operator resolves it', async () => {
    const dir = path.join(dataDir, 'wal-poison');
    const coalescer = new IngestCoalescer(db, { log: new FlushLogFiles(dir), savedMaxAgeMs: 300 });
    const ingest = service(coalescer);
    refuse = 'dst_poison';
    const bodies = [body('poison', 5), body('innocent', 5)];
    const first = await Promise.allSettled(bodies.map((b, i) => ingest.ingest('ws_c', b, 'application/x-ndjson', `poison-${i}`, now)));
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(coalescer.backlog).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 400));
    // Part of a refused flush may be stored: its keys are never released to be stored again.
    await expect(ingest.ingest('ws_c', bodies[1], 'application/x-ndjson', 'poison-1', now)).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      details: { retryAfterSeconds: 60 },
    });
    expect([coalescer.backlog, coalescer.held, await stored('innocent')]).toEqual([0, 1, 0]);
    const [held] = fs.readdirSync(path.join(dir, 'failed')).filter((f) => f.endsWith('.flush'));
    expect(held).toBeDefined();
    coalescer.stop();

    // A restart still refuses the held keys, and says how many are held.
    const restarted = new IngestCoalescer(db, { log: new FlushLogFiles(dir) });
    expect(await restarted.recover()).toEqual({ pending: 0, held: 1 });
    await expect(service(restarted).ingest('ws_c', bodies[1], 'application/x-ndjson', 'poison-1', now)).rejects.toThrow(
      /held for an operator \(ingest-wal\/failed\//,
    );
    restarted.stop();

    // The operator fixed the cause and moved the file back: the next start writes it, and the retries are replays.
    refuse = null;
    fs.renameSync(path.join(dir, 'failed', held), path.join(dir, held));
    const fixed = new IngestCoalescer(db, { log: new FlushLogFiles(dir) });
    expect(await fixed.recover()).toEqual({ pending: 1, held: 0 });
    const retry = await service(fixed).ingest('ws_c', bodies[1], 'application/x-ndjson', 'poison-1', now);
    expect([retry.duplicate, await stored('innocent'), await stored('poison')]).toEqual([true, 10, 10]);
    await fixed.close();
  });

  it('writes refused saved flushes once more on a graceful stop, leaving nothing behind', async () => {
    const dir = path.join(dataDir, 'wal-close');
    const coalescer = new IngestCoalescer(db, { log: new FlushLogFiles(dir) });
    failRecords = true;
    await expect(service(coalescer).ingest('ws_c', body('close', 5), 'application/x-ndjson', 'close-0', now)).rejects.toThrow('killed');
    expect(coalescer.backlog).toBe(1);
    failRecords = false;
    expect(await coalescer.close()).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect((await service(new IngestCoalescer(db)).ingest('ws_c', body('close', 5), 'application/x-ndjson', 'close-0', now)).duplicate).toBe(true);
  });

  it('without keyed merging (a ClickHouse server with replicas), a keyed request keeps its own token: a retry on another replica stores nothing twice', async () => {
    inserts = [];
    const replicaA = new IngestCoalescer(db, { log: new FlushLogFiles(path.join(dataDir, 'wal-a')), coalesceKeyed: false });
    const replicaB = new IngestCoalescer(db, { log: new FlushLogFiles(path.join(dataDir, 'wal-b')), coalesceKeyed: false });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => service(replicaA).ingest('ws_c', body(`alone${i}`, 50), 'application/x-ndjson', `alone-${i}`, now)),
    );
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(inserts).toEqual([50, 50, 50, 50]); // one insert per keyed request
    failRecords = true;
    await expect(service(replicaA).ingest('ws_c', body('replica', 30), 'application/x-ndjson', 'replica-0', now)).rejects.toThrow('killed');
    failRecords = false;
    expect(fs.existsSync(path.join(dataDir, 'wal-a'))).toBe(false); // nothing saved: the token alone makes the retry exact
    const retry = await service(replicaB).ingest('ws_c', body('replica', 30), 'application/x-ndjson', 'replica-0', now);
    expect([retry.duplicate, await stored('replica'), await duplicated('replica')]).toEqual([false, 60, 0]);
  });

  it('moves a damaged saved flush aside at start instead of refusing to start', async () => {
    const dir = path.join(dataDir, 'wal-damaged');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'deadbeef.flush'), '{"v":1,"token":"deadbeef","createdAt":0,"records":[],"sizes":[10,0,0]}\nshort');
    // Parseable, but not a flush's header: damaged too (it used to stop the gateway from starting).
    fs.writeFileSync(path.join(dir, 'cafe.flush'), '{"v":1,"token":"cafe","createdAt":0,"sizes":[0,0,0]}\n');
    const coalescer = new IngestCoalescer(db, { log: new FlushLogFiles(dir) });
    expect(await coalescer.recover()).toEqual({ pending: 0, held: 0 });
    expect(fs.readdirSync(path.join(dir, 'failed', 'damaged')).sort()).toEqual(['cafe.flush', 'deadbeef.flush']);
  });
});
