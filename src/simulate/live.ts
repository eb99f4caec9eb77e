/**
 * Live demo traffic: every interval, the reports for the wall-clock span since the
 * previous tick are generated and POSTed to the gateway's ingest endpoint like any
 * producer would, as NDJSON with a bearer token and an Idempotency-Key derived from
 * the seed and the span, so a batch retried after a lost acknowledgement is stored once.
 */
import { generateRaw, MinuteCache, toSimDelivery, toSimSync } from './generator';
import { DEMO_WORKSPACE, demoIncidents, type Incident, type WorkspaceModel } from './model';

export interface LiveOptions {
  /** Gateway base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** A token with the ingest scope for the workspace. */
  token: string;
  seed: number;
  /** Tick length (default 1000 ms). */
  intervalMs?: number;
  /** Traffic volume multiplier (default 1): 10 sends ten times the events per second. */
  speed?: number;
  signal?: AbortSignal;
  /** Called after each acknowledged batch with its number of records. */
  onBatch?: (n: number) => void;
  log?: (msg: string) => void;
  /** Defaults: the demo workspace and its incidents placed relative to `startAt`. */
  model?: WorkspaceModel;
  incidents?: readonly Incident[];
  /**
   * Where the live stream starts (default: now). Pass a backfill's `now` to continue it
   * without a gap; at most one hour back is caught up.
   */
  startAt?: number;
  /**
   * When the simulated world began (default: where the stream starts). Pass the
   * backfill's start to let retries that were still in flight at the end of the
   * backfill resolve in the live stream; leave it unset when nothing was backfilled,
   * or those resolutions would have no enqueue to match.
   */
  origin?: number;
  /** POST attempts per batch before it is given up (default 5). */
  maxAttempts?: number;
  /** Records per POST at most (default 5000; the gateway's default limit is 10000). */
  maxRecords?: number;
}

const MAX_CATCH_UP_MS = 3_600_000;
/** At most this much simulated time per generated span (keeps batches small after a stall). */
const MAX_SPAN_MS = 5 * 60_000;

export async function runLive(opts: LiveOptions): Promise<void> {
  const base = opts.url.replace(/\/+$/, '');
  const endpoint = `${base}/v1/ingest`;
  const intervalMs = Math.max(10, opts.intervalMs ?? 1000);
  const speed = opts.speed ?? 1;
  const model = opts.model ?? DEMO_WORKSPACE;
  const log = opts.log ?? (() => undefined);
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const maxRecords = Math.max(1, opts.maxRecords ?? 5000);
  const signal = opts.signal;
  const requestedStart = opts.startAt ?? Date.now();
  let cursor = Math.max(requestedStart, Date.now() - MAX_CATCH_UP_MS);
  const origin = opts.origin ?? cursor;
  const incidents = opts.incidents ?? demoIncidents(requestedStart);
  const cache = new MinuteCache(64);

  while (!signal?.aborted) {
    await sleep(intervalMs, signal);
    if (signal?.aborted) break;
    const now = Date.now();
    while (cursor < now && !signal?.aborted) {
      const to = Math.min(now, cursor + MAX_SPAN_MS);
      const { deliveries, syncs } = generateRaw({ model, seed: opts.seed, from: cursor, to, incidents, origin, volumeScale: speed }, cache);
      const records: unknown[] = [];
      for (const d of deliveries) records.push(toSimDelivery(d));
      for (const s of syncs) records.push(toSimSync(s));
      for (let part = 0, i = 0; i < records.length; part++, i += maxRecords) {
        const batch = records.slice(i, i + maxRecords);
        const key = `sim:${opts.seed}:${cursor}-${to}:${part}`;
        const ok = await postBatch(endpoint, opts.token, key, batch, maxAttempts, signal, log);
        if (ok) opts.onBatch?.(batch.length);
      }
      cursor = to;
    }
  }
}

/** POSTs one batch; retries with the same key on network errors, 5xx, 408 and 429. */
async function postBatch(
  endpoint: string,
  token: string,
  key: string,
  batch: unknown[],
  maxAttempts: number,
  signal: AbortSignal | undefined,
  log: (msg: string) => void,
): Promise<boolean> {
  const body = batch.map((r) => JSON.stringify(r)).join('\n');
  let lastProblem = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (signal?.aborted) return false;
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body,
        // Not tied to `signal`: a request under way is allowed to finish, so what was
        // stored is also acknowledged; only retries and new batches stop on abort.
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.ok) {
        const ack = safeJson(text) as { accepted?: unknown } | null;
        if (ack && ack.accepted === batch.length) return true;
        lastProblem = `unexpected acknowledgement ${text.slice(0, 200)}`;
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        // The same request would fail the same way: report it and move on.
        log(`simulate: batch ${key} rejected with HTTP ${res.status}: ${text.slice(0, 500)}`);
        return false;
      } else {
        lastProblem = `HTTP ${res.status}: ${text.slice(0, 200)}`;
      }
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    if (attempt < maxAttempts) await sleep(Math.min(5_000, 250 * 2 ** (attempt - 1)), signal);
  }
  if (!signal?.aborted) log(`simulate: gave up on batch ${key} (${batch.length} records) after ${maxAttempts} attempts: ${lastProblem}`);
  return false;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
