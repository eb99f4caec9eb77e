import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, ErrorCode, HTTP_STATUS } from '../domain/errors';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The JSON error body of every non-GraphQL endpoint:
 * `{ "error": { "code", "message", "requestId", ...details } }`. Anything that is not an
 * AppError is masked as INTERNAL_SERVER_ERROR; the caller logs the original.
 */
export function sendError(res: ServerResponse, err: unknown, requestId: string): void {
  const appError = err instanceof AppError ? err : new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal error; quote the requestId when reporting it.');
  const headers: Record<string, string> = {};
  if (appError.code === ErrorCode.UNAUTHENTICATED) headers['www-authenticate'] = 'Bearer';
  const retryAfter = appError.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(Math.ceil(retryAfter));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, HTTP_STATUS[appError.code], { error: { code: appError.code, message: appError.message, requestId, ...appError.details } }, headers);
}

/**
 * Reads the whole body, refusing (413) as soon as it exceeds `maxBytes`, whether or
 * not Content-Length announced it.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `The body is larger than the ${maxBytes}-byte limit`, { limit: 'maxBodyBytes', value: maxBytes });
}
