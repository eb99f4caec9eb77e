import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, ErrorCode } from '../domain/errors';

/** Headers a browser may send cross-origin to the API (everything the API reads). */
const ALLOWED_HEADERS =
  'Authorization, Content-Type, Idempotency-Key, X-Request-Id, GraphQL-Require-Preflight, Apollo-Require-Preflight, X-Apollo-Operation-Name';
/** Headers a browser may read from an answer (the rest of the API is in the body). */
const EXPOSED_HEADERS = 'Retry-After, X-Request-Id, WWW-Authenticate';

/**
 * CORS for frontends hosted elsewhere: only origins on the `CORS_ORIGINS` allowlist (none
 * by default) get the `Access-Control-*` headers that let a browser read an answer, and
 * only they pass a preflight. The API authenticates with bearer tokens, not cookies, so
 * credentials are never allowed; same-origin requests (the page served here) need none of it.
 */
export class Cors {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  /** With an allowlist set, WebSocket handshakes from other sites are refused (cross-site WebSocket hijacking). */
  get checksWebSockets(): boolean {
    return this.origins.size > 0;
  }

  /** True for a request without Origin, from this gateway's own origin, or from an allowed one. */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.origins.has(origin)) return true;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }

  /**
   * Adds the CORS headers of an answer on a cross-origin route; answers a preflight
   * (OPTIONS) itself and returns true then. A preflight from an origin not allowed is 403.
   */
  handle(req: IncomingMessage, res: ServerResponse, methods: string): boolean {
    res.setHeader('vary', 'Origin');
    const origin = req.headers.origin;
    const allowed = origin !== undefined && this.origins.has(origin);
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS') return false;
    if (!allowed)
      throw new AppError(ErrorCode.FORBIDDEN, 'This origin may not call the API from a browser; operators allow origins with CORS_ORIGINS', {
        field: 'origin',
      });
    res.writeHead(204, {
      'access-control-allow-methods': methods,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
      'content-length': '0',
    });
    res.end();
    return true;
  }
}
