import type { DeliveryReport, SyncReport } from './report.validate';

/** DateTime64(3) as "seconds.millis", which the engine parses without ambiguity. */
export function encodeTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${s}.${String(ms - s * 1000).padStart(3, '0')}`;
}

/**
 * JSONEachRow encoders for one workspace, with the column names of migrations 0001,
 * 0008 and 0009: used by ingest and by the simulator's backfill. Low-cardinality
 * strings are escaped once and reused.
 */
export class RowEncoder {
  private readonly quoted = new Map<string, string>();
  private readonly ws: string;

  constructor(private readonly workspaceId: string) {
    this.ws = JSON.stringify(workspaceId);
  }

  private q(s: string): string {
    let v = this.quoted.get(s);
    if (v === undefined) {
      v = JSON.stringify(s);
      if (this.quoted.size < 10_000) this.quoted.set(s, v);
    }
    return v;
  }

  delivery(d: DeliveryReport): string {
    return (
      `{"time":"${encodeTime(d.time)}","workspace_id":${this.ws},"source_id":${this.q(d.sourceId)},` +
      `"destination_id":${this.q(d.destinationId)},"destination_kind":${this.q(d.destinationKind)},` +
      `"mapping_id":${this.q(d.mappingId)},"step":${this.q(d.step)},"reason":${this.q(d.reason)},` +
      `"event_type":${this.q(d.eventType)},"event_name":${this.q(d.eventName)},"app_version":${this.q(d.appVersion)},` +
      `"enriched":${d.enriched ? 1 : 0},"count":${d.count},"message_id":${d.messageId === '' ? '""' : JSON.stringify(d.messageId)}}`
    );
  }

  /** `reportedAt` orders reports of one sync: the newest wins (deterministic in the backfill). */
  sync(s: SyncReport, reportedAt: number): string {
    return JSON.stringify({
      workspace_id: this.workspaceId,
      destination_id: s.destinationId,
      sync_id: s.syncId,
      started_at: encodeTime(s.startedAt),
      finished_at: encodeTime(s.finishedAt),
      status: s.status,
      reason: s.reason,
      'collections.name': s.collections.map((c) => c.name),
      'collections.rows_synced': s.collections.map((c) => c.rowsSynced),
      'collections.rows_failed': s.collections.map((c) => c.rowsFailed),
      'collections.reason': s.collections.map((c) => c.reason),
      reported_at: encodeTime(reportedAt),
    });
  }

  sample(d: DeliveryReport, maxBytes: number): string {
    let payload = d.sample!.payload === null ? '' : JSON.stringify(d.sample!.payload);
    let truncated = 0;
    if (payload.length > maxBytes) {
      payload = payload.slice(0, maxBytes);
      truncated = 1;
    }
    return JSON.stringify({
      time: encodeTime(d.time),
      workspace_id: this.workspaceId,
      destination_id: d.destinationId,
      source_id: d.sourceId,
      mapping_id: d.mappingId,
      step: d.step,
      reason: d.reason,
      event_type: d.eventType,
      event_name: d.eventName,
      app_version: d.appVersion,
      message_id: d.messageId,
      payload,
      error: d.sample!.error,
      truncated,
    });
  }
}
