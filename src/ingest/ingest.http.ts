import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenStore } from '../auth/tokens';
import { authenticateRequest, requireWorkspaceScope } from '../http/authenticate';
import { readBody, sendJson } from '../http/respond';
import type { IngestService } from './ingest.service';

/**
 * POST /v1/ingest. Answers 200 only after ClickHouse has stored the batch; any error
 * response means nothing of the batch needs to be assumed stored, and the same
 * request with the same Idempotency-Key may be retried.
 */
export async function handleIngest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { tokens: TokenStore; ingest: IngestService; maxBodyBytes: number },
): Promise<{ workspaceId: string; records: number }> {
  const principal = await authenticateRequest(deps.tokens, req);
  const workspaceId = requireWorkspaceScope(principal, 'ingest');
  const key = deps.ingest.validateIdempotencyKey(header(req, 'idempotency-key'));
  const body = await readBody(req, deps.maxBodyBytes);
  const result = await deps.ingest.ingest(workspaceId, body, req.headers['content-type'], key);
  sendJson(res, 200, result);
  return { workspaceId, records: result.accepted };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
