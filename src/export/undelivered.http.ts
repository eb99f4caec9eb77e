import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, ErrorCode } from '../domain/errors';
import { compactStamp } from '../domain/iso-instant';
import { resolveTimeRange, type ResolvedRange } from '../domain/time-range';
import { authorizeRead, type ReadCaller, type RestReadDeps } from '../rest/rest-read';
import { encodeUndeliveredCursor, EXPORT_COLUMNS, streamUndelivered, unneutralized, type UndeliveredQuery } from '../metrics/undelivered.query';
import { csvFields, RecordCut } from './record-cut';
import { parseExportParams, type ExportRequest } from './undelivered.params';

const CONTENT_TYPES = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;
const TRAILERS = 'X-Export-Rows, X-Export-Truncated, X-Export-Next';
/** The one header line of a CSV export, written by the gateway (the engine streams rows only). */
const CSV_HEADER = Buffer.from(EXPORT_COLUMNS.map((c) => `"${c}"`).join(',') + '\n');

/**
 * GET /v1/export/undelivered: the list of `Destination.undelivered` as one NDJSON or CSV
 * download, streamed from ClickHouse as it is read (never held whole), at most `maxRows`
 * rows. Trailers say how many rows were sent and, when the list was longer, the cursor
 * to continue from (`after`). A client that goes away stops the read.
 */
export async function handleUndeliveredExport(req: IncomingMessage, res: ServerResponse, requestId: string, url: URL, deps: RestReadDeps): Promise<void> {
  if (req.method !== 'GET') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Use GET on /v1/export/undelivered');
  const caller = await authorizeRead(req, deps);
  const params = parseExportParams(url.searchParams);
  const range = resolveTimeRange({ ...params.range, lookback: false }, caller.now, false);
  await checkTarget(caller, params);
  const query: UndeliveredQuery = {
    destinationId: params.destinationId,
    from: range.from,
    to: range.to,
    mappingId: params.mappingId,
    reason: params.reason,
    after: params.after,
  };
  const started = performance.now();
  const outcome = await sendRows(caller, query, params, range, res);
  deps.log.info(
    {
      requestId,
      workspaceId: caller.workspaceId,
      destinationId: params.destinationId,
      format: params.format,
      ...outcome,
      ms: Math.round(performance.now() - started),
    },
    outcome.aborted ? 'undelivered export stopped: the client went away' : 'undelivered export sent',
  );
}

/** 404 for an unknown destination or mapping, 400 where the question does not apply. */
async function checkTarget(caller: ReadCaller, params: ExportRequest): Promise<void> {
  const [destination] = await caller.catalog.destinations([params.destinationId]);
  if (!destination) throw new AppError(ErrorCode.NOT_FOUND, `No destination ${params.destinationId} in this workspace`, { field: 'destinationId' });
  if (destination.kind === 'storage')
    throw new AppError(ErrorCode.BAD_USER_INPUT, `storage destinations report syncs, not deliveries of messages; ${destination.id} is storage`, {
      field: 'destinationId',
    });
  if (params.mappingId === null) return;
  if (destination.kind !== 'actions')
    throw new AppError(ErrorCode.BAD_USER_INPUT, `mappingId applies to Actions destinations; ${destination.id} is ${destination.kind}`, { field: 'mappingId' });
  const mappings = await caller.catalog.mappings([destination.id]);
  if (!mappings.some((m) => m.id === params.mappingId))
    throw new AppError(ErrorCode.NOT_FOUND, `Destination ${destination.id} has no mapping ${params.mappingId}`, { field: 'mappingId' });
}

interface Outcome {
  rows: number;
  bytes: number;
  truncated: boolean;
  aborted: boolean;
}

/**
 * Streams the rows with backpressure: the next chunk is read from ClickHouse only after
 * the socket took the previous one. Headers go out with the first chunk, so a read that
 * fails before any row still answers with a JSON error.
 */
async function sendRows(caller: ReadCaller, query: UndeliveredQuery, params: ExportRequest, range: ResolvedRange, res: ServerResponse): Promise<Outcome> {
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClose);
  const cut = new RecordCut(params.format === 'csv', params.maxRows);
  let sent = 0;
  const send = async (chunk: Uint8Array) => {
    const part = cut.take(chunk);
    if (part.length === 0) return;
    if (!res.headersSent) writeHead(res, params, range);
    sent += part.length;
    if (!res.write(part)) await drained(res, abort.signal);
  };
  try {
    const format = params.format === 'csv' ? 'CSV' : 'JSONEachRow';
    const { aborted } = await streamUndelivered(caller.wdb, query, params.maxRows + 1, format, abort.signal, send);
    if (aborted) return { rows: cut.rows, bytes: sent, truncated: cut.truncated, aborted: true };
    if (!res.headersSent) writeHead(res, params, range);
    res.addTrailers({
      'x-export-rows': String(cut.rows),
      'x-export-truncated': String(cut.truncated),
      ...(cut.truncated ? { 'x-export-next': nextCursor(cut.lastRow, params.format) } : {}),
    });
    res.end();
    return { rows: cut.rows, bytes: sent, truncated: cut.truncated, aborted: false };
  } finally {
    res.off('close', onClose);
  }
}

/** Resolves once the socket wants more, or the client is gone. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The status line and headers, and a CSV's header line. */
function writeHead(res: ServerResponse, params: ExportRequest, range: ResolvedRange): void {
  const destination = params.destinationId.replace(/[^A-Za-z0-9._-]/g, '_');
  const filename = `undelivered-${destination}-${compactStamp(range.from)}-${compactStamp(range.to)}.${params.format}`;
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[params.format],
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    trailer: TRAILERS,
  });
  if (params.format === 'csv') res.write(CSV_HEADER);
}

/** The cursor after the last row sent (messageId, at and mappingId are its first, second and fourth columns). */
function nextCursor(lastRow: Buffer, format: ExportRequest['format']): string {
  const text = lastRow.toString('utf8');
  const [messageId, at, mappingId] =
    format === 'csv' ? pick(csvFields(text).map(unneutralized)) : pick(Object.values(JSON.parse(text) as Record<string, string | null>));
  return encodeUndeliveredCursor({ at: Date.parse(at ?? ''), messageId: messageId ?? '', mappingId: mappingId ?? '' });
}

function pick(fields: (string | null)[]): (string | null)[] {
  return [fields[0], fields[1], fields[3]];
}
