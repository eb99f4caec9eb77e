import type { WorkspaceDb } from '../metrics/workspace-db';
import type { ReplayJob, ReplayOutcome } from './values';

/**
 * What the delivery system reported about replays' messages since each replay was created,
 * read in the engine for any number of replays in one statement: per (replay, message,
 * mapping) of the frozen lists, the newest `delivered` or `failed_delivery` report of the
 * replay's destination at or after its creation decides (a tie of time goes to the delivery,
 * as in the undelivered definition). Delivered: recovered; failed: failed again, by reason;
 * no report yet: waiting. From creation, not from the first batch: a message the delivery
 * system recovered in between is recovered, not waiting.
 */
export async function replayOutcomes(wdb: WorkspaceDb, jobs: readonly ReplayJob[]): Promise<ReplayOutcome[]> {
  if (jobs.length === 0) return [];
  const rows = await wdb.query<{ replay_id: string; outcome: string; reason: string; n: number }>(
    'replay_outcome',
    `SELECT replay_id, last.1 AS outcome, if(outcome = 'failed_delivery', last.2, '') AS reason, count() AS n
     FROM (
       SELECT m.replay_id AS replay_id, e.message_id, e.mapping_id, argMax(tuple(e.step, e.reason), (e.time, e.step = 'delivered')) AS last
       FROM ${wdb.table('delivery_events')} AS e
       INNER JOIN (
         SELECT replay_id, destination_id, message_id, mapping_id, created_at FROM ${wdb.db.database}.replay_messages
         WHERE workspace_id = {workspace:String} AND replay_id IN {ids:Array(String)}
       ) AS m ON e.destination_id = m.destination_id AND e.message_id = m.message_id AND e.mapping_id = m.mapping_id
       WHERE e.workspace_id = {workspace:String} AND e.destination_id IN {dests:Array(String)}
         AND e.step IN ('delivered', 'failed_delivery') AND e.message_id != ''
         AND e.time >= fromUnixTimestamp64Milli({since:Int64}) AND e.time >= m.created_at
       GROUP BY replay_id, e.message_id, e.mapping_id)
     GROUP BY replay_id, outcome, reason
     ORDER BY n DESC, reason`,
    { ids: jobs.map((j) => j.id), dests: [...new Set(jobs.map((j) => j.destinationId))], since: Math.min(...jobs.map((j) => j.createdAt)) },
  );
  return jobs.map((job) => {
    let recovered = 0;
    let failedAgain = 0;
    const failedAgainByReason: { reason: string; count: number }[] = [];
    for (const r of rows.filter((row) => row.replay_id === job.id)) {
      const n = Number(r.n);
      if (r.outcome === 'delivered') recovered += n;
      else {
        failedAgain += n;
        failedAgainByReason.push({ reason: r.reason, count: n });
      }
    }
    return { recovered, failedAgain, failedAgainByReason, waiting: Math.max(0, job.messages - recovered - failedAgain) };
  });
}
