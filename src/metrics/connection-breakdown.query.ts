import { periodCoverage } from './shared-reads';
import type { StepCount } from './pipeline.query';
import { STEP_SCOPE_SQL, stepScopeParams, type StepScope } from './step-scope';
import { filterParams, TIERED, type AggDimension, type PeriodSource } from './tiered';
import type { WorkspaceDb } from './workspace-db';
import type { Slice } from './slice';

/**
 * What a breakdown row can stand for beyond the event dimensions: a Reverse ETL record's
 * operation and mapping, an audience change's audience (with its space) and operation.
 */
export const GROUPING_COLUMNS = {
  EVENT_TYPE: ['event_type'],
  EVENT_NAME: ['event_name'],
  APP_VERSION: ['app_version'],
  MAPPING: ['mapping_id'],
  OPERATION: ['operation'],
  AUDIENCE: ['audience_id', 'space_id'],
} as const satisfies Record<string, readonly AggDimension[]>;
export type GroupingDimension = keyof typeof GROUPING_COLUMNS;

export interface GroupedCount extends StepCount {
  /** The value of each grouped column (`mapping_id`, `operation`, …); absent when not grouped by it. */
  values: Partial<Record<AggDimension, string>>;
}

const SCOPE_DIMS: readonly AggDimension[] = ['step', 'destination_id', 'source_id', 'mapping_id', 'reason'];

/**
 * Events of one step grouped by any of GROUPING_COLUMNS, largest first. The column list is
 * built from that whitelist, so the SQL text is constant per grouping; the tier family follows
 * from the columns (a mapping alone reads the narrow tier, an operation or audience the
 * connections tier, an event dimension the events tier).
 */
export async function groupedBreakdownCounts(
  wdb: WorkspaceDb,
  scope: StepScope,
  slice: Slice,
  reason: string | null,
  first: number,
  groupBy: readonly GroupingDimension[],
  source: PeriodSource = TIERED,
): Promise<GroupedCount[]> {
  const { range, filter, mappingId } = slice;
  const columns = [...new Set(groupBy.flatMap((d) => GROUPING_COLUMNS[d]))];
  const dims = [...new Set([...SCOPE_DIMS, ...columns])];
  const rows = await wdb.query<Record<string, string | number>>(
    `${source.family}breakdown`,
    `SELECT ${columns.join(', ')},
            sumIf(events, t >= toDateTime({cur_from:UInt32}, 'UTC')) AS now,
            sumIf(events, t < toDateTime({cur_from:UInt32}, 'UTC')) AS before
     FROM ${source.from(
       wdb,
       dims,
       `${STEP_SCOPE_SQL}
       AND ({any_reason:Bool} OR reason = {reason:String})`,
       filter,
     )}
     GROUP BY ${columns.join(', ')}
     ORDER BY now DESC, before DESC, ${columns.join(', ')}
     LIMIT {first:UInt32}`,
    { ...source.params(range), ...filterParams(filter), ...stepScopeParams(scope, mappingId), any_reason: reason === null, reason: reason ?? '', first },
    undefined,
    periodCoverage(range),
  );
  return rows.map((r) => ({
    values: Object.fromEntries(columns.map((c) => [c, String(r[c])])),
    now: Number(r.now),
    before: Number(r.before),
  }));
}
