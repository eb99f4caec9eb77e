import crypto from 'node:crypto';
import type { AlertEventValue } from '../store';
import { alertPayload, slackText } from './payload';
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
 */
export async function postWebhook(url: string, secret: string | null, e: AlertEventValue, policy: RetryPolicy, signal: AbortSignal): Promise<{ statusCode: number }> {
  const body = webhookBody(e);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'delivery-overview-gateway',
    'idempotency-key': e.id,
    'x-delivery-overview-event': e.state,
  };
  if (secret) headers[SIGNATURE_HEADER.toLowerCase()] = signBody(body, secret);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([signal, AbortSignal.timeout(policy.timeoutMs)]) });
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError') throw new DeliveryError(`no response within ${policy.timeoutMs} ms`, true);
    if (name === 'AbortError') throw new DeliveryError('the gateway shut down before delivery finished', false);
    throw new DeliveryError(describeNetworkError(err), true);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { statusCode: res.status };
  const retryable = res.status >= 500 || res.status === 408 || res.status === 425 || res.status === 429;
  const what = res.status >= 300 && res.status < 400 ? 'a redirect (not followed)' : `HTTP ${res.status}`;
  throw new DeliveryError(`the receiver answered ${what}`, retryable, res.status);
}
