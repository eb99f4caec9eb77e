/**
 * Redaction of the secrets a failed delivery's request and response carry, applied at
 * validation so no secret reaches storage (docs/ingest.md#request-and-response). The rule
 * errs on the side of hiding: a header or query parameter whose name merely looks like a
 * secret loses its value, because a leaked credential costs more than a hidden header.
 */

export const REDACTED = '[redacted]';

/** Names that carry credentials whatever their spelling around them (compared lower-cased). */
const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token', 'auth', 'sig', 'pass', 'pwd']);
/** A name containing one of these is a secret: x-csrf-token, client_secret, x-amz-credential, x-hub-signature. */
const SECRET_PARTS = ['token', 'secret', 'password', 'passwd', 'credential', 'signature', 'session'];

/**
 * True when the value of a header or query parameter named `name` must not be stored.
 * "key" counts too (x-api-key, apikey, x-goog-api-key, key=…), except in an idempotency key:
 * it names a request and grants nothing, and it is what finds the retry of a failed batch.
 */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  if (SECRET_NAMES.has(n) || SECRET_PARTS.some((part) => n.includes(part))) return true;
  return n.includes('key') && !n.includes('idempotency');
}

/** The value a header keeps: secrets become "[redacted]" (an empty value stays empty: there was nothing to hide). */
export function redactHeader(name: string, value: string): string {
  return value !== '' && isSecretName(name) ? REDACTED : value;
}

const USERINFO = /^((?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/)([^/?#]*)@/;

/**
 * The URL with its userinfo (`user:password@`) and the values of secret-named query (and
 * fragment, where OAuth puts `access_token`) parameters replaced. The URL is treated as text,
 * not parsed: producers send what they sent, relative or odd, and it is stored as sent otherwise.
 * Secrets inside the path (a webhook URL that embeds its key) cannot be recognized.
 */
export function redactUrl(url: string): string {
  let out = url.replace(USERINFO, (_, scheme: string) => `${scheme}${REDACTED}@`);
  const hash = out.indexOf('#');
  const fragment = hash < 0 ? null : out.slice(hash + 1);
  if (hash >= 0) out = out.slice(0, hash);
  const q = out.indexOf('?');
  if (q >= 0) out = `${out.slice(0, q)}?${redactParams(out.slice(q + 1))}`;
  return fragment === null ? out : `${out}#${redactParams(fragment)}`;
}

function redactParams(params: string): string {
  return params
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return part;
      const name = part.slice(0, eq);
      return isSecretName(decoded(name)) ? `${name}=${REDACTED}` : part;
    })
    .join('&');
}

/** A parameter name as a server reads it (`api%5Fkey` is api_key); left as is when not valid percent-encoding. */
function decoded(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
