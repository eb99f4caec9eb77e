import fs from 'node:fs';
import path from 'node:path';

/**
 * Recovery for a crash window of the embedded engine. When a non-replicated MergeTree
 * commits an insert it appends the block id to `deduplication_logs/` and only then
 * renames `tmp_insert_<part>` to `<part>`. A process killed between the two leaves a
 * block id with no part: the producer's retry with the same Idempotency-Key is then
 * taken for a duplicate and silently dropped from that table, while materialized views
 * (whose parts did commit, or not) disagree with it. Acknowledged data is never lost
 * this way (the 200 comes after the whole insert), but a retried unacknowledged batch is.
 *
 * The repair, before the engine loads its logs: every ADD record whose part range is
 * covered by no part on disk gets a DROP record (`2\t<part>\t<block id>`), which is how
 * the engine itself forgets a block. Parts merged away are still covered by the merged
 * part; parts removed by TTL or DROP PARTITION are old data whose block ids nobody will
 * retry. ReplicatedMergeTree on a server keeps block ids in Keeper with the part and does
 * not need this.
 */
export interface DedupOrphan {
  logFile: string;
  partName: string;
  blockId: string;
}

const PART = /^(.+?)_(\d+)_(\d+)_(\d+)(?:_(\d+))?$/;
const LOG_FILE = /^deduplication_log_(\d+)\.txt$/;

interface PartRange {
  partition: string;
  min: number;
  max: number;
}

function parsePart(name: string): PartRange | null {
  const m = PART.exec(name);
  return m ? { partition: m[1], min: Number(m[2]), max: Number(m[3]) } : null;
}

/** Orphaned block ids of one table directory (empty when it keeps no deduplication log). */
export function findDedupOrphans(tableDir: string): DedupOrphan[] {
  const logDir = path.join(tableDir, 'deduplication_logs');
  if (!fs.existsSync(logDir)) return [];
  const parts = fs
    .readdirSync(tableDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('tmp') && !d.name.startsWith('delete_tmp') && d.name !== 'detached')
    .map((d) => parsePart(d.name))
    .filter((p): p is PartRange => p !== null);
  const covered = (name: string) => {
    const p = parsePart(name);
    return p !== null && parts.some((q) => q.partition === p.partition && q.min <= p.min && p.max <= q.max);
  };
  const logs = fs
    .readdirSync(logDir)
    .filter((f) => LOG_FILE.test(f))
    .sort((a, b) => Number(LOG_FILE.exec(a)![1]) - Number(LOG_FILE.exec(b)![1]));
  const live = new Map<string, { partName: string }>();
  for (const file of logs) {
    for (const line of fs.readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      const [op, partName, blockId] = line.split('\t');
      if (!blockId) continue;
      if (op === '1') live.set(blockId, { partName });
      else if (op === '2') live.delete(blockId);
    }
  }
  const newest = logs.length > 0 ? path.join(logDir, logs[logs.length - 1]) : path.join(logDir, 'deduplication_log_1.txt');
  return [...live].filter(([, v]) => !covered(v.partName)).map(([blockId, v]) => ({ logFile: newest, partName: v.partName, blockId }));
}

/** Appends a DROP record for each orphan (only while no engine has the directory open). */
export function dropDedupOrphans(orphans: readonly DedupOrphan[]): void {
  const byFile = new Map<string, string[]>();
  for (const o of orphans) byFile.set(o.logFile, [...(byFile.get(o.logFile) ?? []), `2\t${o.partName}\t${o.blockId}\n`]);
  for (const [file, lines] of byFile) fs.appendFileSync(file, lines.join(''));
}
