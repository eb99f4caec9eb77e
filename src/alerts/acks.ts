import type { Db } from '../clickhouse/client';
import type { WorkspaceDb } from '../metrics/workspace-db';
import { compoundKey } from '../domain/compound-key';

export interface AcknowledgementValue {
  ruleId: string;
  /** The firing it acknowledges: the rule's state since (ms). */
  firingSince: number;
  /** The token id that acknowledged it. */
  by: string;
  at: number;
}

/** Acknowledgements of open alerts, one per firing (alert_acks); the first stands. */
export class AckStore {
  constructor(private readonly db: Db) {}

  private get table(): string {
    return `${this.db.database}.alert_acks`;
  }

  /** The acknowledgements of these (rule, firing since) pairs. */
  async find(wdb: WorkspaceDb, firings: readonly { ruleId: string; since: number }[]): Promise<AcknowledgementValue[]> {
    if (firings.length === 0) return [];
    const rows = await wdb.query<{ rule_id: string; since_ms: number; by: string; at_ms: number }>(
      'alert_acks',
      `SELECT rule_id, toUnixTimestamp64Milli(firing_since) AS since_ms, argMin(acknowledged_by, acknowledged_at) AS by, toUnixTimestamp64Milli(min(acknowledged_at)) AS at_ms
       FROM ${this.table}
       WHERE workspace_id = {workspace:String} AND rule_id IN {rules:Array(String)}
       GROUP BY rule_id, firing_since`,
      { rules: [...new Set(firings.map((f) => f.ruleId))] },
    );
    // A rule's earlier firings have acknowledgements too (kept 90 days): only the ones asked for count.
    const wanted = new Set(firings.map((f) => compoundKey(f.ruleId, f.since)));
    return rows
      .map((r) => ({ ruleId: r.rule_id, firingSince: Number(r.since_ms), by: r.by, at: Number(r.at_ms) }))
      .filter((a) => wanted.has(compoundKey(a.ruleId, a.firingSince)));
  }

  async write(wdb: WorkspaceDb, ack: AcknowledgementValue): Promise<void> {
    await wdb.command(
      'alert_acks',
      `INSERT INTO ${this.table} (workspace_id, rule_id, firing_since, acknowledged_by, acknowledged_at)
       VALUES ({workspace:String}, {rule:String}, fromUnixTimestamp64Milli({since:Int64}, 'UTC'), {by:String}, fromUnixTimestamp64Milli({at:Int64}, 'UTC'))`,
      { rule: ack.ruleId, since: ack.firingSince, by: ack.by, at: ack.at },
      { distributed_foreground_insert: 1 },
    );
  }
}
