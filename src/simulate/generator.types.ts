/**
 * What the simulator produces (ingest-contract shapes and the generator's numeric
 * rows) and what it is asked for. Types only, so every generator module can share them.
 */
import type { DestinationKind, ReportStep, SyncStatus } from '../domain/steps';
import type { ConnectionFields } from '../ingest/report.connection';
import type { DeliveryReport } from '../ingest/report.validate';
import type { Incident, SimEventType, WorkspaceModel } from './model';

export interface SimSample {
  payload: Record<string, unknown>;
  error: string;
  /** Failed deliveries: the exchange, as a producer reports it (headers name to value, body any JSON). */
  request?: { method: string; url: string; headers: Record<string, string>; body: unknown };
  response?: { status: number; headers: Record<string, string>; body: unknown };
}

/** One delivery report, exactly in the shape of the ingest contract. */
export interface SimDelivery {
  timestamp: string;
  sourceId: string;
  destinationId?: string;
  destinationKind?: DestinationKind;
  mappingId?: string;
  step: ReportStep;
  reason?: string;
  /** Absent on Reverse ETL and audience reports, which the ingest contract describes by their own fields. */
  eventType?: string;
  eventName?: string;
  appVersion?: string;
  enriched?: boolean;
  count: number;
  messageId?: string;
  sample?: SimSample;
  syncId?: string;
  operation?: string;
  audienceId?: string;
  spaceId?: string;
  attempt?: number;
  latencyMs?: number;
}

export interface SimSyncCollection {
  name: string;
  rowsSynced: number;
  rowsFailed: number;
  reason: string;
}

/** One warehouse-sync report, exactly in the shape of the ingest contract. */
export interface SimSync {
  type: 'sync';
  destinationId: string;
  syncId: string;
  startedAt: string;
  finishedAt: string;
  status: SyncStatus;
  reason: string;
  collections: SimSyncCollection[];
}

/**
 * The generator's internal row: a delivery report as ingest validates it (numeric time, empty
 * strings for absent fields), plus when its events were received, and the sample as the
 * simulator builds it (ingest's own code redacts and stores it).
 */
export type RawDelivery = Omit<DeliveryReport, 'eventType' | 'sample' | 'reportedReason' | keyof ConnectionFields> &
  Partial<ConnectionFields> & {
    /** Time of the group the events were received in (≤ time; < time only for retry resolutions). */
    origin: number;
    /** '' on Reverse ETL and audience rows. */
    eventType: SimEventType | '';
    sample: SimSample | null;
  };

export interface RawSync {
  destinationId: string;
  syncId: string;
  startedAt: number;
  finishedAt: number;
  status: SyncStatus;
  reason: string;
  collections: SimSyncCollection[];
}

export interface GenerateOptions {
  model: WorkspaceModel;
  seed: number;
  /** Window start (epoch ms, inclusive). */
  from: number;
  /** Window end (epoch ms, exclusive). */
  to: number;
  incidents: readonly Incident[];
  /**
   * When the simulated world begins (default: `from`). Events received before it do
   * not exist, so neither do their retry resolutions. Set it earlier than `from` to
   * continue a run window by window (live mode): retries enqueued in an earlier window
   * then resolve in this one.
   */
  origin?: number;
  /** Multiplies every source's volume (default 1). */
  volumeScale?: number;
}
