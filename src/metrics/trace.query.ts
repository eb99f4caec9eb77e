import { pipelineStepOf, REPORT_STEPS, type DestinationKind, type PipelineStepKind, type ReportStep } from '../domain/steps';
import { ALL_TIME } from './shared-reads';
import type { WorkspaceDb } from './workspace-db';

export interface TraceEntryValue {
  at: Date;
  /** The pipeline box (see pipelineStepOf). */
  step: PipelineStepKind;
  /** The step as reported. */
  reportStep: ReportStep;
  sourceId: string;
  destinationId: string | null;
  mappingId: string | null;
  reason: string | null;
  eventType: string;
  eventName: string;
  appVersion: string;
  count: number;
}

export const MAX_TRACE_ENTRIES = 1000;

/** Every report carrying this message id, oldest first, one instant in pipeline order (raw table; the bloom-filter index skips granules). */
export async function traceMessage(wdb: WorkspaceDb, messageId: string): Promise<TraceEntryValue[]> {
  const rows = await wdb.query<{
    at: number;
    step: ReportStep;
    kind: DestinationKind | '';
    source_id: string;
    destination_id: string;
    mapping_id: string;
    reason: string;
    event_type: string;
    event_name: string;
    app_version: string;
    count: number;
  }>(
    'trace',
    `SELECT toUnixTimestamp64Milli(time) AS at, step, destination_kind AS kind, source_id, destination_id, mapping_id, reason, event_type, event_name, app_version, count
     FROM ${wdb.table('delivery_events')}
     WHERE workspace_id = {workspace:String} AND message_id = {id:String}
     ORDER BY time, indexOf({steps:Array(String)}, step)
     LIMIT {limit:UInt32}`,
    // Reports stamped with the same instant come in pipeline order (a retry leaves the queue before the delivery it led to).
    { id: messageId, limit: MAX_TRACE_ENTRIES, steps: REPORT_STEPS },
    undefined,
    ALL_TIME,
  );
  return rows.map((r) => ({
    at: new Date(Number(r.at)),
    step: pipelineStepOf(r.step, r.kind),
    reportStep: r.step,
    sourceId: r.source_id,
    destinationId: r.destination_id || null,
    mappingId: r.mapping_id || null,
    reason: r.reason || null,
    eventType: r.event_type,
    eventName: r.event_name,
    appVersion: r.app_version,
    count: Number(r.count),
  }));
}
