import type { ConnectionFields } from './report.connection';
import type { OutcomeFields } from './report.outcome';
import type { DeliveryReport, SyncReport } from './report.validate';
import type { SampleExchange } from './sample.exchange';

/** A delivery row to encode: the connection fields may be left out on streaming reports. */
export type DeliveryRow = Omit<DeliveryReport, 'sample' | keyof ConnectionFields> & Partial<ConnectionFields>;

/** DateTime64(3) as "seconds.millis", which the engine parses without ambiguity. */
export function encodeTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${s}.${String(ms - s * 1000).padStart(3, '0')}`;
}

/**
 * JSONEachRow encoders for one workspace, with the column names of migrations 0001,
 * 0008 (and 0035: sample exchange), 0009, 0026 and 0036: used by ingest and by the simulator's backfill. Low-cardinality
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

  delivery(d: DeliveryRow): string {
    return (
      `{"time":"${encodeTime(d.time)}","workspace_id":${this.ws},"source_id":${this.q(d.sourceId)},` +
      `"destination_id":${this.q(d.destinationId)},"destination_kind":${this.q(d.destinationKind)},` +
      `"mapping_id":${this.q(d.mappingId)},"step":${this.q(d.step)},"reason":${this.q(d.reason)},` +
      `"event_type":${this.q(d.eventType)},"event_name":${this.q(d.eventName)},"app_version":${this.q(d.appVersion)},` +
      `"enriched":${d.enriched ? 1 : 0},"count":${d.count},"message_id":${d.messageId === '' ? '""' : JSON.stringify(d.messageId)}` +
      `${this.connection(d)}${outcome(d)}}`
    );
  }

  /** The columns of migration 0026, written only when set: streaming rows keep their defaults. */
  private connection(d: Partial<ConnectionFields>): string {
    let out = '';
    if (d.syncId) out += `,"sync_id":${JSON.stringify(d.syncId)}`;
    if (d.operation) out += `,"operation":${this.q(d.operation)}`;
    if (d.audienceId) out += `,"audience_id":${this.q(d.audienceId)}`;
    if (d.spaceId) out += `,"space_id":${this.q(d.spaceId)}`;
    return out;
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

  /**
   * One discard_samples row. `payloadText` is the payload's JSON text ('' for none); it
   * is cut to `maxBytes` UTF-8 bytes at a character boundary and marked truncated.
   */
  sample(d: DeliveryRow & { sample: ({ error: string } & Partial<SampleExchange>) | null }, payloadText: string, maxBytes: number): string {
    const { text: payload, truncated } = truncateUtf8(payloadText, maxBytes);
    const { request = null, response = null } = d.sample!;
    return JSON.stringify({
      time: encodeTime(d.time),
      workspace_id: this.workspaceId,
      destination_id: d.destinationId,
      source_id: d.sourceId,
      mapping_id: d.mappingId,
      step: d.step,
      // The sample keeps the code as sent; the counted row has the canonical one.
      reason: d.reportedReason ?? d.reason,
      event_type: d.eventType,
      event_name: d.eventName,
      app_version: d.appVersion,
      message_id: d.messageId,
      payload,
      error: d.sample!.error,
      truncated: truncated ? 1 : 0,
      // Migration 0035: each body cut like the payload, at its own `maxBytes`.
      request: request === null ? '' : JSON.stringify({ ...request, ...cutBody(request.body, maxBytes) }),
      response: response === null ? '' : JSON.stringify({ ...response, ...cutBody(response.body, maxBytes) }),
    });
  }
}

function cutBody(body: string, maxBytes: number): { body: string; bodyTruncated: boolean } {
  const { text, truncated } = truncateUtf8(body, maxBytes);
  return { body: text, bodyTruncated: truncated };
}

/** The columns of migration 0036, written only when reported: other rows keep attempt 0 and no latency. */
function outcome(d: OutcomeFields): string {
  let out = '';
  if (d.attempt !== undefined) out += `,"attempt":${d.attempt}`;
  if (d.latencyMs !== undefined) out += `,"latency_ms":${d.latencyMs}`;
  return out;
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): { text: string; truncated: boolean } {
  // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4).
  if (s.length * 3 <= maxBytes || Buffer.byteLength(s, 'utf8') <= maxBytes) return { text: s, truncated: false };
  const bytes = Buffer.from(s, 'utf8');
  let end = Math.max(0, maxBytes);
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back off a continuation byte
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
