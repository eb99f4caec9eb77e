import crypto from 'node:crypto';
import { AppError, badInput, ErrorCode } from '../domain/errors';
import { KeyedMutex } from '../domain/keyed-mutex';
import type { WorkspaceDb } from '../metrics/workspace-db';
import { ReplayEndpointStore, type EndpointRules } from './endpoint';
import { replayOutcomes } from './outcome';
import { freezeSelection, previewCounts } from './selection.sql';
import { ReplayStore } from './store';
import type { BatchProgress, ReplayDelivery, ReplayJob, ReplayOutcome, ReplayPreviewValue, ReplaySelection } from './values';
import { compoundKey } from '../domain/compound-key';

export interface ReplayLimits {
  /** REPLAY_MAX_MESSAGES. */
  maxMessages: number;
  /** REPLAY_BATCH_SIZE. */
  batchSize: number;
}

/** What the API needs of replays, built once per gateway. */
export interface ReplayServices {
  store: ReplayStore;
  endpoints: ReplayEndpointStore;
  limits: ReplayLimits;
  endpointRules: EndpointRules;
}

export interface CreateRequest {
  delivery: ReplayDelivery;
  idempotencyKey: string | null;
  /** The token id of the caller. */
  by: string;
  /** The selection as asked for, shown back (JSON). */
  asked: string;
}

/** Creates of one workspace run one at a time in this process (read the active replays, then freeze). */
const creates = new KeyedMutex();

/**
 * One workspace's replays: preview, create, cancel, read. A selection reaching this service is
 * already checked against the catalog (the resolvers share that with `undelivered`).
 */
export class ReplayService {
  constructor(
    private readonly store: ReplayStore,
    private readonly endpoints: ReplayEndpointStore,
    private readonly wdb: WorkspaceDb,
    private readonly limits: ReplayLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async preview(selection: ReplaySelection): Promise<ReplayPreviewValue> {
    const active = await this.store.activeIds(this.wdb, selection.destinationId);
    return previewCounts(this.wdb, selection, active, this.limits.maxMessages);
  }

  /**
   * Freezes the selection's undelivered messages that no active replay of the destination
   * holds into a new job. The same idempotency key again returns the first job, whatever
   * the selection. Refused: nothing to replay, more than REPLAY_MAX_MESSAGES, push without an
   * endpoint.
   */
  async create(selection: ReplaySelection, request: CreateRequest): Promise<ReplayJob> {
    return creates.run(compoundKey(this.wdb.workspaceId, selection.destinationId), async () => {
      if (request.idempotencyKey !== null) {
        const first = await this.store.jobByKey(this.wdb, request.idempotencyKey);
        if (first) return first;
      }
      if (request.delivery === 'push' && (await this.endpoints.get(this.wdb)) === null) {
        throw badInput('This workspace has no replay endpoint to push to: an admin sets one with setReplayEndpoint, or create the replay with delivery: PULL', {
          field: 'delivery',
        });
      }
      const active = await this.store.activeIds(this.wdb, selection.destinationId);
      const preview = await previewCounts(this.wdb, selection, active, this.limits.maxMessages);
      checkSize(preview);
      const job = await this.freeze(selection, active, request);
      if ((await this.store.overlapWithEarlier(this.wdb, job)) > 0) {
        await this.store.writeJob(
          this.wdb,
          {
            ...job,
            status: 'cancelled',
            finishedAt: this.now(),
            cancelledBy: 'gateway',
            error: 'another replay created at the same moment holds some of these messages',
          },
          true,
        );
        throw badInput('Another replay of this destination, created at the same moment, holds some of these messages; preview again and create what is left', {
          field: 'input',
        });
      }
      return job;
    });
  }

  private async freeze(selection: ReplaySelection, active: readonly string[], request: CreateRequest): Promise<ReplayJob> {
    const id = `rpl_${crypto.randomBytes(12).toString('base64url')}`;
    const createdAt = this.now();
    await freezeSelection(this.wdb, id, selection, active, this.limits.batchSize, this.limits.maxMessages, createdAt);
    const size = await this.store.frozenSize(this.wdb, id);
    if (size.messages === 0)
      throw badInput('No undelivered message matches any more (they were delivered, or another replay took them meanwhile)', { field: 'input' });
    const job: ReplayJob = {
      id,
      workspaceId: this.wdb.workspaceId,
      destinationId: selection.destinationId,
      mappingId: selection.mappingId,
      selection: request.asked,
      idempotencyKey: request.idempotencyKey,
      delivery: request.delivery,
      status: 'pending',
      messages: size.messages,
      batches: size.batches,
      batchSize: this.limits.batchSize,
      createdBy: request.by,
      createdAt,
      startedAt: null,
      finishedAt: null,
      cancelledBy: null,
      error: null,
      version: this.store.nextVersion(),
    };
    await this.store.writeJob(this.wdb, job);
    return job;
  }

  async get(id: string): Promise<ReplayJob> {
    const job = await this.store.job(this.wdb, id);
    if (!job) throw new AppError(ErrorCode.NOT_FOUND, `No replay ${id.slice(0, 128)} in this workspace`, { field: 'id' });
    return job;
  }

  list(first: number, after: ReplayJob | null): Promise<ReplayJob[]> {
    return this.store.jobs(this.wdb, first, after && { createdAt: after.createdAt, id: after.id });
  }

  /** Stops a replay that is pending or sending; batches already sent stay sent. */
  async cancel(id: string, by: string): Promise<ReplayJob> {
    const job = await this.get(id);
    if (job.status === 'cancelled') return job;
    if (job.status !== 'pending' && job.status !== 'sending')
      throw badInput(`Replay ${id} is ${job.status}: only a pending or sending replay can be cancelled`, { field: 'id' });
    const cancelled: ReplayJob = { ...job, status: 'cancelled', finishedAt: this.now(), cancelledBy: by };
    await this.store.writeJob(this.wdb, cancelled, true);
    return cancelled;
  }

  /** Progress of each job, in one statement. */
  progress(jobs: readonly ReplayJob[]): Promise<BatchProgress[]> {
    return this.store.progress(
      this.wdb,
      jobs.map((j) => j.id),
    );
  }

  /** Outcome of each job, in one statement. */
  outcomes(jobs: readonly ReplayJob[]): Promise<ReplayOutcome[]> {
    return replayOutcomes(this.wdb, jobs);
  }
}

function checkSize(preview: ReplayPreviewValue): void {
  if (preview.replayable > preview.maxMessages) {
    throw badInput(
      `${preview.replayable.toLocaleString('en-US')} messages match, more than the ${preview.maxMessages.toLocaleString('en-US')} one replay may hold (REPLAY_MAX_MESSAGES): narrow the range, reason, mapping or filter`,
      {
        field: 'input',
        limit: 'replayMaxMessages',
        value: preview.maxMessages,
        matched: preview.replayable,
      },
    );
  }
  if (preview.replayable === 0) {
    const held = preview.inActiveReplay > 0 ? ` (${preview.inActiveReplay} that match are already in an active replay)` : '';
    throw badInput(`No undelivered message matches${held}: nothing to replay`, { field: 'input', inActiveReplay: preview.inActiveReplay });
  }
}
