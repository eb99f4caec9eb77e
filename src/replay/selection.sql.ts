import { undeliveredRowsParams, undeliveredRowsSql } from '../metrics/undelivered.query';
import type { WorkspaceDb } from '../metrics/workspace-db';
import type { ReplayPreviewValue, ReplaySelection } from './values';

/**
 * A replay's selection in SQL: the undelivered rows of the selection (the very SQL of
 * `Destination.undelivered`), told apart by whether an active replay of the destination holds
 * them already. Preview and freeze both run in the engine, whatever the number of messages.
 */
function heldSql(wdb: WorkspaceDb): string {
  return `(message_id, mapping_id) IN (
      SELECT message_id, mapping_id FROM ${wdb.db.database}.replay_messages
      WHERE workspace_id = {workspace:String} AND destination_id = {dest:String} AND replay_id IN {active_replays:Array(String)})`;
}

function selectionParams(selection: ReplaySelection, activeReplays: readonly string[]): Record<string, unknown> {
  return { ...undeliveredRowsParams({ ...selection }), active_replays: activeReplays };
}

/** Counts by reason and mapping, and how many an active replay holds. */
export async function previewCounts(
  wdb: WorkspaceDb,
  selection: ReplaySelection,
  activeReplays: readonly string[],
  maxMessages: number,
): Promise<ReplayPreviewValue> {
  const rows = await wdb.query<{ reason: string; mapping_id: string; held: number; n: number }>(
    'replay_preview',
    `SELECT last.3 AS reason, mapping_id, ${heldSql(wdb)} AS held, count() AS n
     FROM (${undeliveredRowsSql(wdb)})
     GROUP BY reason, mapping_id, held`,
    selectionParams(selection, activeReplays),
  );
  const byReason = new Map<string, number>();
  const byMapping = new Map<string, number>();
  let total = 0;
  let held = 0;
  for (const r of rows) {
    const n = Number(r.n);
    total += n;
    if (Number(r.held)) held += n;
    byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + n);
    byMapping.set(r.mapping_id, (byMapping.get(r.mapping_id) ?? 0) + n);
  }
  const largestFirst = <K>(m: Map<K, number>) => [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  return {
    total,
    inActiveReplay: held,
    replayable: total - held,
    byReason: largestFirst(byReason).map(([reason, count]) => ({ reason, count })),
    byMapping: largestFirst(byMapping).map(([mapping, count]) => ({ mappingId: mapping === '' ? null : mapping, count })),
    maxMessages,
  };
}

/**
 * Writes the replay's frozen list in one INSERT … SELECT: the selection's undelivered
 * messages that no active replay holds, oldest failure first (the list's order), numbered into
 * batches of `batchSize`, `limit` at most. Returns nothing: the caller counts what was written.
 */
export async function freezeSelection(
  wdb: WorkspaceDb,
  replayId: string,
  selection: ReplaySelection,
  activeReplays: readonly string[],
  batchSize: number,
  limit: number,
  createdAt: number,
): Promise<void> {
  await wdb.command(
    'replay_freeze',
    `INSERT INTO ${wdb.db.database}.replay_messages
       (workspace_id, replay_id, batch, destination_id, message_id, mapping_id, reason, source_id, failed_at, created_at)
     SELECT {workspace:String}, {replay:String},
            toUInt32(intDiv(row_number() OVER (ORDER BY at, message_id, mapping_id) - 1, {batch_size:UInt32})),
            {dest:String}, message_id, mapping_id, last.3, last.2, at, fromUnixTimestamp64Milli({created:Int64}, 'UTC')
     FROM (${undeliveredRowsSql(wdb)})
     WHERE NOT ${heldSql(wdb)}
     ORDER BY at, message_id, mapping_id
     LIMIT {limit:UInt64}`,
    { ...selectionParams(selection, activeReplays), replay: replayId, batch_size: batchSize, limit, created: createdAt },
    { distributed_foreground_insert: 1 },
  );
}
