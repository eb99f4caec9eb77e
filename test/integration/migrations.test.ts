import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db } from '../../src/clickhouse/client';
import { dbOptionsOf, openDb } from '../../src/clickhouse/open';
import { migrate, MIGRATIONS_DIR, migrationsApplied } from '../../src/clickhouse/migrations';
import { testConfig } from '../helpers/gateway';

let db: Db;
const config = testConfig('migrations');
const target = { database: config.clickhouse.database, cluster: null };

beforeAll(async () => {
  db = await openDb(dbOptionsOf(config));
});
afterAll(async () => db.close());

async function schemaSnapshot(): Promise<unknown[]> {
  return db.query({
    family: 'test',
    sql: `SELECT name, engine, create_table_query FROM system.tables WHERE database = {db:String} ORDER BY name`,
    params: { db: config.clickhouse.database },
  });
}

describe('migration runner', () => {
  it('applies every file once; a second run changes nothing', async () => {
    const first = await migrate(db, target);
    const files = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(first.applied).toEqual(files);
    const before = await schemaSnapshot();
    const recorded = await db.query({ family: 'test', sql: `SELECT version FROM ${config.clickhouse.database}.schema_migrations ORDER BY version` });
    const second = await migrate(db, target);
    expect(second).toEqual({ applied: [], skipped: files.length });
    expect(await schemaSnapshot()).toEqual(before);
    expect(await db.query({ family: 'test', sql: `SELECT version FROM ${config.clickhouse.database}.schema_migrations ORDER BY version` })).toEqual(recorded);
    expect(await migrationsApplied(db, target)).toBe(true);
  });

  it('stops at a broken file, naming it and the ClickHouse error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, '9001_broken_thing.sql'), 'CREATE TABLE IF NOT EXISTS {{db}}.broken (x Nope) ENGINE = MergeTree ORDER BY x');
    fs.writeFileSync(path.join(dir, '9002_never_reached.sql'), 'CREATE TABLE IF NOT EXISTS {{db}}.never (x UInt8) ENGINE = MergeTree ORDER BY x');
    await expect(migrate(db, target, dir)).rejects.toThrow(/^Migration 9001_broken_thing\.sql failed: .*Nope/);
    const tables = await db.query<{ name: string }>({
      family: 'test',
      sql: `SELECT name FROM system.tables WHERE database = {db:String} AND name IN ('broken', 'never')`,
      params: { db: config.clickhouse.database },
    });
    expect(tables).toEqual([]);
    expect(await migrationsApplied(db, target, dir)).toBe(false);
  });

  it('refuses a changed file that was already applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    fs.appendFileSync(path.join(dir, '0001_create_delivery_events.sql'), '\n-- edited\n');
    await expect(migrate(db, target, dir)).rejects.toThrow(/0001_create_delivery_events\.sql was changed after it was applied/);
  });
});
