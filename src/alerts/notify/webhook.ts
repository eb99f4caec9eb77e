import crypto from 'node:crypto';
import type { AlertEventValue } from '../store';
import type { NotificationContext } from './context';
import { postOutbound } from './http-post';
import { alertPayload, slackText } from './payload';
import type { RetryPolicy } from './retry';
import { standardWebhookHeaders } from './standard-webhooks';

export const SIGNATURE_HEADER = 'X-Delivery-Overview-Signature';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: what receivers recompute to trust a request. */
export function signBody(body: string, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The webhook body: `text` (so a Slack incoming webhook shows it as is), `alert`, the
 * structured event, and `context` (the page link, top reason, one sample) when there is one.
 */
export function webhookBody(e: AlertEventValue, context: NotificationContext | null = null): string {
  return JSON.stringify({ text: slackText(e), alert: alertPayload(e), ...(context ? { context } : {}) });
}

/**
 * One POST of an alert event. Headers: `Idempotency-Key` (the event id, the same on every
 * attempt and every replica) and, when the rule has a secret, the Standard Webhooks signature
 * (`webhook-id` = the event id, `webhook-timestamp`, `webhook-signature: v1,…`, as replays are
 * signed) beside the older `X-Delivery-Overview-Signature`. 2xx is success; 408, 425, 429 and
 * 5xx are worth retrying; other statuses and redirects are not. Unless `allowPrivateNetworks`,
 * only public addresses are contacted (see egress.ts).
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
  context: NotificationContext | null = null,
): Promise<{ statusCode: number }> {
  const body = webhookBody(e, context);
  const headers: Record<string, string> = {
    ...traceHeaders,
    'content-type': 'application/json',
    'user-agent': 'delivery-overview-gateway',
    'idempotency-key': e.id,
    'x-delivery-overview-event': e.state,
  };
  if (secret) Object.assign(headers, { [SIGNATURE_HEADER.toLowerCase()]: signBody(body, secret) }, standardWebhookHeaders(e.id, body, [secret]));
  return postOutbound(url, headers, body, { timeoutMs: policy.timeoutMs, signal, allowPrivateNetworks });
}
