/**
 * The baseline the aggregates must beat: the gateway's own pipeline, breakdown and discard
 * queries (src/metrics/*.query.ts, unchanged SQL text) pointed at the raw table
 * (delivery_events) instead of the minute/hour tiers. Only the row source differs: raw rows
 * carry the instant itself, so the half-open range [previousFrom, to) is exact without a
 * tier plan, and the queries split it into the two periods at `cur_from` as they do for
 * bucket starts.
 */
import type { ResolvedRange } from '../../src/domain/time-range';
import { FILTER_SQL, type AggDimension, type PeriodSource } from '../../src/metrics/tiered';
import type { WorkspaceDb } from '../../src/metrics/workspace-db';

function rawTable(wdb: WorkspaceDb, dims: readonly AggDimension[], where: string): string {
  return `(
    SELECT time AS t, ${dims.join(', ')}, count AS events FROM ${wdb.table('delivery_events')}
    WHERE workspace_id = {workspace:String}
      AND time >= fromUnixTimestamp64Milli({raw_from:Int64}, 'UTC') AND time < fromUnixTimestamp64Milli({raw_to:Int64}, 'UTC')
      ${where} ${FILTER_SQL}
  )`;
}

/** The raw table as a PeriodSource, with query families `bench_raw_pipeline`, `bench_raw_breakdown`, `bench_raw_discards`. */
export const RAW_TABLE: PeriodSource = {
  family: 'bench_raw_',
  from: (wdb, dims, where) => rawTable(wdb, dims, where),
  params: (range: ResolvedRange) => ({ raw_from: range.previousFrom, raw_to: range.to, cur_from: range.from / 1000 }),
};
