import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root';
import { isLoopbackHost } from './loopback-host';

/** How the gateway serves the Delivery Overview page (built by web/build.mjs into dist/web). */
export interface WebOptions {
  /** Where the built page lives. Default: dist/web of this checkout. */
  dir?: string;
  /**
   * Demo mode: the token index.html carries in `<meta name="do-demo-token">` (read per
   * request, so it may be set after start), for a loopback `Host` only (see loopback-host.ts).
   * The page uses it only when it holds no token.
   */
  demoToken?: () => string | null | undefined;
}

/** dist/web at the package root, found from any build alike. */
const DEFAULT_DIR = path.join(PACKAGE_ROOT, 'dist', 'web');

/** Client-side routes of the page: each answers with index.html. */
const PAGE_ROUTE = /^\/(?:|destinations\/[^/]+|sources\/[^/]+|replays(?:\/[^/]+)?|trace|alerts)\/?$/;
/** Build outputs only: `<name>-<hash>.<ext>`, nothing with a separator or dot-segments. */
const ASSET = /^\/assets\/([A-Za-z0-9_-]+-[A-Za-z0-9]{8}\.(?:js|css))$/;

/**
 * Scripts and styles from this origin only (no inline script or style element, no eval);
 * WebSockets for the live values. The page never frames, posts forms or sets a base.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const SECURITY_HEADERS = {
  'content-security-policy': WEB_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves the page when `pathname` is one of its routes or assets and returns true;
 * returns false for anything else, so the caller's routing goes on.
 */
export function serveWeb(req: IncomingMessage, res: ServerResponse, pathname: string, options: WebOptions = {}): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const dir = options.dir ?? DEFAULT_DIR;
  const asset = ASSET.exec(pathname);
  if (asset) {
    serveAsset(req, res, path.join(dir, 'assets', asset[1]));
    return true;
  }
  if (!PAGE_ROUTE.test(pathname)) return false;
  serveIndex(req, res, dir, isLoopbackHost(req.headers.host) ? (options.demoToken?.() ?? null) : null);
  return true;
}

/** The precompressed sibling the client accepts (brotli first), else the file itself. */
function pickEncoding(req: IncomingMessage, file: string): { file: string; encoding?: 'br' | 'gzip' } {
  const accepted = String(req.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted) && fs.existsSync(`${file}.br`)) return { file: `${file}.br`, encoding: 'br' };
  if (/\bgzip\b/.test(accepted) && fs.existsSync(`${file}.gz`)) return { file: `${file}.gz`, encoding: 'gzip' };
  return { file };
}

function serveAsset(req: IncomingMessage, res: ServerResponse, file: string): void {
  if (!fs.existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
    res.end('No such asset\n');
    return;
  }
  const chosen = pickEncoding(req, file);
  const body = fs.readFileSync(chosen.file);
  // The name carries the content hash, so a new build is a new URL: cache for a year.
  const etag = `"${path.basename(file)}${chosen.encoding ? `-${chosen.encoding}` : ''}"`;
  const headers: Record<string, string | number> = {
    'content-type': TYPES[path.extname(file)],
    'cache-control': 'public, max-age=31536000, immutable',
    vary: 'Accept-Encoding',
    etag,
    ...SECURITY_HEADERS,
  };
  if (chosen.encoding) headers['content-encoding'] = chosen.encoding;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function serveIndex(req: IncomingMessage, res: ServerResponse, dir: string, demoToken: string | null): void {
  const file = path.join(dir, 'index.html');
  if (!fs.existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('The Delivery Overview page is not built; run npm run build\n');
    return;
  }
  let html = fs.readFileSync(file, 'utf8');
  if (demoToken) html = html.replace('<meta name="do-demo-token" content="">', `<meta name="do-demo-token" content="${escapeAttribute(demoToken)}">`);
  const body = Buffer.from(html, 'utf8');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    // Revalidated on every load: it names the current hashed assets (and, in the demo, the token).
    'cache-control': 'no-cache',
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
