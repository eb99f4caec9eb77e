import http from 'node:http';
import https from 'node:https';
import { EgressRefused, isPublicAddress, literalAddress, publicOnlyLookup } from './egress';
import { describeNetworkError, DeliveryError } from './retry';

export interface PostOptions {
  timeoutMs: number;
  /** Shutdown: ends the request and fails it without a retry. */
  signal: AbortSignal;
  /** Reach private, loopback and link-local addresses too (ALERT_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivateNetworks: boolean;
}

/**
 * One POST to a receiver outside the gateway (an alert webhook, Slack, PagerDuty, a replay
 * endpoint), through the egress guard: unless `allowPrivateNetworks`, an address literal or a
 * name resolving to a non-public address is refused without a retry (egress.ts). 2xx is
 * success; 408, 425, 429 and 5xx are worth retrying; other statuses (410 Gone among them) and
 * redirects are not. Throws DeliveryError otherwise.
 */
export async function postOutbound(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<{ statusCode: number }> {
  const target = new URL(url);
  const literal = literalAddress(target);
  if (!options.allowPrivateNetworks && literal !== null && !isPublicAddress(literal)) {
    throw new DeliveryError(`${literal} is not a public address; requests go to public addresses only (ALERT_WEBHOOK_ALLOW_PRIVATE)`, false);
  }
  let status: number;
  try {
    status = await post(target, { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body, options);
  } catch (err) {
    if (err instanceof EgressRefused) throw new DeliveryError(err.message, false);
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError') throw new DeliveryError(`no response within ${options.timeoutMs} ms`, true);
    if (name === 'AbortError') throw new DeliveryError('the gateway shut down before delivery finished', false);
    throw new DeliveryError(describeNetworkError(err), true);
  }
  if (status >= 200 && status < 300) return { statusCode: status };
  const retryable = status >= 500 || status === 408 || status === 425 || status === 429;
  const what = status >= 300 && status < 400 ? 'a redirect (not followed)' : `HTTP ${status}`;
  throw new DeliveryError(`the receiver answered ${what}`, retryable, status);
}

/** POST with node's http(s), whose `lookup` hook lets egress.ts vet the addresses actually connected to. */
function post(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers,
      signal: options.signal,
      lookup: options.allowPrivateNetworks ? undefined : publicOnlyLookup,
    });
    const timer = setTimeout(
      () => request.destroy(Object.assign(new Error(`no response within ${options.timeoutMs} ms`), { name: 'TimeoutError' })),
      options.timeoutMs,
    );
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
