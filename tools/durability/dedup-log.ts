import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/clickhouse/client';

/** A MergeTree part name: <partition id>_<min block>_<max block>_<level>[_<mutation>]. */
const PART_NAME = /^(.*?)_(\d+)_(\d+)_(\d+)(?:_(\d+))?$/;

/**
 * Reads a non-replicated MergeTree table's deduplication log (`<data path>/deduplication_logs/
 * deduplication_log_N.txt`: lines `1|2 TAB part name TAB block id`, 1 = add, 2 = drop) and returns
 * the remembered block ids whose block number no active part covers. ClickHouse writes the
 * record (MergeTreeSink::commitPart → MergeTreeDeduplicationLog::addPart) before it renames the
 * temporary part into place, and does not check the log against the parts when it loads the
 * table, so a process killed between the two leaves exactly such an orphan.
 */
export async function orphanDedupRecords(db: Db, table: string): Promise<{ records: number; orphans: { part: string; blockId: string }[] }> {
  const [info] = await db.query<{ data_paths: string[] }>({
    family: 'durability',
    sql: 'SELECT data_paths FROM system.tables WHERE database = {db:String} AND name = {t:String}',
    params: { db: db.database, t: table },
  });
  const parts = await db.query<{ partition_id: string; min_block_number: number; max_block_number: number }>({
    family: 'durability',
    sql: 'SELECT partition_id, min_block_number, max_block_number FROM system.parts WHERE database = {db:String} AND table = {t:String} AND active',
    params: { db: db.database, t: table },
  });
  const remembered = new Map<string, string>();
  for (const dataPath of info?.data_paths ?? []) {
    const dir = path.join(dataPath, 'deduplication_logs');
    if (!fs.existsSync(dir)) continue;
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^deduplication_log_\d+\.txt$/.test(f))
      .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
    for (const f of files) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const [op, part, blockId] = line.split('\t');
        if (!blockId) continue;
        if (op === '2') remembered.delete(blockId);
        else remembered.set(blockId, part);
      }
    }
  }
  const orphans: { part: string; blockId: string }[] = [];
  for (const [blockId, part] of remembered) {
    const m = PART_NAME.exec(part);
    if (!m) continue;
    const [, partition, min, max] = m;
    const covered = parts.some((p) => p.partition_id === partition && Number(p.min_block_number) <= Number(min) && Number(p.max_block_number) >= Number(max));
    if (!covered) orphans.push({ part, blockId });
  }
  return { records: remembered.size, orphans };
}
