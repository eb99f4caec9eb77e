import fs from 'node:fs';
import path from 'node:path';

/** A MergeTree part name: <partition id>_<min block>_<max block>_<level>[_<mutation>]. */
const PART_NAME = /^(.*?)_(\d+)_(\d+)_(\d+)(?:_(\d+))?$/;
const LOG_FILE = /^deduplication_log_(\d+)\.txt$/;

export interface DedupOrphan {
  table: string;
  part: string;
  blockId: string;
}

/**
 * Orphaned deduplication records, read from the files of a stopped engine: nothing opens the
 * data (the product's `openDb` repairs orphans before anyone could count them), so this is what
 * a kill left behind. Each table of `database` is `<dataDir>/clickhouse/data/<database>/<table>`
 * (a link into `store/`); its log is `deduplication_logs/deduplication_log_N.txt`, lines
 * `1|2 TAB part TAB block id` (1 remembers a block, 2 forgets it), and its parts are its
 * directories. A remembered block whose part's block range no part directory covers is an
 * orphan: ClickHouse appends the record (MergeTreeSink::commitPart →
 * MergeTreeDeduplicationLog::addPart) before it renames `tmp_insert_<part>` into place, and a
 * process killed in between leaves the record without the part; a retry of that block would
 * be taken for a duplicate and stored nowhere in that table.
 */
export function scanDedupOrphans(dataDir: string, database: string): { tables: number; records: number; orphans: DedupOrphan[] } {
  const dbDir = path.join(dataDir, 'clickhouse', 'data', database);
  if (!fs.existsSync(dbDir)) return { tables: 0, records: 0, orphans: [] };
  let tables = 0;
  let records = 0;
  const orphans: DedupOrphan[] = [];
  for (const table of fs.readdirSync(dbDir).sort()) {
    const tableDir = path.join(dbDir, table);
    const remembered = rememberedBlocks(path.join(tableDir, 'deduplication_logs'));
    if (remembered === null) continue;
    tables++;
    records += remembered.size;
    const parts = partRanges(tableDir);
    for (const [blockId, part] of remembered) {
      const m = PART_NAME.exec(part);
      if (!m) continue;
      const [, partition, min, max] = m;
      const covered = parts.some((p) => p.partition === partition && p.min <= Number(min) && p.max >= Number(max));
      if (!covered) orphans.push({ table, part, blockId });
    }
  }
  return { tables, records, orphans };
}

/** Block id → part name of every block a table's log still remembers; null when the table keeps no log. */
function rememberedBlocks(logDir: string): Map<string, string> | null {
  if (!fs.existsSync(logDir)) return null;
  const files = fs
    .readdirSync(logDir)
    .filter((f) => LOG_FILE.test(f))
    .sort((a, b) => Number(LOG_FILE.exec(a)![1]) - Number(LOG_FILE.exec(b)![1]));
  const remembered = new Map<string, string>();
  for (const f of files) {
    for (const line of fs.readFileSync(path.join(logDir, f), 'utf8').split('\n')) {
      const [op, part, blockId] = line.split('\t');
      if (!blockId) continue; // a torn last line (the kill landed mid-write) names no block
      if (op === '2') remembered.delete(blockId);
      else if (op === '1') remembered.set(blockId, part);
    }
  }
  return remembered;
}

/** The block ranges of a table's part directories (temporary and detached ones are not parts). */
function partRanges(tableDir: string): { partition: string; min: number; max: number }[] {
  const out: { partition: string; min: number; max: number }[] = [];
  for (const d of fs.readdirSync(tableDir, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('tmp') || d.name.startsWith('delete_tmp') || d.name === 'detached') continue;
    const m = PART_NAME.exec(d.name);
    if (m) out.push({ partition: m[1], min: Number(m[2]), max: Number(m[3]) });
  }
  return out;
}

/** Parts the engine set aside (`detached/`), by table: after a kill it detaches parts it cannot load. */
export function scanDetachedParts(dataDir: string, database: string): Record<string, string[]> {
  const dbDir = path.join(dataDir, 'clickhouse', 'data', database);
  const out: Record<string, string[]> = {};
  if (!fs.existsSync(dbDir)) return out;
  for (const table of fs.readdirSync(dbDir)) {
    const dir = path.join(dbDir, table, 'detached');
    const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    if (names.length > 0) out[table] = names;
  }
  return out;
}

/**
 * For proving the count can see an orphan (`--plant orphan`): appends a record for a part that
 * does not exist to a table's log, as a kill between the two steps of a commit would. The
 * engine must be stopped; the product's start-up repair drops it again.
 */
export function plantOrphan(dataDir: string, database: string, table: string): DedupOrphan {
  const logDir = path.join(dataDir, 'clickhouse', 'data', database, table, 'deduplication_logs');
  const files = fs
    .readdirSync(logDir)
    .filter((f) => LOG_FILE.test(f))
    .sort((a, b) => Number(LOG_FILE.exec(a)![1]) - Number(LOG_FILE.exec(b)![1]));
  const file = path.join(logDir, files[files.length - 1] ?? 'deduplication_log_1.txt');
  const part = '20200101_999999_999999_0';
  const blockId = '20200101_planted_by_the_durability_harness';
  fs.appendFileSync(file, `1\t${part}\t${blockId}\n`);
  return { table, part, blockId };
}
