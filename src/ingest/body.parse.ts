import { isUtf8 } from 'node:buffer';
import { AppError, ErrorCode } from '../domain/errors';
import { scanJson } from '../domain/json-scan';

/**
 * Deepest nesting a record may have: the record (2 inside a JSON array), its sample (3),
 * and a payload of up to MAX_PAYLOAD_DEPTH (64) levels, with room to spare.
 */
export const MAX_BODY_DEPTH = 72;

export interface BodyLimits {
  maxRecords: number;
  maxRecordBytes: number;
}

export const INGEST_CONTENT_TYPES = ['application/json', 'application/x-ndjson'] as const;

/**
 * Turns the request body into records. JSON bodies are an array, or one record object (a
 * batch of one); NDJSON has one record per non-empty line. Syntax errors name the record (NDJSON) or the byte
 * position (JSON), never echo the body.
 */
export function parseBody(body: Buffer, contentType: string | undefined, limits: BodyLimits): unknown[] {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const json = mediaType === 'application/json';
  const ndjson = mediaType === 'application/x-ndjson' || mediaType === 'application/jsonl';
  // Decoding would silently turn bad bytes into U+FFFD and store that: refuse instead.
  if ((json || ndjson) && !isUtf8(body)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'The body is not valid UTF-8 (JSON text must be UTF-8 encoded); nothing was stored');
  }
  if (json) return parseJsonArray(body, limits);
  if (ndjson) return parseNdjson(body, limits);
  throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Content-Type must be one of: ${INGEST_CONTENT_TYPES.join(', ')}`, {
    received: mediaType || null,
    allowed: INGEST_CONTENT_TYPES,
  });
}

function parseJsonArray(body: Buffer, limits: BodyLimits): unknown[] {
  // Structure first, in one linear pass: a bomb is refused before JSON.parse blocks on it.
  const shape = scanJson(body, MAX_BODY_DEPTH, limits.maxRecords);
  if (shape.depth > MAX_BODY_DEPTH) throw tooDeep();
  if (shape.elements > limits.maxRecords) checkCount(shape.elements, limits);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `The body is not valid JSON: ${syntaxDetail(err)}`);
  }
  // One record object on its own is a batch of one (the way a first test request is often written).
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return [parsed];
  if (!Array.isArray(parsed)) {
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      'A JSON body must be an array of records, or one record object (use application/x-ndjson for one record per line)',
    );
  }
  checkCount(parsed.length, limits);
  return parsed;
}

function parseNdjson(body: Buffer, limits: BodyLimits): unknown[] {
  const records: unknown[] = [];
  const text = body.toString('utf8');
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    line++;
    start = end + 1;
    if (raw.trim() === '') continue;
    if (Buffer.byteLength(raw) > limits.maxRecordBytes) {
      throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `Record ${records.length} (line ${line}) is larger than the ${limits.maxRecordBytes}-byte record limit`, {
        limit: 'maxRecordBytes',
        value: limits.maxRecordBytes,
        index: records.length,
      });
    }
    if (scanJson(raw, MAX_BODY_DEPTH - 1).depth > MAX_BODY_DEPTH - 1) throw tooDeep(records.length, line);
    try {
      records.push(JSON.parse(raw));
    } catch (err) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `Line ${line} (record ${records.length}) is not valid JSON: ${syntaxDetail(err)}`, {
        index: records.length,
        line,
      });
    }
    checkCount(records.length, limits);
  }
  checkCount(records.length, limits); // an empty or blank-only body
  return records;
}

function tooDeep(index?: number, line?: number): AppError {
  const where = index === undefined ? 'The body' : `Record ${index} (line ${line})`;
  return new AppError(ErrorCode.BAD_USER_INPUT, `${where} is nested deeper than ${MAX_BODY_DEPTH} levels; nothing was stored`, {
    limit: 'maxDepth',
    value: MAX_BODY_DEPTH,
    ...(index === undefined ? {} : { index, line }),
  });
}

function checkCount(n: number, limits: BodyLimits): void {
  if (n === 0) throw new AppError(ErrorCode.BAD_USER_INPUT, 'The batch is empty: send at least one record');
  if (n > limits.maxRecords) {
    throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `A batch holds at most ${limits.maxRecords} records`, {
      limit: 'maxRecords',
      value: limits.maxRecords,
    });
  }
}

/** JSON.parse messages quote part of the input; keep only the position. */
function syntaxDetail(err: unknown): string {
  const msg = err instanceof Error ? err.message : '';
  const pos = /position (\d+)/.exec(msg);
  if (pos) return `syntax error at position ${pos[1]}`;
  if (/end of (JSON )?input/i.test(msg)) return 'unexpected end of input';
  return 'syntax error';
}
