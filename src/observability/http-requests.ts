import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayMetrics } from './prometheus';
import type { ActiveSpan, Tracing } from './tracing';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);

/**
 * Which route serves a path, as the server that routes it names it: the path itself for an
 * exact route, a template (`/docs/{file}`) for a prefixed one, null for none. The router's
 * own table answers it (app/router.ts), so routes are listed once.
 */
export type RouteOf = (path: string) => string | null;

/**
 * The route label of a request: a closed set, never the raw path (a path is client-chosen, so
 * it would grow the metric's series without bound). A routed path is its route; whatever else
 * got an answer below 404 is the page (`/` and its client routes, its assets); the rest is `unmatched`.
 */
export function routeLabel(route: string | null, status: number): string {
  if (route !== null) return route;
  return status === 404 || status === 405 ? 'unmatched' : 'page';
}

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/**
 * Observes one HTTP request from arrival to the end of its response: a SERVER span (continuing
 * the caller's `traceparent`), inside which the request is handled, and at the end the
 * `http_request_duration_seconds` observation by route, method and status class. A client
 * that goes away before the answer is complete is counted as `aborted`.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, metrics: GatewayMetrics, tracing: Tracing, routeOf: RouteOf): ActiveSpan {
  const started = performance.now();
  const method = METHODS.has(req.method ?? '') ? req.method! : 'other';
  const path = (req.url ?? '/').split('?')[0];
  const routed = routeOf(path);
  const active = tracing.start(`${method} ${routed ?? 'request'}`, {
    kind: 'server',
    carrier: req.headers,
    attributes: { 'http.request.method': method, 'url.scheme': 'http' },
  });
  res.once('close', () => {
    const status = res.statusCode;
    const route = routeLabel(routed, status);
    const statusLabel = res.writableFinished ? statusClass(status) : 'aborted';
    metrics.httpRequestDuration.observe({ route, method, status_class: statusLabel }, (performance.now() - started) / 1000);
    active.span.updateName(`${method} ${route}`);
    active.span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
    if (status >= 500 || !res.writableFinished) active.span.fail(res.writableFinished ? String(status) : 'aborted');
    active.span.end();
  });
  return active;
}

/** The separate metrics port (METRICS_PORT): `GET /metrics`, and 404 for anything else. */
export function metricsOnly(metrics: GatewayMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is served on this port\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body),
      () => res.writeHead(500).end(),
    );
  };
}
