import http from 'node:http';
import type { Rng } from '../../src/simulate/random';
import { makeBatch, type Batch } from './batch';
import type { DurabilityResult } from './result';

/**
 * The producers: workers that post batches to the gateway and retry each one that was not
 * acknowledged, with the same Idempotency-Key and the same body, until it is; counting every
 * attempt and how it failed into the run's result.
 */

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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

  /** Starts `concurrency` workers at once; each posts one batch at a time until stop(). */
  constructor(
    private readonly setup: ProducerSetup,
    concurrency: number,
  ) {
    this.workers = Array.from({ length: concurrency }, () => this.worker());
  }

  /** No new batches; each worker still retries the batch it holds until it is acknowledged. */
  stop(): void {
    this.producing = false;
  }

  /** Resolves once every worker has returned: after stop(), each once its last batch is acknowledged (or given up). */
  async finished(): Promise<void> {
    await Promise.all(this.workers);
  }

  private async worker(): Promise<void> {
    const { port, token, rng, runId, spreadMs, result, finding, note } = this.setup;
    while (this.producing) {
      const batch = makeBatch(rng, this.nextBatch++, runId, spreadMs);
      result.batchesPosted++;
      this.pending.add(batch);
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
      this.pending.delete(batch);
      if (batch.attempts < 1000) {
        this.acked.push(batch);
        result.batchesAcknowledged++;
        result.reports += batch.reports;
        result.events += batch.events;
        result.syncsAcknowledged += batch.syncIds.length;
      }
    }
  }
}
