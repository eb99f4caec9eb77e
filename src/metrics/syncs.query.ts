import type { SyncStatus } from '../domain/steps';
import { periodCoverage } from './shared-reads';
import type { ResolvedRange } from '../domain/time-range';
import type { WorkspaceDb } from './workspace-db';

export interface SyncCollectionValue {
  name: string;
  rowsSynced: number;
  rowsFailed: number;
  reason: string | null;
}

export interface WarehouseSyncValue {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  status: SyncStatus;
  reason: string | null;
  collections: SyncCollectionValue[];
  rowsSynced: number;
  rowsFailed: number;
  failedCollections: number;
}

export const MAX_SYNCS = 500;

/** Syncs of a storage destination that started in the range, newest first. */
export async function listSyncs(
  wdb: WorkspaceDb,
  destinationId: string,
  range: ResolvedRange,
  status: SyncStatus | null,
  first: number,
): Promise<WarehouseSyncValue[]> {
  const rows = await wdb.query<{
    sync_id: string;
    started: number;
    finished: number;
    status: SyncStatus;
    reason: string;
    names: string[];
    synced: number[];
    failed: number[];
    reasons: string[];
  }>(
    'syncs',
    `SELECT sync_id, toUnixTimestamp64Milli(started_at) AS started, toUnixTimestamp64Milli(finished_at) AS finished, status, reason,
            collections.name AS names, collections.rows_synced AS synced, collections.rows_failed AS failed, collections.reason AS reasons
     FROM ${wdb.table('warehouse_syncs')} FINAL
     WHERE workspace_id = {workspace:String} AND destination_id = {dest:String}
       AND started_at >= fromUnixTimestamp64Milli({from:Int64}) AND started_at < fromUnixTimestamp64Milli({to:Int64})
       AND ({any_status:Bool} OR status = {status:String})
     ORDER BY started_at DESC, sync_id
     LIMIT {first:UInt32}`,
    { dest: destinationId, from: range.from, to: range.to, any_status: status === null, status: status ?? '', first },
    undefined,
    periodCoverage(range),
  );
  return rows.map((r) => {
    const collections = r.names.map((name, i) => ({ name, rowsSynced: Number(r.synced[i]), rowsFailed: Number(r.failed[i]), reason: r.reasons[i] || null }));
    return {
      id: r.sync_id,
      startedAt: new Date(Number(r.started)),
      finishedAt: new Date(Number(r.finished)),
      status: r.status,
      reason: r.reason || null,
      collections,
      rowsSynced: collections.reduce((s, c) => s + c.rowsSynced, 0),
      rowsFailed: collections.reduce((s, c) => s + c.rowsFailed, 0),
      failedCollections: collections.filter((c) => c.rowsFailed > 0).length,
    };
  });
}
