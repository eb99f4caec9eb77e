import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../domain/errors';
import type { IngestOutcome } from '../ingest/ingest.http';
import type { GatewayMetrics } from '../observability/prometheus';

/**
 * Records one ingest request: a JSON log line
 * `{ requestId, workspace, operation: 'ingest', status, records, events, bytes, durationMs }`
 * (plus `code` when refused) and the ingest counters. Sizes and counts only: the body,
 * its samples and the token never reach the log.
 */
export function observeIngest(
  log: Logger,
  metrics: GatewayMetrics,
  requestId: string,
  o: IngestOutcome,
  trace: { traceId?: string; spanId?: string } = {},
): void {
  const durationMs = Math.round(o.durationMs * 10) / 10;
  if (o.result) {
    // A replay stored nothing: it is logged, but not counted as ingested again.
    if (!o.result.duplicate) metrics.ingestAccepted({ records: o.result.accepted, events: o.result.events, bytes: o.bytes });
    log.info(
      {
        requestId,
        workspace: o.workspaceId,
        operation: 'ingest',
        status: o.result.duplicate ? 'duplicate' : 'accepted',
        records: o.result.accepted,
        events: o.result.events,
        syncs: o.result.syncs,
        samples: o.result.samples,
        bytes: o.bytes,
        durationMs,
        idempotent: o.result.idempotencyKey !== null,
        ...trace,
      },
      'ingest',
    );
    return;
  }
  const code = o.error instanceof AppError ? o.error.code : ErrorCode.INTERNAL_SERVER_ERROR;
  const invalid = o.error instanceof AppError ? o.error.details?.invalidRecords : undefined;
  const invalidRecords = typeof invalid === 'number' ? invalid : 0;
  metrics.ingestRejected({ reason: code, bytes: o.bytes, invalidRecords });
  log.info(
    { requestId, workspace: o.workspaceId, operation: 'ingest', status: 'rejected', code, invalidRecords, bytes: o.bytes, durationMs, ...trace },
    'ingest',
  );
}
