import type { ReportStep } from '../domain/steps';
import { ALL_TIME } from './shared-reads';
import type { ResolvedRange } from '../domain/time-range';
import type { WorkspaceDb } from './workspace-db';

/** How a Reverse ETL sync run ended, read from its counts (nothing failed / something failed / nothing delivered). */
export const SYNC_RUN_STATUSES = ['success', 'partial', 'failed'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

/** Records of one run split the way its pipeline is. */
export interface RunCounts {
  extracted: number;
  added: number;
  updated: number;
  removed: number;
  failedToExtract: number;
  filtered: number;
  delivered: number;
  failed: number;
  /** Entered the retry queue and not resolved yet (within the run's reports). */
  retryPending: number;
}

export interface ReasonTally {
  step: ReportStep;
  code: string;
  count: number;
}

export interface SyncRunValue extends RunCounts {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  status: SyncRunStatus;
  topReasons: ReasonTally[];
}

export const MAX_SYNC_RUNS = 500;
export const TOP_REASONS = 3;
const DISCARD_STEPS: readonly ReportStep[] = ['failed_extract', 'filtered_destination', 'failed_delivery'];

/** The counts of a group of retl_sync_runs rows, and the status they imply. Constant SQL. */
export const RUN_COUNTS_SQL = `
  sumIf(events, step = 'extracted') AS extracted,
  sumIf(events, step = 'extracted' AND operation = 'added') AS added,
  sumIf(events, step = 'extracted' AND operation = 'updated') AS updated,
  sumIf(events, step = 'extracted' AND operation = 'removed') AS removed,
  sumIf(events, step = 'failed_extract') AS failed_to_extract,
  sumIf(events, step = 'filtered_destination') AS filtered,
  sumIf(events, step = 'delivered') AS delivered,
  sumIf(events, step = 'failed_delivery') AS failed,
  toInt64(sumIf(events, step = 'retry_enqueued')) - toInt64(sumIf(events, step = 'retry_resolved')) AS retry_pending`;
const STATUS_SQL = `multiIf(failed_to_extract + failed = 0, 'success', delivered = 0, 'failed', 'partial')`;

export type RunCountsRow = Record<
  'extracted' | 'added' | 'updated' | 'removed' | 'failed_to_extract' | 'filtered' | 'delivered' | 'failed' | 'retry_pending',
  number
>;

export function runCountsOf(r: RunCountsRow): RunCounts {
  return {
    extracted: Number(r.extracted),
    added: Number(r.added),
    updated: Number(r.updated),
    removed: Number(r.removed),
    failedToExtract: Number(r.failed_to_extract),
    filtered: Number(r.filtered),
    delivered: Number(r.delivered),
    failed: Number(r.failed),
    retryPending: Number(r.retry_pending),
  };
}

/** Where a page of runs continues: after the run that started at `startedMs` with this id (newest first, ids ascending on ties). */
export interface RunCursor {
  startedMs: number;
  syncId: string;
}

interface RunRow extends RunCountsRow {
  sync_id: string;
  started_ms: number;
  finished_ms: number;
  status: SyncRunStatus;
}

/**
 * Sync runs of a Reverse ETL destination that started in the range (or the one run `syncId`),
 * newest first, each with its top discard reasons. A run is every report with its syncId: it
 * started at its first report and finished at its last. Two queries.
 */
export async function listSyncRuns(
  wdb: WorkspaceDb,
  destinationId: string,
  select: { range: ResolvedRange; status: SyncRunStatus | null; first: number; after?: RunCursor | null } | { syncId: string },
): Promise<SyncRunValue[]> {
  const byRange = 'range' in select;
  const after = byRange ? (select.after ?? null) : null;
  const rows = await wdb.query<RunRow>(
    'sync_runs',
    `SELECT sync_id, toUnixTimestamp64Milli(min(started)) AS started_ms, toUnixTimestamp64Milli(max(finished)) AS finished_ms, ${RUN_COUNTS_SQL},
            ${STATUS_SQL} AS status
     FROM ${wdb.table('retl_sync_runs')}
     WHERE workspace_id = {workspace:String} AND destination_id = {dest:String} AND ({any_run:Bool} OR sync_id = {sync:String})
     GROUP BY sync_id
     HAVING ({any_run:Bool} = false OR (started_ms >= {from:Int64} AND started_ms < {to:Int64})) AND ({any_status:Bool} OR status = {status:String})
       AND ({from_start:Bool} OR started_ms < {after_ms:Int64} OR (started_ms = {after_ms:Int64} AND sync_id > {after_id:String}))
     ORDER BY started_ms DESC, sync_id
     LIMIT {first:UInt32}`,
    {
      dest: destinationId,
      any_run: byRange,
      sync: byRange ? '' : select.syncId,
      from: byRange ? select.range.from : 0,
      to: byRange ? select.range.to : 0,
      any_status: !byRange || select.status === null,
      status: byRange ? (select.status ?? '') : '',
      first: byRange ? select.first : 1,
      from_start: !after,
      after_ms: after?.startedMs ?? 0,
      after_id: after?.syncId ?? '',
    },
    undefined,
    ALL_TIME,
  );
  if (rows.length === 0) return [];
  const reasons = await runReasons(
    wdb,
    destinationId,
    rows.map((r) => r.sync_id),
    TOP_REASONS,
  );
  return rows.map((r) => ({
    id: r.sync_id,
    startedAt: new Date(Number(r.started_ms)),
    finishedAt: new Date(Number(r.finished_ms)),
    status: r.status,
    ...runCountsOf(r),
    topReasons: reasons.get(r.sync_id) ?? [],
  }));
}

/** The discard reasons of each run, largest first (at most `limit` per run; 0 for all). */
export async function runReasons(wdb: WorkspaceDb, destinationId: string, syncIds: readonly string[], limit: number): Promise<Map<string, ReasonTally[]>> {
  const rows = await wdb.query<{ sync_id: string; step: ReportStep; reason: string; n: number }>(
    'sync_runs',
    `SELECT sync_id, step, reason, sum(events) AS n
     FROM ${wdb.table('retl_sync_runs')}
     WHERE workspace_id = {workspace:String} AND destination_id = {dest:String} AND sync_id IN {syncs:Array(String)}
       AND step IN {steps:Array(String)} AND reason != ''
     GROUP BY sync_id, step, reason
     ORDER BY sync_id, n DESC, step, reason
     LIMIT {limit:UInt32} BY sync_id`,
    { dest: destinationId, syncs: syncIds, steps: DISCARD_STEPS, limit: limit > 0 ? limit : 1_000_000 },
    undefined,
    ALL_TIME,
  );
  const out = new Map<string, ReasonTally[]>();
  for (const r of rows) {
    const list = out.get(r.sync_id) ?? [];
    list.push({ step: r.step, code: r.reason, count: Number(r.n) });
    out.set(r.sync_id, list);
  }
  return out;
}

export interface RunSplit extends RunCounts {
  /** The mapping ('' for records that reached none) or the operation the counts are for. */
  value: string;
}

/** One run's counts by mapping and by operation (the run detail). */
export async function runSplits(wdb: WorkspaceDb, destinationId: string, syncId: string): Promise<{ mappings: RunSplit[]; operations: RunSplit[] }> {
  const rows = await wdb.query<RunCountsRow & { dim: string; value: string }>(
    'sync_runs',
    `SELECT d.1 AS dim, d.2 AS value, ${RUN_COUNTS_SQL}
     FROM ${wdb.table('retl_sync_runs')}
     ARRAY JOIN [('mapping', mapping_id), ('operation', operation)] AS d
     WHERE workspace_id = {workspace:String} AND destination_id = {dest:String} AND sync_id = {sync:String}
     GROUP BY dim, value
     ORDER BY dim, value`,
    { dest: destinationId, sync: syncId },
    undefined,
    ALL_TIME,
  );
  const split = (dim: string) => rows.filter((r) => r.dim === dim).map((r) => ({ value: r.value, ...runCountsOf(r) }));
  // Extraction happens before any mapping: the mapping split keeps only the rows mappings saw.
  return { mappings: split('mapping').filter((m) => m.value !== '' || m.filtered + m.delivered + m.failed > 0), operations: split('operation') };
}
