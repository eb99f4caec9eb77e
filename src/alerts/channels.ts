import { badInput } from '../domain/errors';
import { isPublicAddress, literalAddress } from './notify/egress';

export const MAX_URL_LENGTH = 2048;

/**
 * A URL the gateway will POST to (a webhook, a Slack incoming webhook): absolute http(s), no
 * credentials, not too long, and not an address literal outside the public internet unless
 * the operator allows private networks. Names are vetted again at send time (egress.ts).
 */
export function checkOutboundUrl(field: string, value: string, allowPrivateNetworks: boolean, hint: string): string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(`${field} must be an absolute http(s) URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(`${field} must be an http(s) URL`, { field });
  if (url.username || url.password) throw badInput(`${field} must not carry credentials; ${hint}`, { field });
  if (text.length > MAX_URL_LENGTH) throw badInput(`${field} must be at most ${MAX_URL_LENGTH} characters`, { field });
  const literal = literalAddress(url);
  if (!allowPrivateNetworks && (url.hostname === 'localhost' || (literal !== null && !isPublicAddress(literal)))) {
    throw badInput(
      `${field} must point at a public address (private, loopback and link-local ones are refused unless the gateway runs with ALERT_WEBHOOK_ALLOW_PRIVATE=true)`,
      { field },
    );
  }
  return text;
}

/** A PagerDuty Events API v2 routing key: the 32-character integration key of a service. */
export function checkRoutingKey(value: string): string {
  const key = value.trim();
  if (!/^[A-Za-z0-9]{32}$/.test(key))
    throw badInput('pagerdutyRoutingKey must be the 32-character integration key of an Events API v2 integration', { field: 'pagerdutyRoutingKey' });
  return key;
}
