import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { AppError, ErrorCode } from '../domain/errors';
import { PACKAGE_ROOT } from '../package-root';

const DOCS_DIR = path.join(PACKAGE_ROOT, 'docs');
const SAFE_NAME = /^[a-z0-9-]+\.(md|png)$/;

/** GET /docs/<file>: the troubleshooting pages the discard-reason catalogue links to. */
export function serveDocs(urlPath: string, res: ServerResponse): void {
  const name = urlPath.slice('/docs/'.length);
  const file = path.join(DOCS_DIR, name);
  if (!SAFE_NAME.test(name) || !fs.existsSync(file)) throw new AppError(ErrorCode.NOT_FOUND, `No document ${name}`);
  const body = fs.readFileSync(file);
  res.writeHead(200, { 'content-type': name.endsWith('.md') ? 'text/markdown; charset=utf-8' : 'image/png', 'content-length': body.length });
  res.end(body);
}
