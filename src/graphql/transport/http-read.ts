import type { IncomingMessage } from 'node:http';
import { AppError, ErrorCode } from '../../domain/errors';
import { scanJson } from '../../domain/json-scan';
import { readBody } from '../../http/respond';
import type { OperationRequest } from './admission';
import { MAX_GRAPHQL_BODY_BYTES } from './limits';

/** Deepest JSON nesting of a GraphQL request body (variables hold filters and ranges, a few levels). */
const MAX_BODY_DEPTH = 32;

/**
 * Headers a browser sends cross-site only after a CORS preflight; one of them (non-empty)
 * lets a GET or a "simple" POST through. Apollo Server's CSRF prevention is given the same list.
 */
export const PREFLIGHT_HEADERS: readonly string[] = ['graphql-require-preflight', 'apollo-require-preflight', 'x-apollo-operation-name'];

/** A request as read from the wire: the operation's fields, and the parsed JSON body Apollo is handed (POST). */
export interface ReadRequest {
  operation: OperationRequest;
  body: unknown;
}

/** The operation of a GET (URL parameters) or POST (JSON body) request, after the CSRF check. */
export async function readOperation(req: IncomingMessage): Promise<ReadRequest> {
  refuseCsrf(req);
  if (req.method === 'GET') {
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    return {
      operation: {
        query: params.get('query'),
        operationName: params.get('operationName'),
        variables: jsonParam(params, 'variables'),
        extensions: jsonParam(params, 'extensions'),
      },
      body: undefined,
    };
  }
  const type = mediaType(req);
  if (type !== 'application/json')
    throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send GraphQL requests as Content-Type: application/json', { field: 'content-type' });
  const raw = await readBody(req, MAX_GRAPHQL_BODY_BYTES);
  // Documents and variables of this API nest a few levels; a deep bomb is refused before JSON.parse.
  if (scanJson(raw, MAX_BODY_DEPTH).depth > MAX_BODY_DEPTH)
    throw new AppError(ErrorCode.BAD_USER_INPUT, `The body is nested deeper than ${MAX_BODY_DEPTH} levels`, { limit: 'maxDepth', value: MAX_BODY_DEPTH });
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'The body is not valid JSON');
  }
  if (Array.isArray(body)) throw new AppError(ErrorCode.BAD_USER_INPUT, 'Batched operations are not supported: send one operation per request');
  if (body === null || typeof body !== 'object') throw new AppError(ErrorCode.BAD_USER_INPUT, 'The body must be a JSON object with a query');
  return { operation: body as OperationRequest, body };
}

/** Content types a browser may send cross-site without a preflight. */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * A request a page on another site could send without a CORS preflight (a GET, or a POST
 * with a "simple" content type, and no custom header) is refused: it might carry the
 * victim's cookies or network position, and its side effects would happen unseen. Checked
 * here, before the body is read, so such a POST is refused as CSRF rather than as a media type.
 */
function refuseCsrf(req: IncomingMessage): void {
  const type = mediaType(req);
  if (type !== '' && !SIMPLE_TYPES.has(type)) return;
  if (PREFLIGHT_HEADERS.some((h) => typeof req.headers[h] === 'string' && req.headers[h] !== '')) return;
  throw new AppError(
    ErrorCode.BAD_USER_INPUT,
    'Refused as a possible cross-site request forgery (CSRF): send Content-Type: application/json, or a non-empty GraphQL-Require-Preflight header with a GET',
    { field: 'content-type' },
  );
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function jsonParam(params: URLSearchParams, name: string): unknown {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `The ${name} parameter is not valid JSON`, { field: name });
  }
}
