import type { Db } from './client';

/**
 * How long (seconds) the embedded engine keeps the parts a merge replaced: ClickHouse's own
 * server default. chDB ships 0, and that turns a full disk into lost rows: when the disk fills
 * while a merge writes its new part, the engine (chDB 3.4.0, engine 26.7) can still commit that
 * part with empty or cut files (checksums.txt of 0 bytes; reads of it fail with "Empty marks
 * file"), and with 0 s it deletes the merged-away parts within seconds. The next start then sets
 * the broken part aside (`detached/broken-on-start_…`) and nothing holds its rows: the durability
 * harness lost 27,719 acknowledged reports so. Kept 8 minutes, the replaced parts are still on
 * disk at a restart within that time, and the start brings them back in place of the broken one.
 * A server keeps its own default (480); this is for the embedded engine only.
 */
export const MERGED_AWAY_PARTS_SECONDS = 480;

/** Sets `old_parts_lifetime` on every MergeTree table of the database that lacks it (embedded engine only); returns the tables changed. */
export async function keepMergedAwayParts(db: Db): Promise<string[]> {
  if (db.backend !== 'embedded') return [];
  const tables = await db.query<{ name: string; create: string }>({
    family: 'migrate',
    sql: `SELECT name, create_table_query AS create FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree'`,
    params: { db: db.database },
  });
  const setting = `old_parts_lifetime = ${MERGED_AWAY_PARTS_SECONDS}`;
  const changed: string[] = [];
  for (const t of tables) {
    if (t.create.includes(setting)) continue;
    await db.command({ family: 'migrate', sql: `ALTER TABLE ${db.database}.${t.name} MODIFY SETTING ${setting}` });
    changed.push(t.name);
  }
  return changed;
}
