/**
 * The HTTP exchange of a simulated failed delivery (sample.request and sample.response, in
 * the ingest contract's shape): what the delivery worker sent, with its Authorization header
 * (which ingest redacts, so the demo shows redaction), and what the destination answered.
 * Made from the sample's own values, without drawing from the generator's random stream, so
 * adding it changed nothing else the seeded simulator produces.
 */
import type { ReportStep } from '../domain/steps';
import type { SimSample } from './generator.types';

/** Reasons where no response arrived: the request went out, the connection failed. */
const NO_RESPONSE = new Set(['ETIMEDOUT', 'ECONNRESET']);

/** What each HTTP reason's response says, and the headers that explain it. */
const RESPONSES: Record<string, { status: number; headers?: Record<string, string>; body: unknown }> = {
  '400': { status: 400, body: { error: 'invalid_request', message: 'invalid value for field "time"' } },
  '401': {
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    body: { error: 'unauthorized', message: 'API key is invalid or expired' },
  },
  '404': { status: 404, body: { error: 'not_found', message: 'contact does not exist' } },
  '429': {
    status: 429,
    headers: { 'Retry-After': '30', 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '0' },
    body: { error: 'rate_limited', message: 'rate limit of 1000 events/s exceeded' },
  },
  '503': { status: 503, headers: { 'Retry-After': '120' }, body: 'Service Unavailable' },
  MESSAGE_REJECTED: { status: 422, body: { error: 'rejected', message: 'event is older than the accepted window' } },
};

/** The request and response of a failed delivery's sample; nothing for other steps and for non-HTTP reasons. */
export function makeExchange(
  step: ReportStep,
  reason: string,
  destinationId: string,
  messageId: string,
  payload: Record<string, unknown>,
): Pick<SimSample, 'request' | 'response'> {
  if (step !== 'failed_delivery' || (!NO_RESPONSE.has(reason) && !RESPONSES[reason])) return {};
  const host = destinationId
    .replace(/^dst_/, '')
    .replace(/_actions$/, '')
    .replace(/_/g, '-');
  const id = messageId.replace(/[^A-Za-z0-9]/g, '').slice(-12);
  const request = {
    method: 'POST',
    url: `https://api.${host}.example/v2/events`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer sk_live_${id}`, 'User-Agent': 'delivery-worker/4.2', 'X-Request-Id': `req_${id}` },
    body: { events: [payload] },
  };
  const r = RESPONSES[reason];
  if (!r) return { request };
  return {
    request,
    response: {
      status: r.status,
      headers: { 'Content-Type': typeof r.body === 'string' ? 'text/plain' : 'application/json', 'X-Request-Id': `req_${id}`, ...r.headers },
      body: r.body,
    },
  };
}
