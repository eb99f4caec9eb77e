import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { AppError, ErrorCode } from '../../domain/errors';
import { PACKAGE_ROOT } from '../../package-root';
import { IDE_EXAMPLES } from './examples';

/** How the gateway serves the IDE. */
export interface IdeOptions {
  /**
   * Demo mode: the token the headers editor starts with (read per page load, so it may
   * be set after start). Unset: the editor starts with a placeholder to replace.
   */
  defaultToken?: string | (() => string | null | undefined);
}

/** Where the IDE's files come from: installed npm packages, or this directory's `public/`. */
interface AssetSource {
  pkg?: string;
  file: string;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * The only files `/ide/assets/<name>` serves, by exact name: prebuilt browser bundles
 * from node_modules (no CDN: the IDE works in closed networks) and our own fetcher.
 * Anything else, including any path with a separator or dots in the wrong place, is 404.
 */
export const IDE_ASSETS: Readonly<Record<string, AssetSource>> = Object.freeze({
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: JS },
  'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: JS },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: JS },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: CSS },
  'graphql-ws.min.js': { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: JS },
  'ide.js': { file: 'ide.js', type: JS },
  'ide.css': { file: 'ide.css', type: CSS },
});

/** Scripts and styles in the order the page loads them. */
const PAGE_STYLES = ['graphiql.min.css', 'ide.css'];
const PAGE_SCRIPTS = ['react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'graphql-ws.min.js', 'ide.js'];

/** Our own browser files: src/http/ide/public at the package root, found from any build alike. */
const PUBLIC_DIR = path.join(PACKAGE_ROOT, 'src', 'http', 'ide', 'public');
const ASSET_PREFIX = '/ide/assets/';

interface LoadedAsset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  version: string;
  type: string;
}

const loaded = new Map<string, LoadedAsset>();

/** The directory of an installed package, without going through its `exports` map. */
function packageDir(pkg: string): string {
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const candidate = path.join(dir, pkg);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`The IDE needs the npm package ${pkg}; run npm install`);
}

/** Reads (once per process) and gzips an asset; files in node_modules do not change under a running process. */
function asset(name: string): LoadedAsset {
  let a = loaded.get(name);
  if (a) return a;
  const source = IDE_ASSETS[name];
  const file = source.pkg ? path.join(packageDir(source.pkg), source.file) : path.join(PUBLIC_DIR, source.file);
  const body = fs.readFileSync(file);
  const hash = crypto.createHash('sha256').update(body).digest('hex');
  a = { body, gzip: zlib.gzipSync(body, { level: 9 }), etag: `"${hash.slice(0, 32)}"`, version: hash.slice(0, 12), type: source.type };
  loaded.set(name, a);
  return a;
}

/** A browser asking for a page: GET with text/html accepted and no GraphQL query in the URL. */
export function isIdeRequest(req: IncomingMessage, url: URL): boolean {
  if (req.method !== 'GET' || url.searchParams.has('query')) return false;
  return (req.headers.accept ?? '').toLowerCase().includes('text/html');
}

export function isIdeAssetPath(urlPath: string): boolean {
  return urlPath.startsWith(ASSET_PREFIX);
}

/**
 * `GET /ide/assets/<name>`: whitelisted files only, cached for a year (the page links them
 * with `?v=<content hash>`, so a new version gets a new URL), gzipped when accepted.
 */
export function serveIdeAsset(req: IncomingMessage, res: ServerResponse, urlPath: string): void {
  const name = urlPath.slice(ASSET_PREFIX.length);
  if (!Object.hasOwn(IDE_ASSETS, name)) throw new AppError(ErrorCode.NOT_FOUND, 'No such IDE asset');
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Use GET for IDE assets');
  const a = asset(name);
  const headers: Record<string, string | number> = {
    'content-type': a.type,
    'cache-control': 'public, max-age=31536000, immutable',
    etag: a.etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (req.headers['if-none-match'] === a.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? a.gzip : a.body;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** What the page hands to ide.js (as inert JSON, not script). */
export interface IdePageConfig {
  headers: string;
  tabs: { query: string; variables?: string; headers: string }[];
  demo: boolean;
}

export function idePageConfig(options: IdeOptions): IdePageConfig {
  const token = typeof options.defaultToken === 'function' ? options.defaultToken() : options.defaultToken;
  const headers = JSON.stringify({ Authorization: `Bearer ${token || '<paste a token with the read scope>'}` }, null, 2);
  return { headers, tabs: IDE_EXAMPLES.map((t) => ({ ...t, headers })), demo: Boolean(token) };
}

/** JSON that is safe inside a <script> element (no `</script>`, no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Asset links are relative, so the IDE also works behind a reverse proxy that adds a path prefix. */
function assetHref(name: string): string {
  return `ide/assets/${name}?v=${asset(name).version}`;
}

export function renderIdePage(options: IdeOptions): string {
  const config = idePageConfig(options);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    '<title>Delivery Overview · GraphQL IDE</title>',
    '<link rel="icon" href="data:,">',
    ...PAGE_STYLES.map((n) => `<link rel="stylesheet" href="${assetHref(n)}">`),
    '</head>',
    '<body>',
    '<div id="graphiql"><p class="ide-loading">Loading the GraphQL IDE…</p></div>',
    `<script type="application/json" id="ide-config">${scriptJson(config)}</script>`,
    ...PAGE_SCRIPTS.map((n) => `<script src="${assetHref(n)}"></script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Scripts only from this origin (no inline script, no eval); styles allow inline
 * attributes, which React and CodeMirror set; WebSockets for subscriptions.
 */
export const IDE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `GET /graphql` from a browser: the IDE page. Not cached: in demo mode it carries the demo token. */
export function serveIdePage(res: ServerResponse, options: IdeOptions): void {
  const body = Buffer.from(renderIdePage(options), 'utf8');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
    'content-security-policy': IDE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    vary: 'accept',
  });
  res.end(body);
}
