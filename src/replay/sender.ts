import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { postOutbound } from '../alerts/notify/http-post';
import { withRetries, type DeliveryResult, type RetryPolicy } from '../alerts/notify/retry';
import { standardWebhookHeaders } from '../alerts/notify/standard-webhooks';
import type { SecretBox } from '../auth/secret-box';
import type { Db } from '../clickhouse/client';
import type { ReplayConfig } from '../config/replay';
import { WorkspaceDb } from '../metrics/workspace-db';
import { ReplayEndpointStore, signingSecrets } from './endpoint';
import { ReplayLeases } from './lease';
import { ReplayStore } from './store';
import type { ReplayJob, ReplayMessage } from './values';

export interface SenderOptions {
  db: Db;
  log: Logger;
  secrets: SecretBox;
  config: ReplayConfig;
  /** ALERT_WEBHOOK_ALLOW_PRIVATE: the egress guard of alert webhooks applies to replay endpoints too. */
  allowPrivateNetworks: boolean;
  /** Who this sender is in leases; default a random id per instance (per replica). */
  claimant?: string;
  /** Sees each batch's outcome (metrics). */
  onBatch?(outcome: 'acknowledged' | 'failed' | 'interrupted'): void;
}

/** Retries of one batch wait at most this long, well inside a lease the sender renews before each wait. */
const MAX_RETRY_DELAY_MS = 60_000;

/** The body of one batch: the same bytes on every attempt and after a restart (timestamp = the job's creation). */
export function batchBody(job: ReplayJob, batch: number, messages: readonly ReplayMessage[]): string {
  return JSON.stringify({
    type: 'replay.batch',
    timestamp: new Date(job.createdAt).toISOString(),
    data: {
      replayId: job.id,
      workspaceId: job.workspaceId,
      destinationId: job.destinationId,
      batch,
      batches: job.batches,
      messages: messages.map((m) => ({
        messageId: m.messageId,
        mappingId: m.mappingId,
        reason: m.reason,
        sourceId: m.sourceId,
        failedAt: new Date(m.failedAt).toISOString(),
      })),
    },
  });
}

/** A batch's webhook-id: the same on every attempt, by any replica, after any restart. */
export function batchWebhookId(replayId: string, batch: number): string {
  return `${replayId}_b${batch}`;
}

/**
 * Pushes replays to their workspace's endpoint, one job per workspace at a time, oldest first,
 * at REPLAY_BATCHES_PER_SECOND, each batch signed as Standard Webhooks says and retried with
 * backoff. Progress lives in ClickHouse (replay_batches), so a sender that stops, crashes or
 * loses its lease leaves the job to the next one, which resends exactly the batches not
 * acknowledged, with the same webhook-id: at least once, never lost.
 */
export class ReplaySender {
  readonly store: ReplayStore;
  private readonly endpoints: ReplayEndpointStore;
  private readonly leases: ReplayLeases;
  private readonly shutdown = new AbortController();
  private readonly policy: RetryPolicy;
  private timer: NodeJS.Timeout | null = null;
  /** Sweeps under way (the interval's, and any started by hand), which stop() waits for. */
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: SenderOptions) {
    const c = options.config;
    this.store = new ReplayStore(options.db);
    this.endpoints = new ReplayEndpointStore(options.secrets);
    this.leases = new ReplayLeases(options.db, options.claimant ?? crypto.randomUUID(), 2 * MAX_RETRY_DELAY_MS + c.sendTimeoutMs);
    this.policy = { attempts: c.sendAttempts, baseDelayMs: c.retryBaseDelayMs, maxDelayMs: MAX_RETRY_DELAY_MS, timeoutMs: c.sendTimeoutMs };
  }

  /** Looks for work every `intervalMs` (the next look starts when the previous one ended). 0 does nothing. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.stopped || this.timer) return;
    const tick = () => {
      void this.sweep()
        .catch((err) => this.options.log.error({ err }, 'replay sending failed'))
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(tick, intervalMs);
            this.timer.unref?.();
          }
        });
    };
    this.timer = setTimeout(tick, intervalMs);
    this.timer.unref?.();
  }

  /** Stops: the request in flight is abandoned (its batch is resent by the next sender), leases are released. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.shutdown.abort();
    await Promise.allSettled([...this.running]);
  }

  /** One look for work: each workspace's oldest push job this sender can claim is sent to its end. */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const run = this.sweepOnce();
    this.running.add(run);
    void run.catch(() => undefined).finally(() => this.running.delete(run));
    return run;
  }

  private async sweepOnce(): Promise<void> {
    const jobs = await this.store.jobsToPush();
    const byWorkspace = new Map<string, ReplayJob[]>();
    for (const job of jobs) {
      const list = byWorkspace.get(job.workspaceId);
      if (list) list.push(job);
      else byWorkspace.set(job.workspaceId, [job]);
    }
    await Promise.all([...byWorkspace.values()].map((list) => this.sendFirstClaimable(list)));
  }

  /** The workspace's oldest job, when this sender can claim it (jobs are oldest first). */
  private async sendFirstClaimable(jobs: ReplayJob[]): Promise<void> {
    for (const job of jobs) {
      if (this.stopped) return;
      // Another sender has the workspace's oldest job: it is the workspace's one replay in flight.
      if (!(await this.leases.claim(job.id))) return;
      try {
        await this.sendJob(new WorkspaceDb(this.options.db, job.workspaceId), job);
      } catch (err) {
        this.options.log.warn({ err, workspace: job.workspaceId, replay: job.id }, 'replay sending stopped; the next sweep resumes it');
      } finally {
        await this.leases.release(job.id).catch(() => undefined);
      }
      return; // one job per workspace at a time: the endpoint's pace is per workspace
    }
  }

  /** Sends every batch not yet acknowledged, in order, then marks the job sent. */
  private async sendJob(wdb: WorkspaceDb, job: ReplayJob): Promise<void> {
    const states = await this.store.batchStates(wdb, job.id);
    if (job.status === 'pending') {
      job = { ...job, status: 'sending', startedAt: Date.now(), version: this.store.nextVersion() };
      await this.store.writeJob(wdb, job);
    }
    let lastStart = 0;
    for (let batch = 0; batch < job.batches; batch++) {
      if (states.get(batch)?.state === 'acknowledged') continue;
      if (this.stopped || !(await this.stillOurs(wdb, job))) return;
      const wait = lastStart + 1000 / this.options.config.batchesPerSecond - Date.now();
      if (wait > 0) await sleep(wait, this.shutdown.signal);
      if (this.stopped) return;
      lastStart = Date.now();
      const result = await this.sendBatch(wdb, job, batch, states.get(batch)?.attempts ?? 0);
      if (this.stopped && !result.ok) return; // interrupted, not failed: resent by the next sender
      if (!result.ok) {
        await this.store.writeJob(wdb, {
          ...job,
          status: 'failed',
          finishedAt: Date.now(),
          error: `batch ${batch}: ${result.lastError}`,
          version: this.store.nextVersion(),
        });
        return;
      }
    }
    await this.store.writeJob(wdb, { ...job, status: 'sent', finishedAt: Date.now(), version: this.store.nextVersion() });
    this.options.log.info({ workspace: job.workspaceId, replay: job.id, batches: job.batches, messages: job.messages }, 'replay sent');
  }

  /** The lease is still this sender's and nobody cancelled the job. */
  private async stillOurs(wdb: WorkspaceDb, job: ReplayJob): Promise<boolean> {
    if (!(await this.leases.renew(job.id))) return false;
    const current = await this.store.job(wdb, job.id);
    return current !== null && current.status !== 'cancelled';
  }

  /** One batch with its retries; `attempted` attempts were made before (by this or an earlier sender). */
  private async sendBatch(wdb: WorkspaceDb, job: ReplayJob, batch: number, attempted: number): Promise<DeliveryResult> {
    const endpoint = await this.endpoints.get(wdb);
    if (endpoint === null) return { ok: false, attempts: 0, statusCode: null, lastError: 'the workspace has no replay endpoint (setReplayEndpoint)' };
    const messages = await this.store.batchMessages(wdb, job.id, batch, batch + 1);
    const body = batchBody(job, batch, messages);
    const id = batchWebhookId(job.id, batch);
    await this.store.writeBatch(wdb, job.id, batch, { state: 'sent', messages: messages.length, attempts: attempted + 1 });
    const result = await withRetries(
      this.policy,
      this.shutdown.signal,
      () => {
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'delivery-overview-gateway',
          ...standardWebhookHeaders(id, body, signingSecrets(endpoint, Date.now())),
        };
        return postOutbound(endpoint.url, headers, body, {
          timeoutMs: this.policy.timeoutMs,
          signal: this.shutdown.signal,
          allowPrivateNetworks: this.options.allowPrivateNetworks,
        });
      },
      async (attempt, err) => {
        await this.store.writeBatch(wdb, job.id, batch, {
          state: 'sent',
          messages: messages.length,
          attempts: attempted + attempt + 1,
          statusCode: err.statusCode,
          lastError: err.message,
        });
        await this.leases.renew(job.id);
      },
    );
    if (result.ok)
      await this.store.writeBatch(wdb, job.id, batch, {
        state: 'acknowledged',
        messages: messages.length,
        attempts: attempted + result.attempts,
        statusCode: result.statusCode,
      });
    else if (!this.stopped)
      await this.store.writeBatch(wdb, job.id, batch, {
        state: 'failed',
        messages: messages.length,
        attempts: attempted + result.attempts,
        statusCode: result.statusCode,
        lastError: result.lastError,
      });
    this.options.onBatch?.(result.ok ? 'acknowledged' : this.stopped ? 'interrupted' : 'failed');
    return result;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
