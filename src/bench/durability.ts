import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../clickhouse/client';
import { compareRawAndAggregates, reconcileWindow } from '../metrics/reconcile';
import { Rng } from '../simulate/random';

/**
 * Durability harness: "acknowledged means stored, exactly once" under SIGKILL.
 *
 * The gateway runs as a child process (`node dist/cli.js serve`, embedded engine in a
 * temporary DATA_DIR, one fixed loopback port so producers keep one URL across restarts).
 * Producers post NDJSON batches of 1–500 reports, each with its own Idempotency-Key, and
 * retry every batch that was not acknowledged (connection refused or reset, 5xx, 429) with
 * the same key and the same body until it is. Meanwhile the harness kills the gateway with
 * SIGKILL after a random 50–1500 ms (sometimes before it even listens) and starts it again,
 * N times. After the last kill and a final restart the producers drain, the gateway stops
 * with SIGTERM, and the harness opens the data directory itself to check:
 *
 *   - every acknowledged report is in the raw table exactly once (each report carries a
 *     unique messageId: `GROUP BY message_id HAVING count() != 1` must be empty, and every
 *     batch has exactly its rows and its sum of counts);
 *   - raw equals both aggregate tiers (reconcile's comparison), and the retry-pending gauge
 *     equals enqueued − resolved in the raw table;
 *   - every acknowledged warehouse sync is stored once.
 *
 * Timestamps spread over the last `spreadHours` hours, so one batch usually spans two or
 * three daily partitions of the raw table: a kill can land between the parts of one
 * insert, which is the hard case for block deduplication.
 */

export interface DurabilityOptions {
  /** SIGKILLs to deliver (default 100). */
  kills: number;
  /** Budget for the kill phase, seconds (default 540); the run stops killing when it is spent. */
  maxSeconds: number;
  /** Batches in flight at once (default 4). */
  concurrency: number;
  seed: number;
  /** Report timestamps are spread over this many hours before now (default 48). */
  spreadHours: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Share of kills aimed at a starting gateway (before it listens), default 0.1. */
  startupKillShare: number;
  /** Keep the temporary data directory (its path is printed). */
  keep: boolean;
  /** The CLI to run as the gateway (default: dist/cli.js next to this file). */
  cli: string;
  /** Progress lines (stderr by default). */
  progress: (line: string) => void;
}

export const DEFAULT_DURABILITY: Omit<DurabilityOptions, 'seed' | 'progress' | 'cli'> = {
  kills: 100,
  maxSeconds: 540,
  concurrency: 4,
  spreadHours: 48,
  minDelayMs: 50,
  maxDelayMs: 1500,
  startupKillShare: 0.1,
  keep: false,
};

export interface DurabilityResult {
  seed: number;
  dataDir: string | null;
  kills: number;
  /** Kills that landed before the gateway listened (engine load, migrations). */
  killsDuringStartup: number;
  starts: number;
  startMs: { p50: number; max: number };
  batchesPosted: number;
  batchesAcknowledged: number;
  /** Delivery reports acknowledged (rows), and the events they stand for (sum of count). */
  reports: number;
  events: number;
  syncsAcknowledged: number;
  /** Attempts beyond the first, over all batches. */
  retries: number;
  failures: { refused: number; resetAfterSend: number; resetWhileSending: number; http5xx: number; http429: number; timeout: number; other: number };
  /** Batches whose request was sent in full when its gateway died (the acknowledgement may have been lost). */
  batchesInterruptedAfterSend: number;
  /** Of those: rows stored by the killed gateway and the retry deduplicated ("ack lost"), stored partly before the kill, or stored only by the retry. */
  interrupted: { storedBeforeKill: number; partlyBeforeKill: number; storedByRetry: number };
  /** Extra raw rows (message ids stored more than once), must be 0. */
  duplicates: number;
  /** Acknowledged reports missing from the raw table, must be 0. */
  lost: number;
  /** Batches whose stored sum of counts differs from what was acknowledged, must be 0. */
  batchEventMismatches: number;
  /** Raw rows of batches never acknowledged (0 when every batch was drained). */
  unacknowledgedStored: number;
  /** Rows of reconcile's comparison where raw and an aggregate tier differ, must be 0. */
  differences: number;
  /** retry_pending gauge − (enqueued − resolved) in raw, must be 0. */
  retryGaugeDifference: number;
  syncsLost: number;
  syncDuplicates: number;
  /**
   * Per table: block ids the engine's deduplication log remembers whose part is not in the table
   * (no active part covers its block number). Each one is a block a retry would be told is
   * "already stored" although it is not: the mechanism behind a loss, if any.
   */
  orphanDedupRecords: Record<string, number>;
  /** Parts the engine set aside when it loaded the tables after a kill (system.detached_parts), by table and reason. */
  detachedParts: Record<string, number>;
  /** Answers the producer never expects (4xx other than 429), must be 0. */
  unexpectedResponses: number;
  wallMs: number;
  killPhaseMs: number;
  ok: boolean;
  /** Failures of the checks above; any entry fails the run. */
  findings: string[];
  /** Worth knowing, not a failure (e.g. a 5xx answer, an unusual network error). */
  notes: string[];
}

const WORKSPACE = 'durability';
const DATABASE = 'delivery_overview';
const HOUR_MS = 3_600_000;

interface Batch {
  n: number;
  key: string;
  body: Buffer;
  reports: number;
  events: number;
  syncIds: string[];
  attempts: number;
  /** Client clock when an attempt that had been sent in full failed (the gateway died under it). */
  interruptedAt: number[];
}

/* ------------------------------------------------------------------ gateway child */

class GatewayChild {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  listening = false;
  starts = 0;
  /** Exits the harness did not cause (neither kill() nor stop()), with their exit code or signal. */
  readonly unexpectedExits: string[] = [];
  private expectingExit = false;
  readonly startMs: number[] = [];
  private tail: string[] = [];

  constructor(
    private readonly cli: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns `serve`; resolves once it logs "gateway listening" (or rejects if it exits first). */
  spawn(): Promise<string> {
    const started = Date.now();
    this.listening = false;
    this.starts++;
    this.expectingExit = false;
    const child = spawn(process.execPath, [this.cli, 'serve'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) this.unexpectedExits.push(`${signal ?? code} after ${Date.now() - started} ms${this.listening ? ' (was listening)' : ''}`);
        resolve(signal ? null : code);
      }),
    );
    return new Promise<string>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`gateway did not listen within 60 s:\n${this.tail.join('\n')}`)), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          this.remember(line);
          if (this.listening || !line.includes('gateway listening')) continue;
          try {
            const entry = JSON.parse(line) as { msg?: string; graphql?: string };
            if (entry.msg === 'gateway listening' && entry.graphql) {
              this.listening = true;
              this.startMs.push(Date.now() - started);
              clearTimeout(timer);
              resolve(entry.graphql);
            }
          } catch {
            /* not a log line */
          }
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => this.remember(chunk.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!this.listening) reject(Object.assign(new Error(`gateway exited (${signal ?? code}) before listening:\n${this.tail.join('\n')}`), { killed: signal === 'SIGKILL' }));
      });
    });
  }

  /** SIGKILL, and wait until the process is gone (the engine's files are released). */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.expectingExit = true;
    this.child.kill('SIGKILL');
    await this.exited;
    this.listening = false;
  }

  /** SIGTERM (graceful), SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.child?.exitCode ?? null;
    this.expectingExit = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    this.listening = false;
    return code;
  }

  /** For an exit handler: synchronous best effort. */
  killNow(): void {
    this.expectingExit = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  lastLines(): string {
    return this.tail.join('\n');
  }

  private remember(text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    if (this.tail.length > 40) this.tail = this.tail.slice(-40);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/* ------------------------------------------------------------------ producer */

type Outcome =
  | { kind: 'ack'; status: 200; body: Record<string, unknown> }
  | { kind: 'status'; status: number; body: string }
  | { kind: 'refused' }
  | { kind: 'reset'; sent: boolean }
  | { kind: 'timeout'; sent: boolean }
  | { kind: 'error'; message: string; sent: boolean };

/** One POST on a fresh connection (no keep-alive: a refused connection means "nothing sent"). */
function post(port: number, token: string, batch: Batch, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let sent = false;
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/ingest',
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-ndjson',
          'content-length': batch.body.length,
          authorization: `Bearer ${token}`,
          'idempotency-key': batch.key,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => done({ kind: 'reset', sent: true }));
        res.on('aborted', () => done({ kind: 'reset', sent: true }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 200) {
            try {
              done({ kind: 'ack', status: 200, body: JSON.parse(text) as Record<string, unknown> });
            } catch {
              done({ kind: 'reset', sent: true });
            }
          } else done({ kind: 'status', status: res.statusCode ?? 0, body: text.slice(0, 300) });
        });
      },
    );
    req.setTimeout(timeoutMs, () => {
      done({ kind: 'timeout', sent });
      req.destroy();
    });
    req.on('finish', () => (sent = true));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done({ kind: 'refused' });
      else if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /socket hang up/.test(err.message)) done({ kind: 'reset', sent });
      else done({ kind: 'error', message: `${err.code ?? ''} ${err.message}`, sent });
    });
    req.end(batch.body);
  });
}

const SOURCES = ['src_web', 'src_ios', 'src_android', 'src_server'];
const DESTINATIONS: { id: string; kind: 'classic' | 'actions' }[] = [
  { id: 'dst_amplitude', kind: 'classic' },
  { id: 'dst_braze', kind: 'actions' },
  { id: 'dst_webhook', kind: 'classic' },
];
const REASONS: Record<string, string[]> = {
  failed_ingest: ['schema_violation', 'payload_too_large'],
  filtered_source: ['blocked_event', 'sampling'],
  filtered_destination: ['destination_filter', 'consent'],
  failed_delivery: ['429', '500', 'timeout'],
};
const STEPS = ['received', 'received', 'received', 'failed_ingest', 'filtered_source', 'filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered', 'delivered', 'delivered'];
const EVENTS = ['Order Completed', 'Product Viewed', 'Signed Up', 'Checkout Started', 'Page Viewed'];

function makeBatch(rng: Rng, n: number, runId: string, spreadMs: number): Batch {
  const size = rng.int(1, 500);
  const lines: string[] = [];
  let events = 0;
  const now = Date.now();
  for (let i = 0; i < size; i++) {
    const step = rng.pick(STEPS);
    const count = rng.int(1, 20);
    events += count;
    const r: Record<string, unknown> = {
      // At least a minute old, so validation never sees a timestamp ahead of the gateway's clock.
      timestamp: new Date(now - 60_000 - Math.floor(rng.next() * spreadMs)).toISOString(),
      sourceId: rng.pick(SOURCES),
      step,
      eventType: 'track',
      eventName: rng.pick(EVENTS),
      appVersion: `2.${rng.int(0, 3)}.0`,
      enriched: rng.chance(0.5),
      count,
      messageId: `b${n}-${i}`,
    };
    if (!['received', 'failed_ingest', 'filtered_source'].includes(step)) {
      const d = rng.pick(DESTINATIONS);
      r.destinationId = d.id;
      r.destinationKind = d.kind;
      if (d.kind === 'actions' && rng.chance(0.5)) r.mappingId = `map_${rng.int(1, 3)}`;
    }
    if (REASONS[step]) {
      r.reason = rng.pick(REASONS[step]);
      if (rng.chance(0.05)) r.sample = { payload: { event: r.eventName, i }, error: `simulated ${r.reason}` };
    }
    lines.push(JSON.stringify(r));
  }
  const syncIds: string[] = [];
  if (rng.chance(0.05)) {
    const id = `s${n}`;
    syncIds.push(id);
    const finished = now - 120_000;
    lines.push(
      JSON.stringify({
        type: 'sync',
        destinationId: 'dst_warehouse',
        syncId: id,
        startedAt: new Date(finished - 60_000).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        status: 'success',
        collections: [{ name: 'tracks', rowsSynced: rng.int(0, 1000), rowsFailed: 0 }],
      }),
    );
  }
  return { n, key: `${runId}-${n}`, body: Buffer.from(lines.join('\n')), reports: size, events, syncIds, attempts: 0, interruptedAt: [] };
}

/* ------------------------------------------------------------------ run */

export async function runDurability(opts: DurabilityOptions): Promise<DurabilityResult> {
  const startedAll = Date.now();
  const rng = new Rng(opts.seed);
  const runId = `dur${opts.seed.toString(36)}${crypto.randomBytes(3).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-durability-'));
  const port = await freePort();
  const rootToken = `root-${crypto.randomBytes(24).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ROOT_TOKEN: rootToken, LOG_LEVEL: 'info', CLICKHOUSE_DATABASE: DATABASE };
  delete env.CLICKHOUSE_URL;
  delete env.CLICKHOUSE_CLUSTER;
  const gw = new GatewayChild(opts.cli, env);
  const onExit = () => gw.killNow();
  process.once('exit', onExit);
  const onSignal = () => {
    gw.killNow();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const result: DurabilityResult = {
    seed: opts.seed,
    dataDir: opts.keep ? dataDir : null,
    kills: 0,
    killsDuringStartup: 0,
    starts: 0,
    startMs: { p50: 0, max: 0 },
    batchesPosted: 0,
    batchesAcknowledged: 0,
    reports: 0,
    events: 0,
    syncsAcknowledged: 0,
    retries: 0,
    failures: { refused: 0, resetAfterSend: 0, resetWhileSending: 0, http5xx: 0, http429: 0, timeout: 0, other: 0 },
    batchesInterruptedAfterSend: 0,
    interrupted: { storedBeforeKill: 0, partlyBeforeKill: 0, storedByRetry: 0 },
    duplicates: 0,
    lost: 0,
    batchEventMismatches: 0,
    unacknowledgedStored: 0,
    differences: 0,
    retryGaugeDifference: 0,
    syncsLost: 0,
    syncDuplicates: 0,
    unexpectedResponses: 0,
    orphanDedupRecords: {},
    detachedParts: {},
    wallMs: 0,
    killPhaseMs: 0,
    ok: false,
    findings: [],
    notes: [],
  };
  const finding = (s: string) => {
    if (result.findings.length < 50) result.findings.push(s);
  };
  const note = (s: string) => {
    if (result.notes.length < 20) result.notes.push(s);
  };

  let killStarted = 0;
  const acked: Batch[] = [];
  const pending = new Set<Batch>();
  let producing = true;
  let nextBatch = 0;
  const spreadMs = opts.spreadHours * HOUR_MS;

  try {
    await gw.spawn();
    const token = await createIngestToken(port, rootToken);
    opts.progress(`gateway up on 127.0.0.1:${port} (pid ${gw.pid}); data ${dataDir}; seed ${opts.seed}`);

    const worker = async () => {
      while (producing) {
        const batch = makeBatch(rng, nextBatch++, runId, spreadMs);
        result.batchesPosted++;
        pending.add(batch);
        for (;;) {
          batch.attempts++;
          if (batch.attempts > 1) result.retries++;
          const o = await post(port, token, batch, 30_000);
          if (o.kind === 'ack') {
            const body = o.body as { accepted?: number; events?: number; syncs?: number };
            if (body.accepted !== batch.reports + batch.syncIds.length || body.events !== batch.events) {
              finding(`batch ${batch.n}: acknowledged ${JSON.stringify(body)}, expected accepted=${batch.reports + batch.syncIds.length} events=${batch.events}`);
              result.unexpectedResponses++;
            }
            break;
          }
          if (o.kind === 'refused') result.failures.refused++;
          else if (o.kind === 'reset') {
            if (o.sent) {
              result.failures.resetAfterSend++;
              batch.interruptedAt.push(Date.now());
            } else result.failures.resetWhileSending++;
          } else if (o.kind === 'timeout') {
            result.failures.timeout++;
            if (o.sent) batch.interruptedAt.push(Date.now());
          } else if (o.kind === 'error') {
            result.failures.other++;
            if (o.sent) batch.interruptedAt.push(Date.now());
            note(`batch ${batch.n}: ${o.message}`);
          } else if (o.status >= 500) {
            result.failures.http5xx++;
            batch.interruptedAt.push(Date.now());
            note(`batch ${batch.n}: HTTP ${o.status} ${o.body}`);
          } else if (o.status === 429) result.failures.http429++;
          else {
            result.unexpectedResponses++;
            finding(`batch ${batch.n}: HTTP ${o.status} ${o.body}`);
          }
          if (batch.attempts >= 1000) {
            finding(`batch ${batch.n}: given up after 1000 attempts`);
            break;
          }
          // Back off a little (the gateway is restarting); the same key, the same body.
          await sleep(Math.min(25 * 2 ** Math.min(batch.attempts - 1, 4), 400) + Math.floor(Math.random() * 25));
        }
        pending.delete(batch);
        if (batch.attempts < 1000) {
          acked.push(batch);
          result.batchesAcknowledged++;
          result.reports += batch.reports;
          result.events += batch.events;
          result.syncsAcknowledged += batch.syncIds.length;
        }
      }
    };
    const workers = Array.from({ length: opts.concurrency }, () => worker());

    /* Kill phase. */
    killStarted = Date.now();
    const deadline = killStarted + opts.maxSeconds * 1000;
    let reported = 0;
    while (result.kills < opts.kills && Date.now() < deadline) {
      await sleep(rng.int(opts.minDelayMs, opts.maxDelayMs));
      await gw.kill();
      result.kills++;
      // Sometimes kill the next start too, before it listens (engine load, part loading, migrations).
      while (result.kills < opts.kills && Date.now() < deadline && rng.chance(opts.startupKillShare)) {
        const starting = gw.spawn().catch(() => null);
        await sleep(rng.int(opts.minDelayMs, opts.maxDelayMs));
        const wasListening = gw.listening;
        await gw.kill();
        await starting;
        result.kills++;
        if (!wasListening) result.killsDuringStartup++;
      }
      await gw.spawn();
      if (Math.floor(result.kills / 10) > reported || result.kills === opts.kills) {
        reported = Math.floor(result.kills / 10);
        opts.progress(`kill ${result.kills}/${opts.kills}: ${result.batchesAcknowledged} batches acknowledged, ${result.retries} retries, ${((Date.now() - killStarted) / 1000).toFixed(0)} s`);
      }
    }
    result.killPhaseMs = Date.now() - killStarted;
    if (result.kills < opts.kills) finding(`time budget (${opts.maxSeconds} s) ran out after ${result.kills} of ${opts.kills} kills`);

    /* Final restart is up: stop producing, drain every unacknowledged batch against it. */
    producing = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(workers).then(() => true),
      new Promise<boolean>((resolve) => {
        drainTimer = setTimeout(() => resolve(false), 120_000);
      }),
    ]);
    clearTimeout(drainTimer);
    if (!drained) finding(`${pending.size} batches still unacknowledged 120 s after the last restart`);
    const exitCode = await gw.stop();
    if (exitCode !== 0) note(`final gateway exited with ${exitCode} on SIGTERM (graceful shutdown is not what this harness checks)`);
    opts.progress(`drained: ${result.batchesAcknowledged} batches acknowledged; verifying ${dataDir}`);

    /* Verify, holding the data directory ourselves now that no gateway does. */
    const db = await openDb({ clickhouseUrl: null, clickhouseUser: 'default', clickhousePassword: '', database: DATABASE, dataDir, queryTimeoutSeconds: 300 });
    try {
      await verify(db, acked, [...pending], spreadMs, result, finding);
    } finally {
      await db.close();
    }
  } catch (err) {
    finding(`harness error: ${(err as Error).message}`);
    finding(`gateway output:\n${gw.lastLines()}`);
  } finally {
    producing = false;
    gw.killNow();
    result.starts = gw.starts;
    for (const e of gw.unexpectedExits.slice(0, 10)) finding(`the gateway exited by itself: ${e}`);
    const sorted = [...gw.startMs].sort((a, b) => a - b);
    result.startMs = { p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
    if (result.killPhaseMs === 0 && killStarted > 0) result.killPhaseMs = Date.now() - killStarted;
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  result.wallMs = Date.now() - startedAll;
  result.ok =
    result.findings.length === 0 &&
    result.duplicates === 0 &&
    result.lost === 0 &&
    result.batchEventMismatches === 0 &&
    result.differences === 0 &&
    result.retryGaugeDifference === 0 &&
    result.syncsLost === 0 &&
    result.syncDuplicates === 0 &&
    result.unexpectedResponses === 0 &&
    result.unacknowledgedStored === 0;
  return result;
}

async function createIngestToken(port: number, rootToken: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${rootToken}` },
    body: JSON.stringify({ query: `mutation { createApiToken(workspaceId: "${WORKSPACE}", scopes: [INGEST], label: "durability harness") }` }),
  });
  const body = (await res.json()) as { data?: { createApiToken?: string }; errors?: { message: string }[] };
  const token = body.data?.createApiToken;
  if (!token) throw new Error(`createApiToken failed: ${JSON.stringify(body.errors ?? body)}`);
  return token;
}

async function verify(db: Db, acked: Batch[], unacked: Batch[], spreadMs: number, result: DurabilityResult, finding: (s: string) => void): Promise<void> {
  const t = (name: string) => `${db.database}.${name}`;
  const ws = { ws: WORKSPACE };

  // 1. Exactly once per report: no message id twice.
  const dupRows = await db.query<{ message_id: string; c: number }>({
    family: 'durability',
    sql: `SELECT message_id, count() AS c FROM ${t('delivery_events')} WHERE workspace_id = {ws:String} GROUP BY message_id HAVING c != 1 ORDER BY c DESC, message_id LIMIT 10000`,
    params: ws,
  });
  result.duplicates = dupRows.reduce((s, r) => s + Number(r.c) - 1, 0);
  for (const r of dupRows.slice(0, 5)) finding(`message ${r.message_id} stored ${r.c} times`);

  // 2. Per batch: rows, distinct ids, sum of counts, and when the rows were stored.
  const perBatch = await db.query<{ b: number; rows: number; ids: number; events: number; first_ms: number; last_ms: number }>({
    family: 'durability',
    sql: `SELECT toUInt32(substring(splitByChar('-', message_id)[1], 2)) AS b, count() AS rows, uniqExact(message_id) AS ids,
                 toUInt64(sum(count)) AS events, toUInt64(toUnixTimestamp64Milli(min(ingested_at))) AS first_ms, toUInt64(toUnixTimestamp64Milli(max(ingested_at))) AS last_ms
          FROM ${t('delivery_events')} WHERE workspace_id = {ws:String} GROUP BY b`,
    params: ws,
  });
  const stored = new Map(perBatch.map((r) => [Number(r.b), r]));
  for (const batch of acked) {
    const s = stored.get(batch.n);
    const ids = s ? Number(s.ids) : 0;
    if (ids < batch.reports) {
      result.lost += batch.reports - ids;
      finding(`batch ${batch.n} (key ${batch.key}, ${batch.attempts} attempts): ${batch.reports - ids} of ${batch.reports} acknowledged reports missing`);
    }
    if (s && ids === batch.reports && Number(s.rows) === batch.reports && Number(s.events) !== batch.events) {
      result.batchEventMismatches++;
      finding(`batch ${batch.n}: stored ${s.events} events, acknowledged ${batch.events}`);
    }
    if (batch.interruptedAt.length > 0) {
      result.batchesInterruptedAfterSend++;
      const firstKill = batch.interruptedAt[0];
      if (s) {
        if (Number(s.last_ms) < firstKill) result.interrupted.storedBeforeKill++;
        else if (Number(s.first_ms) < firstKill) result.interrupted.partlyBeforeKill++;
        else result.interrupted.storedByRetry++;
      }
    }
    stored.delete(batch.n);
  }
  for (const batch of unacked) {
    const s = stored.get(batch.n);
    if (s) result.unacknowledgedStored += Number(s.rows);
    stored.delete(batch.n);
  }
  for (const [b, s] of stored) {
    result.unacknowledgedStored += Number(s.rows);
    finding(`raw rows of batch ${b} that the producer never posted (${s.rows} rows)`);
  }

  // 3. Raw equals both aggregate tiers: reconcile's comparison over everything posted.
  const now = Date.now();
  const window = reconcileWindow(now - spreadMs - 2 * HOUR_MS, now + 30 * 60_000, now);
  const rec = await compareRawAndAggregates(db, { ...window, workspaceId: WORKSPACE });
  result.differences = rec.differences.length;
  for (const d of rec.differences.slice(0, 10)) {
    const tiers = Object.entries(d.tiers).map(([t, c]) => `${t} ${c.events}/${c.reports}`).join(', ');
    finding(`aggregate drift ${new Date(d.hour).toISOString()} ${d.step} ${d.destinationId || '-'}: raw ${d.raw.events}/${d.raw.reports}, ${tiers} (events/reports)`);
  }
  if (result.lost === 0 && result.duplicates === 0 && result.unacknowledgedStored === 0 && rec.events !== result.events) {
    finding(`raw holds ${rec.events} events in the compared window, ${result.events} were acknowledged`);
  }

  // 4. The retry gauge is fed by its own view: it must equal enqueued − resolved in raw.
  const gauge = await db.query<{ raw: number; gauge: number }>({
    family: 'durability',
    sql: `SELECT
            (SELECT sumIf(toInt64(count), step = 'retry_enqueued') - sumIf(toInt64(count), step = 'retry_resolved') FROM ${t('delivery_events')} WHERE workspace_id = {ws:String}) AS raw,
            (SELECT sum(pending) FROM ${t('retry_pending')} WHERE workspace_id = {ws:String}) AS gauge`,
    params: ws,
  });
  result.retryGaugeDifference = Number(gauge[0]?.gauge ?? 0) - Number(gauge[0]?.raw ?? 0);
  if (result.retryGaugeDifference !== 0) finding(`retry_pending gauge ${gauge[0]?.gauge}, raw enqueued − resolved ${gauge[0]?.raw}`);

  // 5. How the engine's deduplication logs compare with the parts that exist (diagnosis).
  for (const table of DEDUP_TABLES) {
    const d = await orphanDedupRecords(db, table);
    result.orphanDedupRecords[table] = d.orphans.length;
    for (const o of d.orphans.slice(0, 5)) {
      finding(`${table}: the deduplication log remembers block ${o.blockId} as part ${o.part}, but no part of the table holds that block (a retry of it is acknowledged without storing anything)`);
    }
  }

  const detached = await db.query<{ table: string; reason: string; n: number; names: string[] }>({
    family: 'durability',
    sql: `SELECT table, reason, count() AS n, groupArray(5)(name) AS names FROM system.detached_parts WHERE database = {db:String} GROUP BY table, reason ORDER BY table, reason`,
    params: { db: db.database },
  });
  for (const d of detached) {
    result.detachedParts[`${d.table}/${d.reason || 'unknown'}`] = Number(d.n);
    finding(`${d.table}: ${d.n} part(s) detached on load (${d.reason || 'no reason given'}): ${d.names.join(', ')}`);
  }

  // 6. Syncs: every acknowledged sync id once (rows before any ReplacingMergeTree merge).
  const syncRows = await db.query<{ sync_id: string; c: number }>({
    family: 'durability',
    sql: `SELECT sync_id, count() AS c FROM ${t('warehouse_syncs')} WHERE workspace_id = {ws:String} GROUP BY sync_id`,
    params: ws,
  });
  const syncs = new Map(syncRows.map((r) => [r.sync_id, Number(r.c)]));
  for (const batch of acked) {
    for (const id of batch.syncIds) {
      const c = syncs.get(id) ?? 0;
      if (c === 0) {
        result.syncsLost++;
        finding(`sync ${id} (batch ${batch.n}) acknowledged but not stored`);
      } else if (c > 1) result.syncDuplicates += c - 1;
    }
  }
}

const DEDUP_TABLES = ['delivery_events', 'events_minute', 'events_hour', 'steps_minute', 'steps_hour', 'retry_pending', 'warehouse_syncs'] as const;
const PART_NAME = /^(.*?)_(\d+)_(\d+)_(\d+)(?:_(\d+))?$/;

/**
 * Reads a non-replicated MergeTree table's deduplication log (`<data path>/deduplication_logs/
 * deduplication_log_N.txt`: lines `1|2 TAB part name TAB block id`, 1 = add, 2 = drop) and returns
 * the remembered block ids whose block number no active part covers. ClickHouse writes the
 * record (MergeTreeSink::commitPart → MergeTreeDeduplicationLog::addPart) before it renames the
 * temporary part into place, and does not check the log against the parts when it loads the
 * table, so a process killed between the two leaves exactly such an orphan.
 */
export async function orphanDedupRecords(db: Db, table: string): Promise<{ records: number; orphans: { part: string; blockId: string }[] }> {
  const [info] = await db.query<{ data_paths: string[] }>({
    family: 'durability',
    sql: 'SELECT data_paths FROM system.tables WHERE database = {db:String} AND name = {t:String}',
    params: { db: db.database, t: table },
  });
  const parts = await db.query<{ partition_id: string; min_block_number: number; max_block_number: number }>({
    family: 'durability',
    sql: 'SELECT partition_id, min_block_number, max_block_number FROM system.parts WHERE database = {db:String} AND table = {t:String} AND active',
    params: { db: db.database, t: table },
  });
  const remembered = new Map<string, string>();
  for (const dataPath of info?.data_paths ?? []) {
    const dir = path.join(dataPath, 'deduplication_logs');
    if (!fs.existsSync(dir)) continue;
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^deduplication_log_\d+\.txt$/.test(f))
      .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
    for (const f of files) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const [op, part, blockId] = line.split('\t');
        if (!blockId) continue;
        if (op === '2') remembered.delete(blockId);
        else remembered.set(blockId, part);
      }
    }
  }
  const orphans: { part: string; blockId: string }[] = [];
  for (const [blockId, part] of remembered) {
    const m = PART_NAME.exec(part);
    if (!m) continue;
    const [, partition, min, max] = m;
    const covered = parts.some((p) => p.partition_id === partition && Number(p.min_block_number) <= Number(min) && Number(p.max_block_number) >= Number(max));
    if (!covered) orphans.push({ part, blockId });
  }
  return { records: remembered.size, orphans };
}

/** Figures as an aligned text block. */
export function describeDurability(r: DurabilityResult): string {
  const rows: [string, string | number][] = [
    ['kills (SIGKILL)', `${r.kills} (${r.killsDuringStartup} before the gateway listened)`],
    ['gateway starts', `${r.starts} (start to listening: p50 ${r.startMs.p50} ms, max ${r.startMs.max} ms)`],
    ['batches acknowledged', `${r.batchesAcknowledged} of ${r.batchesPosted} posted`],
    ['reports acknowledged', `${r.reports} (${r.events} events), ${r.syncsAcknowledged} syncs`],
    ['retries', `${r.retries} (refused ${r.failures.refused}, reset after send ${r.failures.resetAfterSend}, reset while sending ${r.failures.resetWhileSending}, 5xx ${r.failures.http5xx}, 429 ${r.failures.http429}, timeout ${r.failures.timeout}, other ${r.failures.other})`],
    [
      'interrupted after send',
      `${r.batchesInterruptedAfterSend} batches: ${r.interrupted.storedBeforeKill} stored before the kill (ack lost, retry deduplicated), ${r.interrupted.partlyBeforeKill} partly stored before the kill, ${r.interrupted.storedByRetry} stored by the retry`,
    ],
    ['duplicates', r.duplicates],
    ['lost', r.lost],
    ['batch event mismatches', r.batchEventMismatches],
    ['stored but never acknowledged', r.unacknowledgedStored],
    ['raw vs aggregate differences', r.differences],
    ['retry gauge difference', r.retryGaugeDifference],
    ['syncs lost / duplicated', `${r.syncsLost} / ${r.syncDuplicates}`],
    ['orphan dedup records', Object.entries(r.orphanDedupRecords).map(([t, n]) => `${t} ${n}`).join(', ')],
    ['detached parts', Object.keys(r.detachedParts).length ? Object.entries(r.detachedParts).map(([t, n]) => `${t} ${n}`).join(', ') : 0],
    ['unexpected responses', r.unexpectedResponses],
    ['wall time', `${(r.wallMs / 1000).toFixed(1)} s (kill phase ${(r.killPhaseMs / 1000).toFixed(1)} s)`],
    ['seed', r.seed],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  const verdict = r.ok ? 'durability: OK — every acknowledged report stored exactly once, raw and aggregates agree' : 'durability: FAILED';
  const findings = r.findings.length ? `\nfindings:\n${r.findings.map((f) => `  - ${f}`).join('\n')}\n` : '';
  const notes = r.notes.length ? `\nnotes:\n${r.notes.map((f) => `  - ${f}`).join('\n')}\n` : '';
  return `${verdict}\n${lines.join('\n')}\n${findings}${notes}${r.dataDir ? `data kept in ${r.dataDir}\n` : ''}`;
}
