import crypto from 'node:crypto';
import type { Db } from '../clickhouse/client';
import { batchToken, sha256Hex, type IdempotencyRecord } from './idempotency';
import { KeyedMutex } from '../domain/keyed-mutex';
import { AppError, ErrorCode } from '../domain/errors';
import { parseBody } from './body.parse';
import { validateRecord, type DeliveryReport, type FieldError, type SyncReport } from './report.validate';
import { DiscardSampler } from './sampler';
import { RowEncoder } from './row-encoder';
import { TimeSlice } from './time-slice';
import { IngestCoalescer } from './coalescer';
import type { RateLimiter } from '../domain/rate-limiter';
import { compoundKey } from '../domain/compound-key';

export interface IngestLimits {
  maxBodyBytes: number;
  maxRecords: number;
  maxRecordBytes: number;
  sampleMaxBytes: number;
}

export interface IngestResult {
  /** Records stored (delivery reports + syncs). */
  accepted: number;
  /** Events the delivery reports stand for (sum of `count`). */
  events: number;
  syncs: number;
  samples: number;
  idempotencyKey: string | null;
  /** True when this answer replays an earlier acknowledgement of the same key and body (nothing stored now). */
  duplicate: boolean;
}

/** At most this many field errors are listed; `totalErrors` says how many there were. */
export const MAX_LISTED_ERRORS = 100;
/** Reports may be this old (ms): the raw table keeps 15 days, and a report must outlive its range. */
export const MAX_REPORT_AGE_MS = 14 * 86_400_000;
/** Producer clocks may run this far ahead of the gateway's (ms). */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * Ingest, transport-free: body bytes in, rows stored, a count out. A batch is all
 * or nothing at validation; its encoded rows go to the coalescer, which writes them
 * (with concurrent requests' rows) in three inserts (events, syncs, samples) under a
 * deduplication token, so retrying a batch whose acknowledgement was lost stores nothing
 * twice, in raw or aggregate tables. A keyed batch is acknowledged only after its
 * idempotency record is written: the same key and body again is a replay, another body
 * under it a 409.
 */
export class IngestService {
  private readonly sampler: DiscardSampler;
  /** Told the ids a stored batch named (the catalog cache drops a snapshot that lacks one). */
  onStored?: (workspaceId: string, ids: BatchIds) => void;
  /** Requests carrying one key run one at a time here, so a concurrent second one sees the first one's record. */
  private readonly keyLocks = new KeyedMutex();
  /** Told a stored batch's delivery reports (the live failure tail), once they are stored. */
  onReportsStored?: (workspaceId: string, reports: readonly DeliveryReport[]) => void;
  /** Writes requests' rows, merging concurrent ones into larger inserts. */
  readonly coalescer: IngestCoalescer;

  constructor(
    db: Db,
    private readonly limits: IngestLimits,
    samplesPerMinute: number,
    /** Reports per second per workspace; refused batches store nothing. */
    private readonly limiter?: RateLimiter,
    /** Default: a coalescer without a write-ahead copy (tests); the gateway passes one with DATA_DIR's. */
    coalescer?: IngestCoalescer,
  ) {
    this.sampler = new DiscardSampler(samplesPerMinute);
    this.coalescer = coalescer ?? new IngestCoalescer(db);
  }

  validateIdempotencyKey(key: string | undefined): string | null {
    if (key === undefined || key === '') return null;
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'Idempotency-Key must be 1-128 visible ASCII characters', { field: 'Idempotency-Key' });
    }
    return key;
  }

  async ingest(workspaceId: string, body: Buffer, contentType: string | undefined, idempotencyKey: string | null, now = Date.now()): Promise<IngestResult> {
    if (idempotencyKey === null) return this.store(workspaceId, body, contentType, null, crypto.randomUUID(), now);
    const key = idempotencyKey;
    const digest = sha256Hex(body);
    return this.keyLocks.run(compoundKey(workspaceId, key), async () => {
      // A flush of this key saved by a failed attempt is written first: its record then answers.
      await this.coalescer.settle(workspaceId, key);
      return this.store(workspaceId, body, contentType, { key, digest }, batchToken(workspaceId, key, digest), now);
    });
  }

  /** Validates, encodes and stores one batch under the deduplication token `token`. */
  private async store(
    workspaceId: string,
    body: Buffer,
    contentType: string | undefined,
    keyed: { key: string; digest: string } | null,
    token: string,
    now: number,
  ): Promise<IngestResult> {
    const records = parseBody(body, contentType, this.limits);
    const slice = new TimeSlice();
    const { deliveries, syncs } = await validateAll(records, now, slice);
    this.admitRate(workspaceId, records.length, now);
    const { eventLines, syncLines, sampleLines, events } = await this.encode(workspaceId, deliveries, syncs, now, slice);

    const result: IngestResult = {
      accepted: deliveries.length + syncs.length,
      events,
      syncs: syncs.length,
      samples: sampleLines.length,
      idempotencyKey: keyed?.key ?? null,
      duplicate: false,
    };
    // The request's token (a hash of workspace, key and body for a keyed batch) goes with
    // its rows: a flush of this request alone is deduplicated by it; a merged flush is
    // saved first under its own token (see IngestCoalescer).
    const earlier = await this.coalescer.submit({
      workspaceId,
      token,
      eventLines,
      syncLines,
      sampleLines,
      record: keyed && { workspaceId, key: keyed.key, bodySha256: keyed.digest, result: JSON.stringify(result) },
    });
    if (earlier !== null) {
      // Nothing stored now: the rate this request took is given back.
      this.limiter?.refund(workspaceId, records.length);
      return answerEarlier(earlier, keyed!.digest);
    }
    this.onStored?.(workspaceId, idsOf(deliveries, syncs));
    this.onReportsStored?.(workspaceId, deliveries);
    return result;
  }

  /** Refuses the whole batch (nothing stored) when the workspace is over its ingest rate. */
  private admitRate(workspaceId: string, reports: number, now: number): void {
    const decision = this.limiter?.take(workspaceId, reports, now);
    if (!decision || decision.ok) return;
    const rate = this.limiter!.ratePerSecond;
    throw new AppError(
      ErrorCode.RATE_LIMITED,
      `This workspace is over its ingest rate of ${rate} reports/s; nothing was stored, retry after ${decision.retryAfterSeconds} s with the same Idempotency-Key`,
      { retryAfterSeconds: decision.retryAfterSeconds, limit: 'ingestRatePerSecond', value: rate },
    );
  }

  /**
   * Every row is encoded before the first insert: nothing that can fail on bad input
   * runs between two inserts, so a batch is stored whole or (on an engine fault, which
   * the caller retries with its key) not acknowledged.
   */
  private async encode(workspaceId: string, deliveries: DeliveryReport[], syncs: SyncReport[], now: number, slice: TimeSlice) {
    const encoder = new RowEncoder(workspaceId);
    let events = 0;
    const eventLines: string[] = new Array(deliveries.length);
    for (let i = 0; i < deliveries.length; i++) {
      events += deliveries[i].count;
      eventLines[i] = encoder.delivery(deliveries[i]);
      await slice.pause();
    }
    const syncLines = syncs.map((s) => encoder.sync(s, now));
    const sampleLines: string[] = [];
    for (const d of deliveries) {
      if (d.sample === null) continue;
      if (!this.sampler.take(compoundKey(workspaceId, d.destinationId, d.step, d.reason), d.time, now)) continue;
      sampleLines.push(encoder.sample(d, d.sample.payload, this.limits.sampleMaxBytes));
    }
    return { eventLines, syncLines, sampleLines, events };
  }
}

/** Validates every record (yielding the event loop as it goes); any invalid record refuses the whole batch, listing the first errors. */
async function validateAll(records: unknown[], now: number, slice: TimeSlice): Promise<{ deliveries: DeliveryReport[]; syncs: SyncReport[] }> {
  const errors: FieldError[] = [];
  const deliveries: DeliveryReport[] = [];
  const syncs: SyncReport[] = [];
  const window = { oldest: now - MAX_REPORT_AGE_MS, newest: now + MAX_CLOCK_SKEW_MS };
  for (let i = 0; i < records.length; i++) {
    const valid = validateRecord(records[i], i, window, errors);
    if (valid?.kind === 'delivery') deliveries.push(valid.report);
    else if (valid?.kind === 'sync') syncs.push(valid.report);
    await slice.pause();
  }
  if (errors.length === 0) return { deliveries, syncs };
  const badRecords = new Set(errors.map((e) => e.index)).size;
  throw new AppError(ErrorCode.BAD_USER_INPUT, `${badRecords} of ${records.length} records are invalid; nothing was stored`, {
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    totalErrors: errors.length,
    invalidRecords: badRecords,
  });
}

/** A key acknowledged before: the same body is a replay of that answer, another body a 409 (nothing stored now). */
function answerEarlier(earlier: IdempotencyRecord, digest: string): IngestResult {
  if (earlier.bodySha256 === digest) return { ...(JSON.parse(earlier.result) as IngestResult), duplicate: true };
  throw new AppError(
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
    'This Idempotency-Key was acknowledged earlier with a different body; nothing was stored. Use a new key for a new batch',
    {
      field: 'Idempotency-Key',
    },
  );
}

/**
 * The catalog entries a batch's delivery reports make (the catalog view reads those only):
 * sources, destinations, and (destination, mapping) and (destination, source) pairs.
 */
export interface BatchIds {
  sources: Set<string>;
  destinations: Set<string>;
  mappings: Map<string, [string, string]>;
  connections: Map<string, [string, string]>;
  /** The earliest and latest report and sync times of the batch (epoch ms): the reads it can change. */
  from: number;
  to: number;
}

function idsOf(deliveries: readonly DeliveryReport[], syncs: readonly SyncReport[]): BatchIds {
  const ids: BatchIds = { sources: new Set(), destinations: new Set(), mappings: new Map(), connections: new Map(), from: Infinity, to: -Infinity };
  for (const s of syncs) {
    ids.from = Math.min(ids.from, s.startedAt, s.finishedAt);
    ids.to = Math.max(ids.to, s.startedAt, s.finishedAt);
  }
  for (const d of deliveries) {
    ids.from = Math.min(ids.from, d.time);
    ids.to = Math.max(ids.to, d.time);
    ids.sources.add(d.sourceId);
    if (d.destinationId === '') continue;
    ids.destinations.add(d.destinationId);
    ids.connections.set(compoundKey(d.destinationId, d.sourceId), [d.destinationId, d.sourceId]);
    if (d.mappingId !== '') ids.mappings.set(compoundKey(d.destinationId, d.mappingId), [d.destinationId, d.mappingId]);
  }
  return ids;
}
