import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../domain/errors';
import { serveGraphQLHttp, type GraphQLHttpDeps } from '../graphql/transport/http';
import { handleIngest, type IngestDeps } from '../ingest/ingest.http';
import { handleSegmentCompat } from '../compat/segment/handler';
import { handleUndeliveredExport } from '../export/undelivered.http';
import { handleReplayPull, isReplayPullPath, type ReplayPullDeps } from '../export/replay-messages.http';
import type { GatewayMetrics } from '../observability/prometheus';
import type { Tracing } from '../observability/tracing';
import type { Cors } from '../http/cors';
import { serveDocs } from '../http/docs';
import { observeRequest } from '../observability/http-requests';
import type { RestReadDeps } from '../rest/rest-read';
import { isIdeAssetPath, isIdeRequest, serveIdeAsset, serveIdePage, type IdeOptions } from '../http/ide/ide.http';
import { sendError, sendJson } from '../http/respond';
import { serveWeb, type WebOptions } from '../http/web';
import { isLoopbackHost } from '../http/loopback-host';

export interface RouterDeps {
  log: Logger;
  graphql: GraphQLHttpDeps;
  ingest: IngestDeps;
  metrics: GatewayMetrics;
  /** False when METRICS_PORT serves `/metrics` instead (it is then not routed here). */
  metricsRoute: boolean;
  /** A span per request (continuing the caller's traceparent) and the trace id in its log lines. */
  tracing: Tracing;
  /** The GraphQL IDE on a browser's `GET /graphql`; null when off. */
  ide: IdeOptions | null;
  /** The Delivery Overview page at `/` and its client routes. */
  web: WebOptions;
  /** ClickHouse answers, takes writes, and every migration is applied; `reason` says why not. */
  ready(): Promise<{ ready: boolean; backend: string; reason?: string }>;
  /** True once shutdown began: new requests are turned away. */
  shuttingDown(): boolean;
  /** Cross-origin access to the API routes (CORS_ORIGINS). */
  cors: Cors;
  /** The REST reads: the Segment-compatible API and the undelivered export. */
  rest: RestReadDeps;
  /** GET /v1/replays/<id>/messages: pull replays. */
  replayPull: ReplayPullDeps;
  /** The OpenAPI document of /v1/ingest, served at /openapi.json without a token. */
  openapi: () => unknown;
}

type Handler = (req: IncomingMessage, res: ServerResponse, requestId: string, url: URL) => Promise<void> | void;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The gateway's HTTP routes on one port: GraphQL (and the IDE), ingest, metrics, health
 * and docs. Each request gets an `x-request-id` (the caller's when well-formed); every
 * failure leaves as the JSON error body of its code.
 */
export function createRouter(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const exact: Record<string, Handler> = {
    '/graphql': (req, res, id, url) => {
      if (deps.cors.handle(req, res, 'GET, POST')) return;
      return graphql(deps, req, res, id, url);
    },
    '/v1/ingest': (req, res, id) => {
      if (deps.cors.handle(req, res, 'POST')) return;
      if (req.method !== 'POST') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Use POST on /v1/ingest');
      return handleIngest(req, res, id, deps.ingest).then(() => undefined);
    },
    '/v1/export/undelivered': (req, res, id, url) => {
      if (deps.cors.handle(req, res, 'GET')) return;
      return handleUndeliveredExport(req, res, id, url, deps.rest);
    },
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/openapi.json': (_req, res) => sendJson(res, 200, deps.openapi(), { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' }),
    '/readyz': async (_req, res) => {
      const { ready, backend, reason } = await deps.ready();
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', clickhouse: backend, ...(reason ? { reason } : {}) });
    },
  };
  if (deps.metricsRoute) {
    exact['/metrics'] = async (_req, res) => {
      const { contentType, body } = await deps.metrics.render();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    };
  }
  // Routes under a prefix, each with the template its requests are labelled by (metrics, spans).
  const prefixed: Array<{ template: string; matches: (path: string) => boolean; serve: Handler }> = [
    {
      template: '/v1/replays/{id}/messages',
      matches: isReplayPullPath,
      serve: (req, res, _id, url) => (deps.cors.handle(req, res, 'GET') ? undefined : handleReplayPull(req, res, url, deps.replayPull)),
    },
    {
      template: '/compat/segment/{endpoint}',
      matches: (p) => p.startsWith('/compat/segment/'),
      serve: (req, res, id, url) => (deps.cors.handle(req, res, 'GET') ? undefined : handleSegmentCompat(req, res, id, url, deps.rest)),
    },
    ...(deps.ide
      ? [{ template: '/ide/assets/{name}', matches: isIdeAssetPath, serve: ((req, res, _id, url) => serveIdeAsset(req, res, url.pathname)) as Handler }]
      : []),
    { template: '/docs/{file}', matches: (p) => p.startsWith('/docs/'), serve: (_req, res, _id, url) => serveDocs(url.pathname, res) },
  ];
  const routeOf = (path: string) => (Object.hasOwn(exact, path) ? path : (prefixed.find((r) => r.matches(path))?.template ?? null));
  const route: Handler = (req, res, id, url) => {
    const path = url.pathname;
    const handler = Object.hasOwn(exact, path) ? exact[path] : prefixed.find((r) => r.matches(path))?.serve;
    if (handler) return handler(req, res, id, url);
    if (serveWeb(req, res, path, deps.web)) return;
    throw new AppError(ErrorCode.NOT_FOUND, `No route for ${req.method} ${path}`);
  };
  return (req, res) =>
    observeRequest(req, res, deps.metrics, deps.tracing, routeOf).run(() => {
      const requestId = requestIdOf(req);
      res.setHeader('x-request-id', requestId);
      if (deps.shuttingDown()) {
        // Requests already being served finish; new ones (e.g. on a kept-alive socket) go elsewhere.
        res.setHeader('connection', 'close');
        sendError(
          res,
          new AppError(ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down; retry on another replica or in a moment', { retryAfterSeconds: 1 }),
          requestId,
        );
        return;
      }
      Promise.resolve()
        .then(() => route(req, res, requestId, new URL(req.url ?? '/', 'http://localhost')))
        .catch((err) => {
          logFailure(deps.log.child(deps.tracing.logFields()), err, requestId, req);
          sendError(res, err, requestId);
        });
    });
}

function graphql(deps: RouterDeps, req: IncomingMessage, res: ServerResponse, requestId: string, url: URL): Promise<void> | void {
  if (req.method !== 'GET' && req.method !== 'POST') {
    // 405 with Allow, so probes (HEAD) and proxies learn what to send; a HEAD answer has no body.
    const error = { code: ErrorCode.BAD_USER_INPUT, message: 'Use GET or POST on /graphql', requestId };
    return sendJson(res, 405, { error }, { allow: 'GET, POST', 'cache-control': 'no-store' });
  }
  // The demo token prefills the IDE for a loopback Host only, as on the page (DNS rebinding).
  if (deps.ide && isIdeRequest(req, url)) return serveIdePage(res, isLoopbackHost(req.headers.host) ? deps.ide : { ...deps.ide, defaultToken: undefined });
  return serveGraphQLHttp(req, res, requestId, deps.graphql);
}

function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** Server faults at error level with their cause; a caller's mistake at debug, its code only (no stack). */
function logFailure(log: Logger, err: unknown, requestId: string, req: IncomingMessage): void {
  const path = req.url?.split('?')[0];
  const fault = !(err instanceof AppError) || err.code === ErrorCode.INTERNAL_SERVER_ERROR || err.code === ErrorCode.UPSTREAM_UNAVAILABLE;
  if (fault) log.error({ requestId, method: req.method, path, err }, 'request failed');
  else log.debug({ requestId, method: req.method, path, code: err.code }, 'request refused');
}
