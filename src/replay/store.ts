import type { ClickHouseSettings } from '@clickhouse/client';
import type { Db } from '../clickhouse/client';
import type { WorkspaceDb } from '../metrics/workspace-db';
import { ACTIVE_STATUSES, type BatchProgress, type BatchState, type ReplayJob, type ReplayMessage } from './values';

/** Replay tables (identifiers never come from callers). */
type ReplayTable = 'replay_jobs' | 'replay_messages' | 'replay_batches';

/** Own writes must be readable at once, on a cluster too (Distributed inserts are asynchronous by default). */
const FOREGROUND: ClickHouseSettings = { distributed_foreground_insert: 1 };
/** A cancellation's version: above every version a sender writes (ms × 1000), so it always wins. */
const CANCEL_VERSION = 2n ** 62n;
/** A batch's final row (acknowledged, failed) outranks a later take of the same batch. */
const FINAL_BATCH_VERSION = 2 ** 40;

interface JobRow {
  workspace_id: string;
  replay_id: string;
  destination_id: string;
  mapping_id: string;
  selection: string;
  idempotency_key: string;
  delivery: ReplayJob['delivery'];
  status: ReplayJob['status'];
  messages: number;
  batches: number;
  batch_size: number;
  created_by: string;
  created_ms: number;
  started_ms: number | null;
  finished_ms: number | null;
  cancelled_by: string;
  error: string;
  version: number;
}

const JOB_COLUMNS = `workspace_id, replay_id, destination_id, mapping_id, selection, idempotency_key, delivery, status, messages, batches,
  batch_size, created_by, toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(started_at) AS started_ms,
  toUnixTimestamp64Milli(finished_at) AS finished_ms, cancelled_by, error, version`;

const orNull = (s: string) => (s === '' ? null : s);
const msOrNull = (v: number | null) => (v === null ? null : Number(v));

function toJob(r: JobRow): ReplayJob {
  return {
    id: r.replay_id,
    workspaceId: r.workspace_id,
    destinationId: r.destination_id,
    mappingId: orNull(r.mapping_id),
    selection: r.selection,
    idempotencyKey: orNull(r.idempotency_key),
    delivery: r.delivery,
    status: r.status,
    messages: Number(r.messages),
    batches: Number(r.batches),
    batchSize: Number(r.batch_size),
    createdBy: r.created_by,
    createdAt: Number(r.created_ms),
    startedAt: msOrNull(r.started_ms),
    finishedAt: msOrNull(r.finished_ms),
    cancelledBy: orNull(r.cancelled_by),
    error: orNull(r.error),
    version: Number(r.version),
  };
}

/**
 * Everything a replay keeps in ClickHouse but its endpoint and leases: job versions, the frozen
 * messages and batch outcomes. A workspace's reads and writes go through its WorkspaceDb; the
 * sender's look across workspaces for jobs to push uses the Db.
 */
export class ReplayStore {
  private lastVersion = 0;

  constructor(readonly db: Db) {}

  table(name: ReplayTable): string {
    return `${this.db.database}.${name}`;
  }

  /** A version above every earlier one of this process, from the clock (ms × 1000). */
  nextVersion(): number {
    this.lastVersion = Math.max(this.lastVersion + 1, Date.now() * 1000);
    return this.lastVersion;
  }

  // ---- jobs ----

  async writeJob(wdb: WorkspaceDb, job: ReplayJob, cancellation = false): Promise<void> {
    await wdb.command(
      'replay_jobs',
      `INSERT INTO ${this.table('replay_jobs')}
         (workspace_id, replay_id, destination_id, mapping_id, selection, idempotency_key, delivery, status, messages, batches, batch_size,
          created_by, created_at, started_at, finished_at, cancelled_by, error, version)
       VALUES ({workspace:String}, {id:String}, {dest:String}, {mapping:String}, {selection:String}, {key:String}, {delivery:String},
          {status:String}, {messages:UInt64}, {batches:UInt32}, {batch_size:UInt32}, {by:String}, fromUnixTimestamp64Milli({created:Int64}, 'UTC'),
          if({started:Int64} < 0, NULL, fromUnixTimestamp64Milli({started:Int64}, 'UTC')),
          if({finished:Int64} < 0, NULL, fromUnixTimestamp64Milli({finished:Int64}, 'UTC')),
          {cancelled_by:String}, {error:String}, {version:UInt64})`,
      {
        id: job.id,
        dest: job.destinationId,
        mapping: job.mappingId ?? '',
        selection: job.selection,
        key: job.idempotencyKey ?? '',
        delivery: job.delivery,
        status: job.status,
        messages: job.messages,
        batches: job.batches,
        batch_size: job.batchSize,
        by: job.createdBy,
        created: job.createdAt,
        started: job.startedAt ?? -1,
        finished: job.finishedAt ?? -1,
        cancelled_by: job.cancelledBy ?? '',
        error: job.error ?? '',
        version: cancellation ? (CANCEL_VERSION + BigInt(Date.now())).toString() : job.version,
      },
      FOREGROUND,
    );
  }

  async job(wdb: WorkspaceDb, id: string): Promise<ReplayJob | null> {
    const rows = await wdb.query<JobRow>(
      'replay_jobs',
      `SELECT ${JOB_COLUMNS} FROM ${this.table('replay_jobs')} FINAL WHERE workspace_id = {workspace:String} AND replay_id = {id:String}`,
      { id },
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async jobByKey(wdb: WorkspaceDb, key: string): Promise<ReplayJob | null> {
    const rows = await wdb.query<JobRow>(
      'replay_jobs',
      `SELECT ${JOB_COLUMNS} FROM ${this.table('replay_jobs')} FINAL
       WHERE workspace_id = {workspace:String} AND idempotency_key = {key:String}
       ORDER BY created_at, replay_id LIMIT 1`,
      { key },
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** Newest first; `after` is the id of the last job of the previous page. */
  async jobs(wdb: WorkspaceDb, first: number, after: { createdAt: number; id: string } | null): Promise<ReplayJob[]> {
    const rows = await wdb.query<JobRow>(
      'replay_jobs',
      `SELECT ${JOB_COLUMNS} FROM ${this.table('replay_jobs')} FINAL
       WHERE workspace_id = {workspace:String}
         AND (NOT {has_after:Bool} OR (created_at, replay_id) < (fromUnixTimestamp64Milli({after_at:Int64}, 'UTC'), {after_id:String}))
       ORDER BY created_at DESC, replay_id DESC
       LIMIT {first:UInt32}`,
      { has_after: after !== null, after_at: after?.createdAt ?? 0, after_id: after?.id ?? '', first },
    );
    return rows.map(toJob);
  }

  /** Ids of the destination's replays that still own their messages. */
  async activeIds(wdb: WorkspaceDb, destinationId: string): Promise<string[]> {
    const rows = await wdb.query<{ replay_id: string }>(
      'replay_jobs',
      `SELECT replay_id FROM ${this.table('replay_jobs')} FINAL
       WHERE workspace_id = {workspace:String} AND destination_id = {dest:String} AND status IN {active:Array(String)}`,
      { dest: destinationId, active: ACTIVE_STATUSES },
    );
    return rows.map((r) => r.replay_id);
  }

  /** Push jobs of every workspace still to send, oldest first (the sender's sweep). */
  async jobsToPush(): Promise<ReplayJob[]> {
    const rows = await this.db.query<JobRow>({
      // Its own family: a timer's read, told apart from the reads a request causes.
      family: 'replay_sweep',
      sql: `SELECT ${JOB_COLUMNS} FROM ${this.table('replay_jobs')} FINAL
            WHERE delivery = 'push' AND status IN {active:Array(String)}
            ORDER BY created_at, replay_id`,
      params: { active: ACTIVE_STATUSES },
    });
    return rows.map(toJob);
  }

  /**
   * Messages of `job` that an active replay of its destination created before it also holds:
   * two replicas that created overlapping replays at the same moment (each create is serialized
   * only within its process) find out here, and the later one gives way.
   */
  async overlapWithEarlier(wdb: WorkspaceDb, job: ReplayJob): Promise<number> {
    const rows = await wdb.query<{ n: number }>(
      'replay_messages',
      `SELECT count() AS n FROM ${this.table('replay_messages')}
       WHERE workspace_id = {workspace:String} AND replay_id = {id:String}
         AND (message_id, mapping_id) IN (
           SELECT message_id, mapping_id FROM ${this.table('replay_messages')}
           WHERE workspace_id = {workspace:String} AND destination_id = {dest:String} AND replay_id IN (
             SELECT replay_id FROM ${this.table('replay_jobs')} FINAL
             WHERE workspace_id = {workspace:String} AND destination_id = {dest:String} AND status IN {active:Array(String)}
               AND (created_at, replay_id) < (fromUnixTimestamp64Milli({created:Int64}, 'UTC'), {id:String})))`,
      { id: job.id, dest: job.destinationId, created: job.createdAt, active: ACTIVE_STATUSES },
    );
    return Number(rows[0]?.n ?? 0);
  }

  // ---- messages ----

  /** How many messages and batches a job's frozen list holds. */
  async frozenSize(wdb: WorkspaceDb, replayId: string): Promise<{ messages: number; batches: number }> {
    const rows = await wdb.query<{ messages: number; batches: number }>(
      'replay_messages',
      `SELECT count() AS messages, if(count() = 0, 0, max(batch) + 1) AS batches FROM ${this.table('replay_messages')}
       WHERE workspace_id = {workspace:String} AND replay_id = {id:String}`,
      { id: replayId },
    );
    return { messages: Number(rows[0]?.messages ?? 0), batches: Number(rows[0]?.batches ?? 0) };
  }

  /** The messages of batches [fromBatch, toBatch), in batch order, each batch in id order. */
  async batchMessages(wdb: WorkspaceDb, replayId: string, fromBatch: number, toBatch: number): Promise<(ReplayMessage & { batch: number })[]> {
    const rows = await wdb.query<{ batch: number; message_id: string; mapping_id: string; reason: string; source_id: string; failed_ms: number }>(
      'replay_messages',
      `SELECT batch, message_id, mapping_id, reason, source_id, toUnixTimestamp64Milli(failed_at) AS failed_ms
       FROM ${this.table('replay_messages')}
       WHERE workspace_id = {workspace:String} AND replay_id = {id:String} AND batch >= {from:UInt32} AND batch < {to:UInt32}
       ORDER BY batch, message_id, mapping_id`,
      { id: replayId, from: fromBatch, to: toBatch },
    );
    return rows.map((r) => ({
      batch: Number(r.batch),
      messageId: r.message_id,
      mappingId: orNull(r.mapping_id),
      reason: r.reason,
      sourceId: r.source_id,
      failedAt: Number(r.failed_ms),
    }));
  }

  // ---- batches ----

  /**
   * Records a batch's state. `sent` rows rank by attempt; `acknowledged` and `failed` are
   * final and outrank any later take of the same batch by a puller.
   */
  async writeBatch(
    wdb: WorkspaceDb,
    replayId: string,
    batch: number,
    b: { state: BatchState; messages: number; attempts: number; statusCode?: number | null; lastError?: string | null },
  ): Promise<void> {
    await wdb.command(
      'replay_batches',
      `INSERT INTO ${this.table('replay_batches')} (workspace_id, replay_id, batch, state, messages, attempts, status_code, last_error, updated_at, version)
       VALUES ({workspace:String}, {id:String}, {batch:UInt32}, {state:String}, {messages:UInt32}, {attempts:UInt32}, {status:UInt16}, {error:String}, now64(3), {version:UInt64})`,
      {
        id: replayId,
        batch,
        state: b.state,
        messages: b.messages,
        attempts: b.attempts,
        status: b.statusCode ?? 0,
        error: b.lastError ?? '',
        version: (b.state === 'sent' ? 0 : FINAL_BATCH_VERSION) + b.attempts,
      },
      FOREGROUND,
    );
  }

  /** The state of every batch that has one, by batch number. */
  async batchStates(wdb: WorkspaceDb, replayId: string): Promise<Map<number, { state: BatchState; attempts: number }>> {
    const rows = await wdb.query<{ batch: number; state: BatchState; attempts: number }>(
      'replay_batches',
      `SELECT batch, state, attempts FROM ${this.table('replay_batches')} FINAL WHERE workspace_id = {workspace:String} AND replay_id = {id:String}`,
      { id: replayId },
    );
    return new Map(rows.map((r) => [Number(r.batch), { state: r.state, attempts: Number(r.attempts) }]));
  }

  /** Batches and messages sent and acknowledged, for each replay id (in the order given). */
  async progress(wdb: WorkspaceDb, replayIds: readonly string[]): Promise<BatchProgress[]> {
    const rows = await wdb.query<{ replay_id: string; sent: number; acked: number; sent_messages: number; acked_messages: number }>(
      'replay_batches',
      `SELECT replay_id, count() AS sent, countIf(state = 'acknowledged') AS acked, sum(messages) AS sent_messages, sumIf(messages, state = 'acknowledged') AS acked_messages
       FROM ${this.table('replay_batches')} FINAL WHERE workspace_id = {workspace:String} AND replay_id IN {ids:Array(String)}
       GROUP BY replay_id`,
      { ids: replayIds },
    );
    const byId = new Map(rows.map((r) => [r.replay_id, r]));
    return replayIds.map((id) => {
      const r = byId.get(id);
      return {
        batchesSent: Number(r?.sent ?? 0),
        batchesAcknowledged: Number(r?.acked ?? 0),
        messagesSent: Number(r?.sent_messages ?? 0),
        messagesAcknowledged: Number(r?.acked_messages ?? 0),
      };
    });
  }
}
