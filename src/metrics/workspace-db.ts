import type { ClickHouseSettings } from '@clickhouse/client';
import type { Db, StreamOptions } from '../clickhouse/client';
import type { KeyedSemaphore } from '../domain/rate-limiter';

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
  ) {}

  /** Table name qualified with the gateway's database. */
  table(name: TableName): string {
    return `${this.db.database}.${name}`;
  }

  async query<T>(family: string, sql: string, params: Record<string, unknown> = {}, settings?: ClickHouseSettings): Promise<T[]> {
    const run = () => this.db.query<T>({ family, sql, params: this.bound(family, sql, params), settings });
    return this.gate ? this.gate.run(this.workspaceId, run) : run();
  }

  /** A read streamed chunk by chunk (exports), checked like `query`; it holds one of the workspace's read slots until it ends. */
  async stream(family: string, sql: string, params: Record<string, unknown>, opts: Omit<StreamOptions, 'family' | 'sql' | 'params'>): Promise<{ bytes: number; aborted: boolean }> {
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
