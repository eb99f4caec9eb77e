/**
 * A failed delivery's HTTP exchange, kept with its sample: `sample.request` and
 * `sample.response` (docs/ingest.md#request-and-response). Validated strictly like every
 * other field, and redacted here, before anything is encoded, so no secret reaches storage.
 * Bodies are cut later, by the row encoder, at the same byte limit as payloads.
 */
import { jsonText, text, type Fail } from './report.text';
import { redactHeader, redactUrl } from './sample.redact';
import type { SampleExchange, SampleHeader, SampleRequest, SampleResponse } from '../domain/sample-exchange';

export type { SampleExchange } from '../domain/sample-exchange';

/**
 * Bounds of the exchange. Headers are the producer's selection (the ones that explain the
 * failure: content type, rate-limit and retry headers, request ids), kept whole up to
 * `headers` of them; more is refused, not silently dropped, like every other limit.
 */
export const EXCHANGE_LIMITS = { method: 16, url: 2048, headers: 50, headerName: 256, headerValue: 4096, statusMin: 100, statusMax: 599 } as const;
export const REQUEST_FIELDS = new Set(['method', 'url', 'headers', 'body']);
export const RESPONSE_FIELDS = new Set(['status', 'headers', 'body']);
/** An HTTP token (RFC 9110 §5.6.2): what a method and a header name are made of. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** The one step whose samples may carry an exchange: the other discard steps never reached a destination. */
export const EXCHANGE_STEP = 'failed_delivery';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `sample.request` and `sample.response` of one sample object (null when absent). */
export function exchangeOf(s: Record<string, unknown>, step: string, fail: Fail): SampleExchange {
  const none: SampleExchange = { request: null, response: null };
  const sent = (v: unknown) => v !== undefined && v !== null;
  if (!sent(s.request) && !sent(s.response)) return none;
  if (step !== EXCHANGE_STEP) {
    fail(
      sent(s.request) ? 'sample.request' : 'sample.response',
      `is only allowed on ${EXCHANGE_STEP} samples: the other discard steps never reached a destination`,
    );
    return none;
  }
  return { request: sent(s.request) ? requestOf(s.request, fail) : null, response: sent(s.response) ? responseOf(s.response, fail) : null };
}

function requestOf(v: unknown, fail: Fail): SampleRequest | null {
  if (!isObject(v)) {
    fail('sample.request', 'must be an object { method, url, headers, body }');
    return null;
  }
  for (const key in v) if (!REQUEST_FIELDS.has(key)) fail(`sample.request.${key}`, 'unknown field');
  let method = text(v.method, 'sample.request.method', EXCHANGE_LIMITS.method, fail, false);
  if (method !== '' && !HTTP_TOKEN.test(method)) {
    fail('sample.request.method', "must be an HTTP method (letters, digits and !#$%&'*+.^_`|~-)");
    method = '';
  }
  const url = redactUrl(text(v.url, 'sample.request.url', EXCHANGE_LIMITS.url, fail, false));
  return { method, url, headers: headersOf(v.headers, 'sample.request.headers', fail), body: bodyOf(v.body, 'sample.request.body', fail) };
}

function responseOf(v: unknown, fail: Fail): SampleResponse | null {
  if (!isObject(v)) {
    fail('sample.response', 'must be an object { status, headers, body }');
    return null;
  }
  for (const key in v) if (!RESPONSE_FIELDS.has(key)) fail(`sample.response.${key}`, 'unknown field');
  let status: number | null = null;
  if (v.status !== undefined && v.status !== null) {
    const { statusMin: min, statusMax: max } = EXCHANGE_LIMITS;
    if (typeof v.status !== 'number' || !Number.isInteger(v.status) || v.status < min || v.status > max)
      fail('sample.response.status', `must be an integer from ${min} to ${max}`);
    else status = v.status;
  }
  return { status, headers: headersOf(v.headers, 'sample.response.headers', fail), body: bodyOf(v.body, 'sample.response.body', fail) };
}

/** `{ name: value }` in the order sent, secret values redacted. */
function headersOf(v: unknown, field: string, fail: Fail): SampleHeader[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) {
    fail(field, 'must be an object of header names to string values');
    return [];
  }
  const names = Object.keys(v);
  if (names.length > EXCHANGE_LIMITS.headers) {
    fail(field, `at most ${EXCHANGE_LIMITS.headers} headers`);
    return [];
  }
  const out: SampleHeader[] = [];
  for (const name of names) {
    if (name.length > EXCHANGE_LIMITS.headerName || !HTTP_TOKEN.test(name)) {
      fail(
        `${field}.${name.slice(0, 64)}`,
        `a header name must be 1-${EXCHANGE_LIMITS.headerName} characters of an HTTP token (letters, digits and !#$%&'*+.^_\`|~-)`,
      );
      continue;
    }
    const value = text(v[name], `${field}.${name}`, EXCHANGE_LIMITS.headerValue, fail, false);
    out.push({ name, value: redactHeader(name, value) });
  }
  return out;
}

/** A string body is kept as text (bodies are often not JSON); any other JSON as its JSON text. */
function bodyOf(v: unknown, field: string, fail: Fail): string {
  if (typeof v === 'string') return text(v, field, Number.MAX_SAFE_INTEGER, fail, false);
  return jsonText(v, field, fail);
}
