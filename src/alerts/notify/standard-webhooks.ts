import crypto from 'node:crypto';

/**
 * Signing as the Standard Webhooks specification (1.0) says, for replay batches and alert
 * webhooks alike: the signed content is `<webhook-id>.<webhook-timestamp>.<raw body>`, the
 * signature HMAC-SHA256 of it, sent as `webhook-signature: v1,<base64>` beside `webhook-id`
 * (the same on every retry: the receiver's idempotency key) and `webhook-timestamp` (Unix
 * seconds of this attempt, which the receiver checks against its clock). Secrets are shown as
 * `whsec_<base64 of the key bytes>`; several signatures (a rotation's old and new secret) are
 * space-separated, and a receiver accepts the request when one matches.
 */
export const SECRET_PREFIX = 'whsec_';
/** Key bytes of a generated secret: the specification asks for 24 to 64 random bytes. */
const SECRET_BYTES = 32;

/** A fresh secret, `whsec_` and the base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * The HMAC key of a secret: a `whsec_` secret's base64-decoded bytes; any other text (an alert
 * rule's webhookSecret chosen by a person before the gateway generated them) is its UTF-8 bytes,
 * as the specification's libraries do for a "raw" secret.
 */
export function signingKey(secret: string): Buffer {
  return secret.startsWith(SECRET_PREFIX) ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signatureOf(id: string, timestampSeconds: number, body: string, secret: string): string {
  const mac = crypto.createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The three headers of one attempt, signed with every secret given (current first). The id
 * must not contain a full stop: it is the first part of the signed content.
 */
export function standardWebhookHeaders(id: string, body: string, secrets: readonly string[], nowMs: number = Date.now()): StandardWebhookHeaders {
  if (id.includes('.')) throw new Error(`a webhook id must not contain "." (${id})`);
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signatureOf(id, timestamp, body, s)).join(' '),
  };
}
