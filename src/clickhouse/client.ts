import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { AppError } from '../domain/errors';
import { classifyClickHouseError, isTransient } from './errors';
import { serverStreams, settingsClause, StartGate, type StartStream, type StreamFormat } from './stream';

export type Backend = 'embedded' | 'server';

type SpanAttributes = Record<string, string | number | boolean | undefined>;

/**
 * What the Db needs to trace its calls: a span around each. The gateway's tracing
 * (observability/tracing.ts) is one; the Db knows nothing more of it.
 */
export interface DbTracer {
  span<T>(name: string, options: { kind?: 'client'; attributes?: SpanAttributes }, fn: (span: { setAttributes(attributes: SpanAttributes): void }) => T): T;
}

const NO_TRACER: DbTracer = { span: (_name, _options, fn) => fn({ setAttributes: () => undefined }) };

/**
 * Settings for every insert: synchronous (acknowledged = stored) and deduplicated by token.
 * Its time limit is the write timeout, given on every insert: the embedded engine keeps a
 * read's `max_execution_time` in its session, and a large flush on a busy machine must not
 * fail on the 10-second read limit.
 */
const INSERT_SETTINGS: ClickHouseSettings = {
  async_insert: 0,
  insert_deduplicate: 1,
  deduplicate_blocks_in_dependent_materialized_views: 1,
  // The encoders send DateTime64 values as quoted "seconds.millis".
  date_time_input_format: 'best_effort',
};

export interface QueryEvent {
  family: string;
  durationMs: number;
  ok: boolean;
  clickhouseCode: number | null;
}

export interface QueryOptions {
  /** A short label for metrics and logs ("pipeline", "breakdown", …). */
  family: string;
  sql: string;
  params?: Record<string, unknown>;
  settings?: ClickHouseSettings;
}

export interface StreamOptions extends QueryOptions {
  format: StreamFormat;
  /** Aborting it stops the read (after the chunk being computed, on the embedded engine). */
  signal: AbortSignal;
  /** Receives each chunk of bytes in order; the next is fetched only once it resolves (backpressure). */
  onChunk(chunk: Uint8Array): Promise<void> | void;
}

export interface InsertOptions {
  family: string;
  /** Table name inside the gateway's database (whitelisted by the caller). */
  table: string;
  /** Rows already encoded as JSONEachRow. */
  body: Buffer;
  /** insert_deduplication_token: the same token twice stores the rows once. */
  dedupToken: string;
}

/**
 * The gateway's one handle on ClickHouse. Every value reaches SQL as a server-side
 * parameter; every failure leaves as a classified AppError; every call is counted
 * and timed through `events` ('query' → QueryEvent).
 */
export class Db {
  readonly events = new EventEmitter();
  private closed = false;
  /** Deduplication records repaired when this handle was opened (see dedup-recovery.ts). */
  recoveredDedupOrphans = 0;
  /** Embedded only: a stream starts while no other call runs (see StartGate). */
  private readonly gate: StartGate | null;
  private readonly startStream: StartStream;
  /** A span per call (family, duration, ClickHouse error code; never SQL or its parameters); set by the gateway. */
  tracing: DbTracer = NO_TRACER;
  /** The last insert that failed for a transient reason (a full disk, a timeout) while none succeeded since; null: inserts work. */
  private writeFailure: { at: number; error: AppError } | null = null;

  constructor(
    private readonly client: ClickHouseClient,
    readonly backend: Backend,
    readonly database: string,
    private readonly readSettings: ClickHouseSettings,
    /** `max_execution_time` of inserts and commands (WRITE_TIMEOUT_SECONDS; 0: none). */
    private readonly writeTimeoutSeconds: number,
    private readonly rawInsert: ((table: string, body: Buffer, settings: ClickHouseSettings) => Promise<void>) | null,
    embeddedStream: StartStream | null = null,
  ) {
    this.gate = embeddedStream ? new StartGate() : null;
    this.startStream = embeddedStream ?? serverStreams(client);
  }

  async query<T>(opts: QueryOptions): Promise<T[]> {
    return this.timed(opts.family, statementOf(opts.sql), async () => {
      try {
        const rs = await this.client.query({
          query: opts.sql,
          query_params: opts.params,
          format: 'JSONEachRow',
          clickhouse_settings: { ...this.readSettings, ...opts.settings },
        });
        return await rs.json<T>();
      } finally {
        // Read settings are given on every read; only extra ones can outlive this call.
        await this.restoreSessionSettings(Object.keys(opts.settings ?? {}).filter((k) => !(k in this.readSettings)));
      }
    });
  }

  /**
   * A read whose result is handed over chunk by chunk as the engine produces it, in
   * `format`, never held whole: for exports. The read settings of every call apply (with
   * `settings` on top) through the statement's own SETTINGS clause.
   */
  async stream(opts: StreamOptions): Promise<{ bytes: number; aborted: boolean }> {
    const sql = opts.sql + settingsClause({ ...this.readSettings, ...opts.settings });
    return this.timed(
      opts.family,
      'SELECT',
      async () => {
        const start = () => this.startStream(sql, opts.params ?? {}, opts.format, opts.signal);
        const started = await (this.gate ? this.gate.exclusive(start) : start());
        const stop = () => started.cancel();
        opts.signal.addEventListener('abort', stop, { once: true });
        let bytes = 0;
        try {
          for await (const chunk of started.chunks) {
            if (opts.signal.aborted) break;
            bytes += chunk.byteLength;
            await opts.onChunk(chunk);
          }
        } catch (err) {
          // A read its caller stopped is not a failure of the store.
          if (!opts.signal.aborted) throw err;
        } finally {
          opts.signal.removeEventListener('abort', stop);
        }
        return { bytes, aborted: opts.signal.aborted };
      },
      false,
    );
  }

  /** DDL and statements without a result, under the write timeout (not a read's). */
  async command(opts: QueryOptions): Promise<void> {
    const settings: ClickHouseSettings = { max_execution_time: this.writeTimeoutSeconds, ...opts.settings };
    await this.timed(opts.family, statementOf(opts.sql), async () => {
      try {
        await this.client.command({ query: opts.sql, query_params: opts.params, clickhouse_settings: settings });
      } finally {
        await this.restoreSessionSettings(Object.keys(settings));
      }
    });
  }

  /**
   * The embedded connection applies a call's settings to its whole session, so they
   * would outlive the call: an `insert_deduplication_token` left behind makes every later
   * insert a "duplicate" and silently drops it. Put them back to their defaults. A server
   * takes settings per HTTP request and needs nothing.
   */
  private async restoreSessionSettings(names: string[]): Promise<void> {
    if (this.backend !== 'embedded' || names.length === 0) return;
    for (const name of names) if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected setting name ${name}`);
    await this.client.command({ query: `SET ${names.map((n) => `${n} = DEFAULT`).join(', ')}` });
  }

  /**
   * Why writes are failing, if they were refused within `withinMs` (transiently) and none
   * succeeded since: /readyz says not ready, so a load balancer sends producers elsewhere,
   * and says ready again once that long passed without a new refusal, to let them try.
   */
  writesFailing(now: number, withinMs = 30_000): AppError | null {
    const f = this.writeFailure;
    return f !== null && now - f.at < withinMs ? f.error : null;
  }

  /** Inserts pre-encoded JSONEachRow bytes: zero-copy into the embedded engine, streamed to a server. */
  async insert(opts: InsertOptions): Promise<void> {
    try {
      await this.insertOnce(opts);
      this.writeFailure = null;
    } catch (err) {
      if (err instanceof AppError && isTransient(err)) this.writeFailure = { at: Date.now(), error: err };
      throw err;
    }
  }

  private async insertOnce(opts: InsertOptions): Promise<void> {
    const settings: ClickHouseSettings = { ...INSERT_SETTINGS, max_execution_time: this.writeTimeoutSeconds, insert_deduplication_token: opts.dedupToken };
    const table = `${this.database}.${opts.table}`;
    await this.timed(opts.family, 'INSERT', async () => {
      if (this.rawInsert) {
        await this.rawInsert(table, opts.body, settings);
        return;
      }
      const res = await this.client.exec({
        query: `INSERT INTO ${table} FORMAT JSONEachRow`,
        values: Readable.from([opts.body]),
        clickhouse_settings: settings,
      });
      res.stream.resume();
      await new Promise<void>((resolve, reject) => {
        res.stream.on('end', resolve);
        res.stream.on('error', reject);
      });
    });
  }

  async ping(): Promise<boolean> {
    try {
      await this.query({ family: 'ping', sql: 'SELECT 1 AS ok' });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /**
   * Counts, times and traces one call; `gated`: it waits while an embedded stream starts
   * (a stream itself does not).
   */
  private async timed<R>(family: string, operation: string, fn: () => Promise<R>, gated = true): Promise<R> {
    const gate = gated ? this.gate : null;
    const wait = gate?.enter();
    if (wait) await wait;
    try {
      return await this.tracing.span(`clickhouse ${family}`, { kind: 'client', attributes: this.spanAttributes(family, operation) }, async (span) => {
        const started = performance.now();
        try {
          const result = await fn();
          this.events.emit('query', { family, durationMs: performance.now() - started, ok: true, clickhouseCode: null } satisfies QueryEvent);
          return result;
        } catch (err) {
          const failure = classifyClickHouseError(err);
          this.events.emit('query', {
            family,
            durationMs: performance.now() - started,
            ok: false,
            clickhouseCode: failure.clickhouseCode,
          } satisfies QueryEvent);
          if (failure.clickhouseCode !== null) span.setAttributes({ 'db.response.status_code': String(failure.clickhouseCode) });
          throw failure.appError;
        }
      });
    } finally {
      gate?.leave();
    }
  }

  private spanAttributes(family: string, operation: string): SpanAttributes {
    return {
      'db.system.name': 'clickhouse',
      'db.namespace': this.database,
      'db.operation.name': operation,
      'db.query.summary': `${operation} ${family}`,
      'delivery_overview.query.family': family,
      'delivery_overview.clickhouse.backend': this.backend,
    };
  }
}

/** The statement's first keyword (SELECT, INSERT, ALTER, …): what a span may say of SQL, which is otherwise never recorded. */
function statementOf(sql: string): string {
  return /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
}
