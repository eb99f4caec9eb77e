import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { Principal } from '../../auth/scopes';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewaySpan, Tracing } from '../../observability/tracing';
import type { GatewayServices, RequestContext } from '../context';
import { refuseOn, Refusal, requestShape, type AdmissionPipeline, type Caller } from './admission';
import { HttpExchange, HttpRequestContext, refusalHeaders, withRequestId } from './http-exchange';
import { readOperation } from './http-read';
import type { OperationObserver } from './observe';
import { failOperation, OPERATION_SPAN, operationAttributes } from './trace';

export { MAX_GRAPHQL_BODY_BYTES } from './limits';

export interface GraphQLHttpDeps {
  /** Apollo Server (started), framing GraphQL over HTTP with the admission plugin inside. */
  apollo: ApolloServer<RequestContext>;
  /** An operation still running after this answers QUERY_TIMEOUT (its ClickHouse reads end at their own max_execution_time). */
  operationTimeoutMs: number;
  admission: AdmissionPipeline;
  services: GatewayServices;
  observer: OperationObserver;
  /** A span per operation, around admission and execution, so its ClickHouse calls are its children. */
  tracing: Tracing;
}

/**
 * GraphQL over HTTP (GET and POST on /graphql), a thin adapter in front of Apollo Server:
 * the caller phase first (401 and 429 before a byte of the body is read), then the request
 * is read (CSRF, media type, size, JSON) and shaped, and Apollo runs the rest of admission
 * through the admission plugin and executes. Refusals get the status of their code; an
 * executed operation gets 200 with `data` and any field errors.
 */
export function serveGraphQLHttp(req: IncomingMessage, res: ServerResponse, requestId: string, deps: GraphQLHttpDeps): Promise<void> {
  return deps.tracing.span(OPERATION_SPAN, { attributes: operationAttributes('http') }, (span) => serveOperation(req, res, requestId, deps, span));
}

async function serveOperation(req: IncomingMessage, res: ServerResponse, requestId: string, deps: GraphQLHttpDeps, span: GatewaySpan): Promise<void> {
  const started = performance.now();
  let principal: Principal | null = null;
  let exchange: HttpExchange | null = null;
  try {
    // Caller phase: 401 and 429 before a byte of the body is read.
    principal = await deps.admission.admitCaller(callerOf(req));
    const signedIn = principal;
    const read = await refuseOn(signedIn, () => readOperation(req));
    await refuseOn(signedIn, () => requestShape(read.operation, 'http'));
    exchange = new HttpExchange(requestId, signedIn, span, deps.operationTimeoutMs);
    const answered = deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: apolloRequest(req, read.body),
      context: async () => new HttpRequestContext(deps.services, exchange!),
    });
    answered.catch(() => undefined); // a late failure after the deadline answered must not go unhandled
    const first = await Promise.race([answered, exchange.deadline.expired]);
    if (first instanceof Refusal) {
      exchange.reported = true; // Apollo's late answer is dropped, unreported
      throw first;
    }
    // No hook saw the request: Apollo refused its framing (a parameter given twice, an Accept it cannot meet).
    if (!exchange.reported) reportFraming(first, exchange, deps);
    await writeAnswer(res, first);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const operation = exchange?.admitted?.operation;
    const errors = deps.observer.format(err.errors, requestId, operation?.name?.value ?? null).map((e) => withRequestId(e, requestId));
    sendRefusal(req, res, err.status, { errors }, refusalHeaders(err));
    failOperation(span, errors);
    deps.observer.finished({
      requestId,
      transport: 'http',
      principal: err.principal ?? principal,
      operationName: operation?.name?.value ?? null,
      operationType: operation?.operation ?? 'unknown',
      durationMs: performance.now() - started,
      errors,
      refusedWith: err.status,
    });
  }
}

/** A refusal Apollo answered before its request pipeline: its errors get the request id, and it is logged and measured like any. */
function reportFraming(answer: HTTPGraphQLResponse, exchange: HttpExchange, deps: GraphQLHttpDeps): void {
  exchange.reported = true;
  let errors: GraphQLFormattedError[] = [];
  if (answer.body.kind === 'complete') {
    const body = JSON.parse(answer.body.string) as { errors?: GraphQLFormattedError[] };
    errors = (body.errors ?? []).map((e) => withRequestId(e, exchange.requestId));
    answer.body = { kind: 'complete', string: JSON.stringify({ ...body, errors }) };
  }
  answer.headers.set('cache-control', 'no-store');
  failOperation(exchange.span, errors);
  const status = answer.status ?? 500;
  deps.observer.finished({
    requestId: exchange.requestId,
    transport: 'http',
    principal: exchange.principal,
    operationName: null,
    operationType: 'unknown',
    durationMs: performance.now() - exchange.started,
    errors,
    refusedWith: status,
  });
}

function callerOf(req: IncomingMessage): Caller {
  return { authorization: req.headers.authorization, address: req.socket.remoteAddress };
}

/** The request as Apollo takes it: the body already parsed (POST), the query string as sent (GET). */
function apolloRequest(req: IncomingMessage, body: unknown) {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return { method: req.method ?? 'GET', headers, search: query === -1 ? '' : url.slice(query), body };
}

/** Apollo's answer onto the socket: status, headers (Vary kept from CORS), body. */
async function writeAnswer(res: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of answer.headers) headers[name] = value;
  headers.vary = varyWithAuthorization(res);
  if (answer.body.kind === 'complete') {
    res.writeHead(answer.status ?? 200, { ...headers, 'content-length': Buffer.byteLength(answer.body.string) });
    res.end(answer.body.string);
    return;
  }
  res.writeHead(answer.status ?? 200, headers);
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
}

/** A refusal before Apollo: JSON, or the GraphQL-over-HTTP media type when the client asks for it. */
function sendRefusal(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const type = /application\/graphql-response\+json/.test(req.headers.accept ?? '') ? 'application/graphql-response+json' : 'application/json';
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    vary: varyWithAuthorization(res),
    ...headers,
  });
  res.end(text);
}

/** Answers differ by token: a cache must not hand one caller's answer to another (CORS may have set Vary: Origin). */
function varyWithAuthorization(res: ServerResponse): string {
  const vary = res.getHeader('vary');
  return vary ? `${String(vary)}, Authorization` : 'Authorization';
}
