import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AlertEventValue } from '../store';
import { alertPayload, slackText } from './payload';
import { EgressRefused, isPublicAddress, literalAddress, publicOnlyLookup } from './egress';
import { describeNetworkError, DeliveryError, type RetryPolicy } from './retry';

export const SIGNATURE_HEADER = 'X-Delivery-Overview-Signature';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: what receivers recompute to trust a request. */
export function signBody(body: string, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The webhook body: `text` (so a Slack incoming webhook shows it as is) and `alert`, the
 * structured event for every other receiver.
 */
export function webhookBody(e: AlertEventValue): string {
  return JSON.stringify({ text: slackText(e), alert: alertPayload(e) });
}

/**
 * One POST of an alert event. Headers: `Idempotency-Key` (the event id, the same on every
 * attempt and every replica), and the signature when the rule has a secret. 2xx is
 * success; 408, 425, 429 and 5xx are worth retrying; other statuses and redirects are not.
 * Unless `allowPrivateNetworks`, only public addresses are contacted (see egress.ts).
 */
export async function postWebhook(
  url: string,
  secret: string | null,
  e: AlertEventValue,
  policy: RetryPolicy,
  signal: AbortSignal,
  allowPrivateNetworks = false,
  /** Trace context of the delivery (`traceparent`, …), when tracing is on. */
  traceHeaders: Record<string, string> = {},
): Promise<{ statusCode: number }> {
  const body = webhookBody(e);
  const headers: Record<string, string> = {
    ...traceHeaders,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'delivery-overview-gateway',
    'idempotency-key': e.id,
    'x-delivery-overview-event': e.state,
  };
  if (secret) headers[SIGNATURE_HEADER.toLowerCase()] = signBody(body, secret);
  const target = new URL(url);
  const literal = literalAddress(target);
  if (!allowPrivateNetworks && literal !== null && !isPublicAddress(literal)) {
    throw new DeliveryError(`${literal} is not a public address; webhooks go to public addresses only (ALERT_WEBHOOK_ALLOW_PRIVATE)`, false);
  }
  let status: number;
  try {
    status = await post(target, headers, body, policy.timeoutMs, signal, allowPrivateNetworks);
  } catch (err) {
    if (err instanceof EgressRefused) throw new DeliveryError(err.message, false);
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError') throw new DeliveryError(`no response within ${policy.timeoutMs} ms`, true);
    if (name === 'AbortError') throw new DeliveryError('the gateway shut down before delivery finished', false);
    throw new DeliveryError(describeNetworkError(err), true);
  }
  if (status >= 200 && status < 300) return { statusCode: status };
  const retryable = status >= 500 || status === 408 || status === 425 || status === 429;
  const what = status >= 300 && status < 400 ? 'a redirect (not followed)' : `HTTP ${status}`;
  throw new DeliveryError(`the receiver answered ${what}`, retryable, status);
}

/** POST with node's http(s), whose `lookup` hook lets egress.ts vet the addresses actually connected to. */
function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, signal: AbortSignal, allowPrivateNetworks: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers,
      signal,
      lookup: allowPrivateNetworks ? undefined : publicOnlyLookup,
    });
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    request.on('response', (res) => {
      clearTimeout(timer);
      res.destroy(); // the status is all we need; a receiver streaming a body forever must not hold the socket
      resolve(res.statusCode ?? 0);
    });
    request.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    request.end(body);
  });
}
