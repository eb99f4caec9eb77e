import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenStore } from '../auth/tokens';
import { authenticate, requireWorkspaceScope } from '../auth/authenticate';
import { readBody, sendJson } from '../http/respond';
import type { IngestResult, IngestService } from './ingest.service';

/**
 * POST /v1/ingest. Answers 200 only after ClickHouse has stored the batch; any error
 * response means nothing of the batch needs to be assumed stored, and the same
 * request with the same Idempotency-Key may be retried.
 */
export interface IngestDeps {
  tokens: TokenStore;
  ingest: IngestService;
  maxBodyBytes: number;
  /** Sees what each request did (logs, metrics). */
  observe?: (requestId: string, outcome: IngestOutcome) => void;
}

export async function handleIngest(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  deps: IngestDeps,
): Promise<{ workspaceId: string; records: number }> {
  const started = performance.now();
  const seen: IngestOutcome = { workspaceId: null, bytes: declaredLength(req), durationMs: 0, result: null, error: null };
  try {
    const principal = await authenticate(deps.tokens, req.headers.authorization, req.socket.remoteAddress);
    const workspaceId = requireWorkspaceScope(principal, 'ingest');
    seen.workspaceId = workspaceId;
    const key = deps.ingest.validateIdempotencyKey(header(req, 'idempotency-key'));
    const body = await readBody(req, deps.maxBodyBytes);
    seen.bytes = body.length;
    const result = await deps.ingest.ingest(workspaceId, body, req.headers['content-type'], key);
    seen.result = result;
    sendJson(res, 200, result);
    return { workspaceId, records: result.accepted };
  } catch (err) {
    seen.error = err;
    throw err;
  } finally {
    seen.durationMs = performance.now() - started;
    deps.observe?.(requestId, seen);
  }
}

/** What one ingest request did, for logs and metrics: sizes and counts, never the body. */
export interface IngestOutcome {
  /** Null when the caller was not authenticated or lacked the ingest scope. */
  workspaceId: string | null;
  /** Body bytes read (or announced by Content-Length when the body was refused unread). */
  bytes: number;
  durationMs: number;
  result: IngestResult | null;
  error: unknown;
}

function declaredLength(req: IncomingMessage): number {
  const n = Number(req.headers['content-length']);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
