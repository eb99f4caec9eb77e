import type { IncomingMessage, ServerResponse } from 'node:http';
import { execute, GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { scanJson } from '../../domain/json-scan';
import { readBody } from '../../http/respond';
import { RequestContext, type GatewayServices } from '../context';
import { Refusal, type AdmissionPipeline, type OperationRequest } from './admission';
import type { OperationObserver } from './observe';
import type { GatewaySpan, Tracing } from '../../observability/tracing';
import { describeOperation, failOperation, OPERATION_SPAN, operationAttributes } from './trace';

/** GraphQL request bodies are small; anything larger is an attack or a mistake. */
export const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;
/** Deepest JSON nesting of a GraphQL request body (variables hold filters and ranges, a few levels). */
const MAX_BODY_DEPTH = 32;

export interface GraphQLHttpDeps {
  schema: GraphQLSchema;
  /** An operation still running after this answers QUERY_TIMEOUT (its ClickHouse reads end at their own max_execution_time). */
  operationTimeoutMs: number;
  admission: AdmissionPipeline;
  services: GatewayServices;
  observer: OperationObserver;
  /** A span per operation, around admission and execution, so its ClickHouse calls are its children. */
  tracing: Tracing;
}

/**
 * GraphQL over HTTP (GET and POST on /graphql), a thin adapter: it reads the request,
 * hands it to the admission pipeline, executes what was admitted and writes the answer.
 * Refusals get the status of their code (401, 429 with Retry-After, 400 …); an executed
 * operation gets 200 with `data` and any field errors.
 */
export function serveGraphQLHttp(req: IncomingMessage, res: ServerResponse, requestId: string, deps: GraphQLHttpDeps): Promise<void> {
  return deps.tracing.span(OPERATION_SPAN, { attributes: operationAttributes('http') }, (span) => serveOperation(req, res, requestId, deps, span));
}

async function serveOperation(req: IncomingMessage, res: ServerResponse, requestId: string, deps: GraphQLHttpDeps, span: GatewaySpan): Promise<void> {
  const started = performance.now();
  const now = deps.services.now();
  const outcome = { requestId, transport: 'http' as const, principal: null as RequestContext['principal'] | null, operationName: null as string | null, operationType: 'unknown' };
  try {
    const admitted = await deps.admission.admit({ authorization: req.headers.authorization, address: req.socket.remoteAddress }, () => readOperation(req), 'http', now);
    Object.assign(outcome, { principal: admitted.principal, operationName: admitted.operation.name?.value ?? null, operationType: admitted.operation.operation });
    describeOperation(span, admitted);
    if (req.method === 'GET' && admitted.operation.operation !== 'query') {
      // A link or an <img> can trigger a GET: only reads may run that way.
      throw new Refusal([requestError(ErrorCode.BAD_USER_INPUT, `A ${admitted.operation.operation} must be sent with POST`, { field: 'method' })], admitted.principal, 405);
    }
    const contextValue = new RequestContext(deps.services, admitted.principal, requestId);
    const result = await withDeadline(execute({ schema: deps.schema, document: admitted.document, variableValues: admitted.variables, operationName: admitted.operationName, contextValue }), deps.operationTimeoutMs, admitted.principal);
    const errors = deps.observer.format(result.errors ?? [], requestId, outcome.operationName).map((e) => withRequestId(e, requestId));
    sendGraphQL(req, res, 200, errors.length > 0 ? { errors, data: result.data } : { data: result.data });
    failOperation(span, errors);
    deps.observer.finished({ ...outcome, durationMs: performance.now() - started, errors });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const errors = deps.observer.format(err.errors, requestId, outcome.operationName).map((e) => withRequestId(e, requestId));
    sendGraphQL(req, res, err.status, { errors }, refusalHeaders(err));
    failOperation(span, errors);
    deps.observer.finished({ ...outcome, principal: err.principal, durationMs: performance.now() - started, errors, refusedWith: err.status });
  }
}

/** The operation's result, or a QUERY_TIMEOUT refusal once `ms` have passed. */
async function withDeadline<T>(work: Promise<T> | T, ms: number, principal: Refusal['principal']): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Refusal([requestError(ErrorCode.QUERY_TIMEOUT, `The operation did not finish within ${ms} ms; ask for less (a narrower range, fewer items) or retry`, { limit: 'operationTimeoutMs', value: ms })], principal)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The operation of a GET (URL parameters) or POST (JSON body) request. */
async function readOperation(req: IncomingMessage): Promise<OperationRequest> {
  refuseCsrf(req);
  if (req.method === 'GET') {
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    return { query: params.get('query'), operationName: params.get('operationName'), variables: jsonParam(params, 'variables'), extensions: jsonParam(params, 'extensions') };
  }
  const type = mediaType(req);
  if (type !== 'application/json') throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send GraphQL requests as Content-Type: application/json', { field: 'content-type' });
  const raw = await readBody(req, MAX_GRAPHQL_BODY_BYTES);
  // Documents and variables of this API nest a few levels; a deep bomb is refused before JSON.parse.
  if (scanJson(raw, MAX_BODY_DEPTH).depth > MAX_BODY_DEPTH) throw new AppError(ErrorCode.BAD_USER_INPUT, `The body is nested deeper than ${MAX_BODY_DEPTH} levels`, { limit: 'maxDepth', value: MAX_BODY_DEPTH });
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'The body is not valid JSON');
  }
  if (Array.isArray(body)) throw new AppError(ErrorCode.BAD_USER_INPUT, 'Batched operations are not supported: send one operation per request');
  if (body === null || typeof body !== 'object') throw new AppError(ErrorCode.BAD_USER_INPUT, 'The body must be a JSON object with a query');
  return body as OperationRequest;
}

/** Content types a browser may send cross-site without a preflight. */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const PREFLIGHT_HEADERS = ['graphql-require-preflight', 'apollo-require-preflight', 'x-apollo-operation-name'];

/**
 * A request a page on another site could send without a CORS preflight (a GET, or a POST
 * with a "simple" content type, and no custom header) is refused: it might carry the
 * victim's cookies or network position, and its side effects would happen unseen.
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

function requestError(code: ErrorCode, message: string, details?: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { originalError: new AppError(code, message, details) });
}

function withRequestId(e: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  return { ...e, extensions: { ...e.extensions, requestId } };
}

function refusalHeaders(refusal: Refusal): Record<string, string> {
  const status = refusal.status;
  if (status === 401) return { 'www-authenticate': 'Bearer' };
  if (status === 405) return { allow: 'POST' };
  const retryAfter = refusal.appError?.details?.retryAfterSeconds;
  return typeof retryAfter === 'number' ? { 'retry-after': String(Math.ceil(retryAfter)) } : {};
}

/** JSON, or the GraphQL-over-HTTP media type when the client asks for it. */
function sendGraphQL(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const type = /application\/graphql-response\+json/.test(req.headers.accept ?? '') ? 'application/graphql-response+json' : 'application/json';
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}
