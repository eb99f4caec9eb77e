import { type Db } from '../../src/clickhouse/client';
import { dbOptionsOf, openDb } from '../../src/clickhouse/open';
import { AppError } from '../../src/domain/errors';
import { testConfig } from '../helpers/gateway';

let db: Db;
beforeAll(async () => {
  db = await openDb({ ...dbOptionsOf(testConfig('guardrails')), queryTimeoutSeconds: 1 });
});
afterAll(async () => db.close());

async function failure(sql: string): Promise<AppError> {
  try {
    await db.query({ family: 'test', sql });
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected the query to fail');
}

describe('ClickHouse guardrails applied to every read, classified by code', () => {
  it('stops a read at max_execution_time with QUERY_TIMEOUT', async () => {
    const err = await failure('SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) = 0');
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(err.message).not.toMatch(/SELECT|numbers/);
  });

  it('refuses results over max_result_rows with QUERY_TOO_COMPLEX', async () => {
    const err = await failure('SELECT number FROM numbers(2000000)');
    expect(err.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('maps other engine errors to INTERNAL_SERVER_ERROR without SQL in the message', async () => {
    const err = await failure('SELECT * FROM no_such_table_anywhere');
    expect(err.code).toBe('INTERNAL_SERVER_ERROR');
    expect(err.message).not.toMatch(/no_such_table/);
  });
});

describe('per-call settings in the embedded engine', () => {
  it('do not outlive their call: a dedup token on one statement never swallows later inserts', async () => {
    await db.command({
      family: 'test',
      sql: `CREATE TABLE IF NOT EXISTS ${db.database}.leak (k String) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100`,
    });
    await db.command({
      family: 'test',
      sql: `INSERT INTO ${db.database}.leak VALUES ('first')`,
      settings: { insert_deduplication_token: 'one-statement-only' },
    });
    await db.command({ family: 'test', sql: `INSERT INTO ${db.database}.leak VALUES ('second')` });
    await db.command({ family: 'test', sql: `INSERT INTO ${db.database}.leak VALUES ('third')` });
    const rows = await db.query<{ k: string }>({ family: 'test', sql: `SELECT k FROM ${db.database}.leak ORDER BY k` });
    expect(rows.map((r) => r.k)).toEqual(['first', 'second', 'third']);
    const [setting] = await db.query<{ v: string }>({
      family: 'test',
      sql: "SELECT getSetting('insert_deduplication_token') AS v",
      settings: { max_threads: 1 },
    });
    expect(setting.v).toBe('');
  });
});
