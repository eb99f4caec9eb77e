import { type Db } from '../../src/clickhouse/client';
import { openDb } from '../../src/clickhouse/open';
import { describeFailure, StepFailure } from '../../src/cli/failure';
import { AppError, ErrorCode } from '../../src/domain/errors';
import { report, startTestGateway, uniqueDatabase, workerDataDir } from '../helpers/gateway';

/**
 * Writes have their own time limit. The embedded engine keeps a read's
 * `max_execution_time` in its session, so before, a slow insert on a busy machine failed
 * on the 10-second read limit, and chDB's insert error (`code: 'CHDB_INSERT'`,
 * `clickhouseCode: 159`) left as 500 "Internal error.". A materialized view that sleeps
 * makes an insert slow on purpose.
 */
const DATABASE = uniqueDatabase('write_timeout');
const SLOW_SECONDS = 1.5;

async function withDb<T>(writeTimeoutSeconds: number | undefined, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ url: null, database: DATABASE, dataDir: workerDataDir(), queryTimeoutSeconds: 1, writeTimeoutSeconds });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  await withDb(undefined, async (db) => {
    await db.command({ family: 'test', sql: `CREATE TABLE ${DATABASE}.slow (x UInt64) ENGINE = MergeTree ORDER BY x` });
    await db.command({ family: 'test', sql: `CREATE TABLE ${DATABASE}.slow_sink (x UInt64, s UInt8) ENGINE = MergeTree ORDER BY x` });
    await db.command({
      family: 'test',
      sql: `CREATE MATERIALIZED VIEW ${DATABASE}.slow_mv TO ${DATABASE}.slow_sink AS SELECT x, sleepEachRow(${SLOW_SECONDS}) AS s FROM ${DATABASE}.slow`,
    });
  });
}, 60_000);

afterAll(async () => {
  await withDb(undefined, (db) => db.command({ family: 'test', sql: `DROP DATABASE IF EXISTS ${DATABASE}` }));
});

const insertOne = (db: Db, x: number) => db.insert({ family: 'test', table: 'slow', body: Buffer.from(`{"x":${x}}\n`), dedupToken: `slow-${x}-${Date.now()}` });

describe('writes under their own time limit', () => {
  it('an insert slower than the read timeout succeeds after a read set that timeout', async () => {
    await withDb(undefined, async (db) => {
      await db.query({ family: 'test', sql: 'SELECT 1 AS one' }); // leaves max_execution_time = 1 in the session
      await insertOne(db, 1);
      const rows = await db.query<{ n: number }>({ family: 'test', sql: `SELECT count() AS n FROM ${DATABASE}.slow_sink WHERE x = 1` });
      expect(Number(rows[0].n)).toBe(1);
    });
  }, 30_000);

  it('an insert past WRITE_TIMEOUT_SECONDS is a classified timeout with Retry-After, and the CLI prints its cause', async () => {
    const err = await withDb(1, (db) =>
      insertOne(db, 2).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(ErrorCode.QUERY_TIMEOUT);
    expect((err as AppError).details).toEqual({ retryAfterSeconds: 5 });
    const lines = describeFailure(new StepFailure('backfilling demo data', err));
    expect(lines[0]).toMatch(/^error: backfilling demo data: The metrics store took longer/);
    expect(lines[1]).toMatch(/^cause: Code: 159\. .*Timeout exceeded/);
  }, 30_000);
});

describe('an ingest flush that runs out of time', () => {
  it('answers 504 QUERY_TIMEOUT with Retry-After, not 500', async () => {
    const t = await startTestGateway('write_timeout_ingest', { WRITE_TIMEOUT_SECONDS: '1' });
    try {
      const db = t.gateway.db.database;
      await t.gateway.db.command({ family: 'test', sql: `CREATE TABLE ${db}.slow_ingest_sink (s UInt8) ENGINE = Null` });
      await t.gateway.db.command({
        family: 'test',
        sql: `CREATE MATERIALIZED VIEW ${db}.slow_ingest TO ${db}.slow_ingest_sink AS SELECT sleepEachRow(${SLOW_SECONDS}) AS s FROM ${db}.delivery_events`,
      });
      const token = await t.token('ws_slow', ['ingest']);
      const res = await fetch(`${t.url}/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'slow-1' },
        body: JSON.stringify([report()]),
      });
      const body = (await res.json()) as { error: { code: string } };
      expect({ status: res.status, code: body.error.code, retryAfter: res.headers.get('retry-after') }).toEqual({
        status: 504,
        code: 'QUERY_TIMEOUT',
        retryAfter: '5',
      });
    } finally {
      await t.close();
    }
  }, 60_000);
});
