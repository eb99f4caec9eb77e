import fs from 'node:fs';
import path from 'node:path';
import { type Db, type InsertOptions } from '../../src/clickhouse/client';
import { openDb } from '../../src/clickhouse/open';
import { migrate } from '../../src/clickhouse/migrations';
import { AppError } from '../../src/domain/errors';
import { IngestCoalescer } from '../../src/ingest/coalescer';
import { FlushLogFiles } from '../../src/ingest/flush-log-files';
import { IngestService } from '../../src/ingest/ingest.service';
import { mountSmallDisk } from '../helpers/full-disk';
import { startTestGateway } from '../helpers/gateway';

/**
 * A real full disk (a size-limited tmpfs holding the engine's data and the saved flushes):
 * acknowledged batches are never stored twice, however long the disk stays full, and every
 * refusal while it is full is a 503 or 504 with Retry-After. Needs root to mount; skipped
 * (and said so) otherwise.
 */
const disk = mountSmallDisk(256);
if (!disk) process.stderr.write('full-disk.test.ts: skipped, mounting a tmpfs needs root\n');
const describeWithDisk = disk ? describe : describe.skip;
afterAll(() => disk?.unmount());

const NOW = Date.now();
const limits = { maxBodyBytes: 1e7, maxRecords: 1e4, maxRecordBytes: 65536, sampleMaxBytes: 8192 };
const body = (tag: string, n: number) =>
  Buffer.from(
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        timestamp: new Date(NOW - 60_000 - i).toISOString(),
        sourceId: 'src_f',
        destinationId: 'dst_full',
        destinationKind: 'classic',
        step: 'delivered',
        count: 3,
        messageId: `${tag}-${i}`,
      }),
    ).join('\n'),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refusal(p: Promise<unknown>): Promise<{ code: string; retryAfter: unknown }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return { code: err.code, retryAfter: err.details?.retryAfterSeconds };
}

describeWithDisk('a merged flush whose rows were stored when the disk filled up before its records', () => {
  let db: Db;
  /** delivery_events inserts that reached the engine. */
  let eventInserts = 0;
  let fillAfterEvents = false;
  const database = 'fulldisk';
  /** Set, the next delivery_events insert waits for it: a flush held in flight while the test lines up the next. */
  let gate: Promise<void> | null = null;
  let gateReached: () => void = () => undefined;
  const stored = async () =>
    Number(
      (await db.query<{ n: number }>({ family: 'test', sql: `SELECT sum(count) AS n FROM ${database}.delivery_events WHERE workspace_id = 'ws_f'` }))[0].n,
    );
  const duplicated = async () =>
    Number(
      (
        await db.query<{ n: number }>({
          family: 'test',
          sql: `SELECT count() AS n FROM (SELECT message_id FROM ${database}.delivery_events GROUP BY message_id HAVING count() > 1)`,
        })
      )[0].n,
    );

  beforeAll(async () => {
    db = await openDb({ url: null, database, dataDir: path.join(disk!.dir, 'a'), queryTimeoutSeconds: 30 });
    await migrate(db, { database, cluster: null });
    const insert = db.insert.bind(db);
    db.insert = async (opts: InsertOptions) => {
      if (opts.table === 'delivery_events' && gate) {
        const held = gate;
        gate = null;
        gateReached();
        await held;
      }
      await insert(opts);
      if (opts.table !== 'delivery_events') return;
      eventInserts++;
      if (fillAfterEvents) disk!.fill(); // the disk fills between the flush's rows and its records
    };
  }, 60_000);
  afterAll(async () => {
    disk!.free();
    await db?.close();
  });

  it('keeps the keys refused (503, Retry-After) for as long as the disk is full, then answers every retry as a replay: stored once', async () => {
    const walDir = path.join(disk!.dir, 'a', 'ingest-wal');
    // Given up after 1.5 s of refusals that are not transient: a full disk must outlast it.
    // The four keyed requests must go in one flush whatever the machine's speed: another
    // workspace's flush is held in flight, so they wait until their 1,000 rows start one.
    const coalescer = new IngestCoalescer(db, { log: new FlushLogFiles(walDir), savedMaxAgeMs: 1_500, maxRows: 1_000, maxDelayMs: 5_000 });
    const ingest = new IngestService(db, limits, 10, undefined, coalescer);
    const bodies = Array.from({ length: 4 }, (_, i) => body(`k${i}`, 250));
    let release: () => void = () => undefined;
    gate = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (gateReached = r));
    const blocker = ingest.ingest('ws_block', body('block', 10), 'application/x-ndjson', null, NOW).catch(() => null);
    await reached;
    fillAfterEvents = true;
    const first = await Promise.all(bodies.map((b, i) => refusal(ingest.ingest('ws_f', b, 'application/x-ndjson', `key-${i}`, NOW))));
    fillAfterEvents = false;
    release();
    await blocker; // refused by the full disk, or stored: another workspace's rows either way
    for (const r of first) expect(r).toEqual({ code: expect.stringMatching(/^(UPSTREAM_UNAVAILABLE|QUERY_TIMEOUT)$/), retryAfter: 5 });
    expect(await stored()).toBe(4 * 250 * 3); // the rows are in; nothing was acknowledged
    expect(coalescer.writesFailing(Date.now())).not.toBeNull();
    // The flush's name says its rows are stored: a later start writes only its records.
    expect(fs.readdirSync(walDir).filter((f) => f.endsWith('.flush'))).toEqual([expect.stringMatching(/^[0-9a-f]+\.7\.flush$/)]);

    // Four times the give-up age, the producers retrying all along: refused every time.
    const until = Date.now() + 6_000;
    while (Date.now() < until) {
      expect(await refusal(ingest.ingest('ws_f', bodies[1], 'application/x-ndjson', 'key-1', NOW))).toMatchObject({ retryAfter: expect.any(Number) });
      await sleep(500);
    }
    expect(coalescer.held).toBe(0);

    disk!.free();
    const insertsBefore = eventInserts;
    const retries = [];
    for (let i = 0; i < 4; i++) retries.push(await ingest.ingest('ws_f', bodies[i], 'application/x-ndjson', `key-${i}`, NOW));
    expect(retries.map((r) => [r.duplicate, r.events])).toEqual(Array.from({ length: 4 }, () => [true, 750]));
    expect(eventInserts).toBe(insertsBefore); // only the records were written
    expect([await stored(), await duplicated()]).toEqual([4 * 250 * 3, 0]);
    expect(coalescer.writesFailing(Date.now())).toBeNull();
    expect(fs.readdirSync(walDir).filter((f) => f.endsWith('.flush'))).toEqual([]);
    coalescer.stop();
  }, 60_000);
});

describeWithDisk('the gateway over HTTP while its disk is full', () => {
  it('answers keyed and unkeyed batches 503 with Retry-After, says not ready, and recovers when space returns', async () => {
    const t = await startTestGateway('fulldisk_http', { DATA_DIR: path.join(disk!.dir, 'b') });
    try {
      const token = await t.token('ws_h', ['ingest']);
      const post = (key: string | null) =>
        fetch(`${t.url}/v1/ingest`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', ...(key ? { 'idempotency-key': key } : {}) },
          body: body(key ?? 'unkeyed', 50),
        });
      disk!.fill();
      for (const key of ['h-1', null]) {
        const res = await post(key);
        const answer = (await res.json()) as { error: { code: string } };
        expect({ status: res.status, code: answer.error.code, retryAfter: res.headers.get('retry-after') }).toEqual({
          status: 503,
          code: 'UPSTREAM_UNAVAILABLE',
          retryAfter: '5',
        });
      }
      const notReady = await fetch(`${t.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(((await notReady.json()) as { reason: string }).reason).toMatch(/^writes are refused/);
      disk!.free();
      expect((await post('h-1')).status).toBe(200);
      expect((await post(null)).status).toBe(200);
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    } finally {
      disk!.free();
      await t.close();
    }
  }, 60_000);
});
