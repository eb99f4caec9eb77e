import http from 'node:http';
import type { Rng } from '../../src/simulate/random';
import { makeBatch, type Batch } from './batch';
import type { DurabilityResult } from './result';

/**
 * The producers: workers that post batches to the gateway and retry each one that was not
 * acknowledged, with the same Idempotency-Key and the same body, until it is; counting every
 * attempt and how it failed into the run's result. Half of them retry quickly (tens of ms after
 * a refused connection, at most a second after a 503/504), half slowly (seconds, and exactly the
 * Retry-After they are given), as real producers of both temperaments do.
 */

type Outcome =
  | { kind: 'ack'; status: 200; body: Record<string, unknown> }
  | { kind: 'status'; status: number; body: string; retryAfter: number | null }
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
    const headers = {
      'content-type': 'application/x-ndjson',
      'content-length': batch.body.length,
      authorization: `Bearer ${token}`,
      'idempotency-key': batch.key,
    };
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/ingest', method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => done({ kind: 'reset', sent: true }));
      res.on('aborted', () => done({ kind: 'reset', sent: true }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) {
          const retryAfter = res.headers['retry-after'] === undefined ? null : Number(res.headers['retry-after']);
          return done({ kind: 'status', status: res.statusCode ?? 0, body: text.slice(0, 400), retryAfter });
        }
        try {
          done({ kind: 'ack', status: 200, body: JSON.parse(text) as Record<string, unknown> });
        } catch {
          done({ kind: 'reset', sent: true });
        }
      });
    });
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A batch not acknowledged after this many attempts, or this long, is given up (and counted lost if it was stored). */
const MAX_ATTEMPTS = 1000;
const MAX_BATCH_MS = 15 * 60_000;

/** What the producers need from the run: where to post, what to post, and where to count. */
export interface ProducerSetup {
  port: number;
  token: string;
  rng: Rng;
  runId: string;
  spreadMs: number;
  result: DurabilityResult;
  finding: (s: string) => void;
  note: (s: string) => void;
}

export class Producers {
  /** Batches acknowledged, in the order their acknowledgements arrived. */
  readonly acked: Batch[] = [];
  /** Batches posted and not acknowledged yet. */
  readonly pending = new Set<Batch>();
  private producing = true;
  private nextBatch = 0;
  private readonly workers: Promise<void>[];

  /** Starts `concurrency` workers at once (even ones quick, odd ones slow); each posts one batch at a time until stop(). */
  constructor(
    private readonly setup: ProducerSetup,
    concurrency: number,
  ) {
    this.workers = Array.from({ length: concurrency }, (_, i) => this.worker(i % 2 === 1));
  }

  /** No new batches; each worker still retries the batch it holds until it is acknowledged. */
  stop(): void {
    this.producing = false;
  }

  /** Resolves once every worker has returned: after stop(), each once its last batch is acknowledged (or given up). */
  async finished(): Promise<void> {
    await Promise.all(this.workers);
  }

  private async worker(slow: boolean): Promise<void> {
    const { rng, runId, spreadMs, result } = this.setup;
    while (this.producing) {
      const batch = makeBatch(rng, this.nextBatch++, runId, spreadMs);
      result.batchesPosted++;
      this.pending.add(batch);
      const acked = await this.untilAcknowledged(batch, slow);
      this.pending.delete(batch);
      if (!acked) continue;
      this.acked.push(batch);
      result.batchesAcknowledged++;
      result.reports += batch.reports;
      result.events += batch.events;
      result.syncsAcknowledged += batch.syncs.length;
      result.samplesAcknowledged += batch.samples;
    }
  }

  /** Posts `batch` until it is acknowledged (true) or given up (false). */
  private async untilAcknowledged(batch: Batch, slow: boolean): Promise<boolean> {
    const { port, token, result, finding } = this.setup;
    const started = Date.now();
    for (;;) {
      batch.attempts++;
      if (batch.attempts > 1) result.retries++;
      const o = await post(port, token, batch, 30_000);
      if (o.kind === 'ack') {
        this.checkAck(batch, o.body);
        return true;
      }
      const waitMs = this.count(batch, o, slow);
      if (waitMs < 0) return false; // refused for good: retrying the same body cannot help
      if (batch.attempts >= MAX_ATTEMPTS || Date.now() - started > MAX_BATCH_MS) {
        finding(`batch ${batch.n}: given up after ${batch.attempts} attempts in ${Math.round((Date.now() - started) / 1000)} s`);
        return false;
      }
      await sleep(waitMs);
    }
  }

  private checkAck(batch: Batch, body: Record<string, unknown>): void {
    const b = body as { accepted?: number; events?: number; syncs?: number; samples?: number };
    batch.samples = typeof b.samples === 'number' ? b.samples : 0;
    if (b.accepted !== batch.reports + batch.syncs.length || b.events !== batch.events || b.syncs !== batch.syncs.length) {
      this.setup.finding(
        `batch ${batch.n}: acknowledged ${JSON.stringify(body)}, expected accepted=${batch.reports + batch.syncs.length} events=${batch.events} syncs=${batch.syncs.length}`,
      );
      this.setup.result.unexpectedResponses++;
    }
  }

  /** Counts a failed attempt; returns how long to wait before the next one (ms), or -1 to give the batch up (a 4xx other than 429). */
  private count(batch: Batch, o: Exclude<Outcome, { kind: 'ack' }>, slow: boolean): number {
    const { result, finding, note } = this.setup;
    const f = result.failures;
    const backoff = slow
      ? 1_000 + Math.floor(Math.random() * 2_000)
      : Math.min(25 * 2 ** Math.min(batch.attempts - 1, 4), 400) + Math.floor(Math.random() * 25);
    if (o.kind === 'refused') f.refused++;
    else if (o.kind === 'reset') {
      if (o.sent) batch.interruptedAt.push(Date.now());
      if (o.sent) f.resetAfterSend++;
      else f.resetWhileSending++;
    } else if (o.kind === 'timeout' || o.kind === 'error') {
      if (o.kind === 'timeout') f.timeout++;
      else f.other++;
      if (o.sent) batch.interruptedAt.push(Date.now());
      if (o.kind === 'error') note(`batch ${batch.n}: ${o.message}`);
    } else if (o.status === 503 || o.status === 504) {
      if (o.status === 503) f.http503++;
      else f.http504++;
      batch.interruptedAt.push(Date.now());
      if (/ingest-wal\/failed\//.test(o.body)) f.held++;
      if (o.retryAfter === null || !Number.isFinite(o.retryAfter)) {
        f.retryAfterMissing++;
        finding(`batch ${batch.n}: HTTP ${o.status} without Retry-After: ${o.body}`);
        return backoff;
      }
      return slow ? o.retryAfter * 1000 : Math.min(o.retryAfter * 1000, 1_000);
    } else if (o.status === 429) f.http429++;
    else {
      // A 500 (or any other answer) is not what a producer can act on: the docs promise 503/504 for transient refusals.
      if (o.status >= 500) batch.interruptedAt.push(Date.now());
      f.otherStatus++;
      result.unexpectedResponses++;
      finding(`batch ${batch.n}: HTTP ${o.status} ${o.body}`);
      if (o.status < 500) return -1;
    }
    return backoff;
  }
}
