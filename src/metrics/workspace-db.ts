import type { ClickHouseSettings } from '@clickhouse/client';
import type { Db, StreamOptions } from '../clickhouse/client';
import type { KeyedSemaphore } from '../domain/rate-limiter';
import { SharedReads, type Coverage } from './shared-reads';

const WORKSPACE_PARAM = '{workspace:String}';

/**
 * The only way the query layer reads ClickHouse: a handle bound to one workspace.
 * It supplies the `workspace` parameter itself and refuses any SQL that does not
 * filter on it, so no resolver can forget (or choose) the workspace.
 */
export class WorkspaceDb {
  constructor(
    readonly db: Db,
    readonly workspaceId: string,
    /** Caps the reads one workspace runs at once (fairness between workspaces). */
    private readonly gate?: KeyedSemaphore,
    /** Identical reads run once and are kept until a write changes them (reads that say what they cover). */
    private readonly shared?: SharedReads,
  ) {}

  /** Table name qualified with the gateway's database. */
  table(name: TableName): string {
    return `${this.db.database}.${name}`;
  }

  /**
   * A read of this workspace. `covers`: the report times its answer depends on; with it the
   * read is shared with identical concurrent ones and its answer reused until an ingested
   * batch touches those times (SharedReads). Reads of anything else (alert state, tokens)
   * leave it out.
   */
  async query<T>(family: string, sql: string, params: Record<string, unknown> = {}, settings?: ClickHouseSettings, covers?: Coverage): Promise<T[]> {
    const bound = this.bound(family, sql, params);
    const run = () => this.db.query<T>({ family, sql, params: bound, settings });
    const gated = () => (this.gate ? this.gate.run(this.workspaceId, run) : run());
    if (!this.shared || !covers) return gated();
    return this.shared.read(this.workspaceId, SharedReads.keyOf(this.workspaceId, [family, sql, bound, settings ?? null]), covers, gated);
  }

  /** A read streamed chunk by chunk (exports), checked like `query`; it holds one of the workspace's read slots until it ends. */
  async stream(
    family: string,
    sql: string,
    params: Record<string, unknown>,
    opts: Omit<StreamOptions, 'family' | 'sql' | 'params'>,
  ): Promise<{ bytes: number; aborted: boolean }> {
    const run = () => this.db.stream({ ...opts, family, sql, params: this.bound(family, sql, params) });
    return this.gate ? this.gate.run(this.workspaceId, run) : run();
  }

  /** The parameters with the workspace bound, once the SQL is known to filter on it. */
  private bound(family: string, sql: string, params: Record<string, unknown>): Record<string, unknown> {
    if (!sql.includes(`workspace_id = ${WORKSPACE_PARAM}`)) {
      throw new Error(`query family "${family}" does not filter on workspace_id = ${WORKSPACE_PARAM}`);
    }
    if ('workspace' in params) throw new Error(`query family "${family}" must not pass its own workspace parameter`);
    return { ...params, workspace: this.workspaceId };
  }

  /** Writes on behalf of the workspace (e.g. a display name): the row's workspace is bound here too. */
  async command(family: string, sql: string, params: Record<string, unknown> = {}, settings?: ClickHouseSettings): Promise<void> {
    if (!sql.includes(WORKSPACE_PARAM)) throw new Error(`command family "${family}" does not bind ${WORKSPACE_PARAM}`);
    if ('workspace' in params) throw new Error(`command family "${family}" must not pass its own workspace parameter`);
    await this.db.command({ family, sql, params: { ...params, workspace: this.workspaceId }, settings });
  }
}

/** Tables the query layer may name (identifiers never come from callers). */
export type TableName =
  | 'delivery_events'
  | 'events_minute'
  | 'events_hour'
  | 'steps_minute'
  | 'steps_hour'
  | 'connections_minute'
  | 'connections_hour'
  | 'latency_minute'
  | 'latency_hour'
  | 'attempts_minute'
  | 'attempts_hour'
  | 'retl_sync_runs'
  | 'retry_pending'
  | 'discard_samples'
  | 'warehouse_syncs'
  | 'catalog_entities'
  | 'catalog_names';
