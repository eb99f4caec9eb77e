import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { parseError } from '@clickhouse/client';

/** Row formats a streamed read may produce: bytes go to the caller as ClickHouse writes them. */
export type StreamFormat = 'JSONEachRow' | 'CSV';

/** A started streamed read: its chunks in order, and a way to stop it early. */
export interface ChunkStream {
  chunks: AsyncIterable<Uint8Array>;
  /** Stops the read; a chunk already being computed finishes first (the engine cannot be interrupted mid-fetch). */
  cancel(): void;
}

/** Starts one streamed read; synchronous for the embedded engine (see StartGate), a request for a server. */
export type StartStream = (sql: string, params: Record<string, unknown>, format: StreamFormat, signal: AbortSignal) => ChunkStream | Promise<ChunkStream>;

/**
 * `SETTINGS …` for the end of a statement, so a streamed read carries its own limits on
 * both backends (a session's SET would outlive it). Names and values are the gateway's
 * own constants, never a caller's; a name or value of another shape is refused.
 */
export function settingsClause(settings: ClickHouseSettings): string {
  const parts = Object.entries(settings).flatMap(([name, value]) => {
    if (value === undefined) return [];
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected setting name ${name}`);
    if (typeof value === 'number' || typeof value === 'boolean') return [`${name} = ${Number(value)}`];
    if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]*$/.test(value)) throw new Error(`unexpected value for setting ${name}`);
    return [/^\d+$/.test(value) ? `${name} = ${value}` : `${name} = '${value}'`];
  });
  return parts.length > 0 ? ` SETTINGS ${parts.join(', ')}` : '';
}

/**
 * Streamed reads on the embedded engine. `Connection.query` of the chDB connection
 * materializes the whole result before `ResultSet.stream()` sees a byte, so a large
 * result would sit in memory twice; chDB's own `Session.queryStreamBind` fetches it
 * block by block instead, with server-side parameters. A session holds one stream at a
 * time, so every read opens its own session on the gateway's data directory (sessions
 * on one directory share the engine) and closes it when the read ends.
 */
export function embeddedStreams(dir: string): StartStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Session } = require('chdb') as typeof import('chdb');
  return (sql, params, format) => {
    const session = new Session(dir);
    let stream: ReturnType<InstanceType<typeof Session>['queryStreamBind']>;
    try {
      stream = session.queryStreamBind(sql, params, { format });
    } catch (err) {
      session.close();
      throw engineError(err);
    }
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of stream) yield chunk.raw();
      } catch (err) {
        throw engineError(err);
      } finally {
        stream.cancel();
        session.close();
      }
    }
    return { chunks: chunks(), cancel: () => stream.cancel() };
  };
}

/** Streamed reads on a ClickHouse server: the HTTP body as it arrives; aborting the signal ends the request. */
export function serverStreams(client: ClickHouseClient): StartStream {
  return async (sql, params, format, signal) => {
    const res = await client.exec({ query: `${sql} FORMAT ${format}`, query_params: params, abort_signal: signal });
    return { chunks: res.stream, cancel: () => res.stream.destroy() };
  };
}

/** chDB reports engine failures as text; give them the numeric code the classifier reads. */
function engineError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  const parsed = parseError(message);
  return parsed instanceof Error && 'code' in parsed ? Object.assign(parsed, { cause: err }) : err;
}

/**
 * Orders the start of an embedded stream against every other call. chDB binds the
 * parameters of a statement through state that is not isolated between connections:
 * its own calls take turns on one process-wide chain, but a stream's start is not on
 * that chain. So a stream starts only when no other call of this handle is running,
 * and calls arriving meanwhile wait until it has started (a synchronous step of a few
 * milliseconds; its chunks are then fetched beside other calls).
 */
export class StartGate {
  private running = 0;
  private idle: (() => void) | null = null;
  private holding: Promise<void> | null = null;

  /** Before a call: waits while a stream is starting. */
  enter(): Promise<void> | void {
    if (this.holding === null) {
      this.running++;
      return;
    }
    return this.waitThenEnter();
  }

  leave(): void {
    this.running--;
    if (this.running === 0 && this.idle) {
      const wake = this.idle;
      this.idle = null;
      wake();
    }
  }

  /** Runs `start` once nothing else runs; calls arriving meanwhile wait for it. */
  async exclusive<T>(start: () => T): Promise<T> {
    while (this.holding !== null) await this.holding;
    let release!: () => void;
    this.holding = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      return start();
    } finally {
      this.holding = null;
      release();
    }
  }

  private async waitThenEnter(): Promise<void> {
    while (this.holding !== null) await this.holding;
    this.running++;
  }
}
