import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/clickhouse/client';

/**
 * Databases a jest worker migrates once and empties for each use. Applying the 53 migrations
 * to a new database took 0.9–2.5 s per gateway (a hundred gateways a run); emptying a migrated
 * one (TRUNCATE of every table but the migration ledger) takes a tenth of that, and the next
 * start's migrate() only reads the ledger. Every test file still starts from an empty database
 * of the migrations' schema: files of a worker run one after another, each worker has its own
 * engine directory (workerDataDir), and TRUNCATE also empties a table's deduplication log, so a
 * token a previous file used is not taken for a retry. A test that changed the schema (a view
 * of its own on delivery_events, a table setting) leaves a database that is dropped, not reused:
 * its tables' definitions are compared with those recorded right after the migrations.
 */
const inUse = new Set<string>();

/** The first pooled database no gateway of this test file holds; given back by `releasePooledDatabase`. */
export function takePooledDatabase(): string {
  for (let slot = 0; ; slot++) {
    const name = `t_pool_${slot}`;
    if (inUse.has(name)) continue;
    inUse.add(name);
    return name;
  }
}

export function isPooledDatabase(name: string): boolean {
  return inUse.has(name);
}

const recordFile = (dataDir: string, database: string) => path.join(dataDir, `${database}.schema`);

/** A hash of every table's and view's definition, the database's own name taken out. */
async function schemaOf(db: Db): Promise<string> {
  const rows = await db.query<{ name: string; q: string }>({
    family: 'test',
    sql: `SELECT name, create_table_query AS q FROM system.tables WHERE database = {db:String} ORDER BY name`,
    params: { db: db.database },
  });
  const text = rows.map((r) => `${r.name}\t${r.q.replaceAll(db.database, '<db>')}`).join('\n');
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Before a gateway starts: the database emptied, or dropped when its schema is not the recorded one (the migrations then create it anew). */
export async function preparePooledDatabase(db: Db, dataDir: string): Promise<void> {
  const recorded = fs.existsSync(recordFile(dataDir, db.database)) ? fs.readFileSync(recordFile(dataDir, db.database), 'utf8') : null;
  if (recorded !== null && recorded === (await schemaOf(db))) return emptyDatabase(db);
  fs.rmSync(recordFile(dataDir, db.database), { force: true });
  await db.command({ family: 'test', sql: `DROP DATABASE IF EXISTS ${db.database} SYNC` });
  await db.command({ family: 'test', sql: `CREATE DATABASE ${db.database}` });
}

/** After the gateway started (so migrated), before the test runs anything: the schema to come back to. */
export async function recordPooledSchema(db: Db, dataDir: string): Promise<void> {
  if (!fs.existsSync(recordFile(dataDir, db.database))) fs.writeFileSync(recordFile(dataDir, db.database), await schemaOf(db));
}

/** Empties every table of the database but `schema_migrations` that holds anything. */
async function emptyDatabase(db: Db): Promise<void> {
  const tables = await db.query<{ name: string }>({
    family: 'test',
    sql: `SELECT DISTINCT table AS name FROM system.parts WHERE database = {db:String} AND active AND table != 'schema_migrations'`,
    params: { db: db.database },
  });
  for (const t of tables) await db.command({ family: 'test', sql: `TRUNCATE TABLE ${db.database}.${t.name} SYNC` });
}

/** When the test closes its gateway: emptied for the next file, or dropped if the test changed its schema. */
export async function releasePooledDatabase(db: Db, dataDir: string): Promise<void> {
  try {
    await preparePooledDatabase(db, dataDir);
  } catch {
    // The next take drops and recreates it.
    fs.rmSync(recordFile(dataDir, db.database), { force: true });
  }
  inUse.delete(db.database);
}
