import type { Db } from '../../src/clickhouse/client';

/**
 * Databases a jest worker migrates once and empties for each use. Applying the 53 migrations
 * to a new database took 0.9–2 s per gateway (a hundred gateways a run); emptying a migrated
 * one (TRUNCATE of every table but the migration ledger) takes a tenth of that, and the next
 * start's migrate() only reads the ledger. Every test file still starts from an empty
 * database of its own: files of a worker run one after another, and each worker has its own
 * engine directory (workerDataDir). TRUNCATE also empties a table's deduplication log, so a
 * token a previous file used is not taken for a retry.
 */
const inUse = new Set<string>();

/** The first pooled database no gateway of this test file holds; released by `releasePooledDatabase`. */
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

/** Empties every table of the database but `schema_migrations`, if anything is stored (a previous file's rows). */
export async function emptyDatabase(db: Db): Promise<void> {
  const tables = await db.query<{ name: string }>({
    family: 'test',
    sql: `SELECT DISTINCT table AS name FROM system.parts WHERE database = {db:String} AND active AND table != 'schema_migrations'`,
    params: { db: db.database },
  });
  for (const t of tables) await db.command({ family: 'test', sql: `TRUNCATE TABLE ${db.database}.${t.name} SYNC` });
}

export async function releasePooledDatabase(db: Db): Promise<void> {
  await emptyDatabase(db).catch(() => undefined);
  inUse.delete(db.database);
}
