import type { Db } from '../../src/clickhouse/client';

/** A part set aside at start: `broken-on-start_<partition>_<min block>_<max block>_<level>`. */
const BROKEN_ON_START = /^broken-on-start_(.*?)_(\d+)_(\d+)_(\d+)(?:_\d+)?$/;

/**
 * Whether the active parts of `table` hold the block range of a part the engine set aside at
 * start. A merge whose writes failed on a full disk can be committed with cut files (see
 * src/clickhouse/merged-away-parts.ts); the next start detaches it and brings back the parts it
 * replaced, which still span its range. Then nothing is lost (the ledger's exact counts say so
 * independently) and the detached copy is a note, not a finding. Any other detached part, or a
 * range no active parts span from end to end, stays a finding.
 */
export async function restoredFromReplacedParts(db: Db, database: string, table: string, name: string): Promise<boolean> {
  const m = BROKEN_ON_START.exec(name);
  if (!m || Number(m[4]) === 0) return false; // an insert's own part (level 0) replaced nothing
  const [partition, min, max] = [m[1], Number(m[2]), Number(m[3])];
  const parts = await db.query<{ lo: number; hi: number }>({
    family: 'test',
    sql: `SELECT min_block_number AS lo, max_block_number AS hi FROM system.parts
          WHERE database = {database:String} AND table = {table:String} AND active AND partition_id = {partition:String}
            AND max_block_number >= {min:Int64} AND min_block_number <= {max:Int64}
          ORDER BY lo`,
    params: { database, table, partition, min, max },
  });
  // The active parts overlapping the range must run through it without a gap.
  let next = min;
  for (const p of parts) {
    if (Number(p.lo) > next) return false;
    next = Math.max(next, Number(p.hi) + 1);
  }
  return next > max;
}
