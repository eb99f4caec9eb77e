/**
 * Redaction of the secrets a failed delivery's request and response carry, applied at
 * validation so no secret reaches storage (docs/ingest.md#request-and-response), and again
 * when samples are read, so rows stored under older, narrower rules are hidden too. The rules
 * err on the side of hiding: a header or parameter whose name merely looks like a secret loses
 * its value, because a leaked credential costs more than a hidden header. They match by
 * pattern, not by list: the review of issue 23 found thirteen secret headers a list had missed.
 */

export const REDACTED = '[redacted]';

/**
 * A name containing one of these carries a credential (case-insensitive): x-authorization,
 * x-sentry-auth, cookie2, x-csrf-token, client_secret, x-api-pass, x-api-key, x-jwt,
 * x-shopify-hmac-sha256, x-hub-signature, jsessionid, x-amz-credential, …
 */
const SECRET_PARTS = ['auth', 'cookie', 'token', 'secret', 'pass', 'key', 'jwt', 'hmac', 'signature', 'session', 'credential'];
/** One pattern for all parts but "key" (which has an exception), so a name costs one scan. */
const SECRET_PART = new RegExp(SECRET_PARTS.filter((p) => p !== 'key').join('|'), 'i');
/** Short names that are secrets only whole (as parts they would hide half of every URL): an OAuth `code`, `sig`, `pw`. */
const SECRET_WHOLE_NAMES = ['sig', 'pw', 'pwd', 'code', 'code_verifier'];
const WHOLE_NAME_SET = new Set(SECRET_WHOLE_NAMES);
/** Challenges: they say how to authenticate and hold no credential, and they explain a 401 or 407. */
const CHALLENGES = new Set(['www-authenticate', 'proxy-authenticate']);

/**
 * True when the value of a header or URL parameter named `name` must not be stored. A name
 * containing "key" is one too (x-api-key, apikey, x-goog-api-key), except an idempotency key:
 * it names a request and grants nothing, and it is what finds the retry of a failed batch.
 */
export function isSecretName(name: string): boolean {
  const n = name.trim().toLowerCase();
  if (CHALLENGES.has(n)) return false;
  if (WHOLE_NAME_SET.has(n) || SECRET_PART.test(n)) return true;
  return n.includes('key') && !n.includes('idempotency');
}

/**
 * The value a header keeps. A secret-named header's becomes "[redacted]" (an empty value stays
 * empty: there was nothing to hide). Every other value goes through the URL rules, since any
 * header may hold a URL (Location, Referer, Content-Location, Origin, Link, a producer's own
 * X-Callback-Url) and a value that holds none comes out unchanged.
 */
export function redactHeader(name: string, value: string): string {
  if (value === '') return value;
  return isSecretName(name) ? REDACTED : redactUrl(value);
}

/** Headers as stored ({ name, value }), each redacted by redactHeader. */
export function redactHeaders<H extends { name: string; value: string }>(headers: readonly H[]): H[] {
  return headers.map((h) => ({ ...h, value: redactHeader(h.name, h.value) }));
}

/**
 * The URL with its userinfo (`user:password@`) and the values of secret-named query, fragment
 * and matrix parameters replaced. The text is kept as sent otherwise (producers send relative
 * or odd URLs), but userinfo is looked for where a WHATWG URL parser finds it, whatever the
 * text around it: leading spaces and control characters, tabs and newlines anywhere, any case
 * of scheme, backslashes, and any number of slashes (none included) after http(s), ws(s) and
 * ftp. A URL inside the text (`<https://…>`, `url=https://…`) is recognized by its `scheme://`.
 * Secrets inside a path segment (a webhook URL that embeds its key) cannot be recognized.
 */
export function redactUrl(url: string): string {
  // Userinfo needs an @ and a parameter an =: most header values have neither and cost one scan.
  if (!/[@=]/.test(url)) return url;
  return redactParams(redactEmbeddedUserinfo(redactUserinfo(url, 0)));
}

/** Schemes whose URLs always have an authority: the parser takes any run of `/` and `\` after them, or none. */
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp']);
/** The parser removes ASCII tab and newline anywhere in the input. */
const isIgnored = (c: string) => c === '\t' || c === '\n' || c === '\r';

const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Letters, digits, + - . (a scheme after its first letter). */
const isSchemeChar = (c: number) => isAlpha(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;

/** The lower-cased scheme starting at `i` (tabs and newlines skipped) and the index after its ':', or null. */
function schemeAt(text: string, i: number): { scheme: string; next: number } | null {
  const start = i;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13) continue;
    if (c === 58 /* : */)
      return i === start
        ? null
        : {
            scheme: text
              .slice(start, i)
              .replace(/[\t\n\r]/g, '')
              .toLowerCase(),
            next: i + 1,
          };
    if (!(i === start ? isAlpha(c) : isSchemeChar(c))) return null;
  }
  return null;
}

/**
 * Where the authority of the URL starting at `from` begins, as the parser reads it, or -1 when
 * it has none: after any slashes and backslashes that follow a special scheme (or begin a
 * relative reference, as a web page's base would read `//host` and `\\host`), after exactly
 * `//` for any other scheme.
 */
function authorityStart(text: string, from: number): { at: number; special: boolean } | null {
  let i = from;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++; // leading C0 controls and spaces are stripped
  const scheme = schemeAt(text, i);
  const special = scheme === null || SPECIAL_SCHEMES.has(scheme.scheme);
  if (scheme) i = scheme.next;
  let slashes = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (isIgnored(c)) continue;
    if (c !== '/' && !(special && c === '\\')) break;
    slashes++;
    if (!special && slashes === 2) return { at: i + 1, special };
  }
  if (scheme === null ? slashes < 2 : !special) return null;
  return { at: i, special };
}

/** `text` with the userinfo of the URL that starts at `from` replaced (the authority ends at / ? #, and \ for special schemes; its last @ ends the userinfo). */
function redactUserinfo(text: string, from: number): string {
  const start = authorityStart(text, from);
  if (!start) return text;
  let at = -1;
  for (let i = start.at; i < text.length; i++) {
    const c = text[i];
    if (c === '/' || c === '?' || c === '#' || (start.special && c === '\\')) break;
    if (c === '@') at = i;
  }
  return at > start.at ? `${text.slice(0, start.at)}${REDACTED}${text.slice(at)}` : text;
}

/**
 * An absolute URL inside other text (a Link header's `<…>`, a Refresh header's `url=…`, a
 * redirect parameter). The look-behind starts a scheme only where a word starts: without it a
 * 4,096-character run of letters is tried from every position (quadratic, 20 ms a header).
 */
const EMBEDDED_URL = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:[/\\]{2}[^\s<>"'`]*/g;

function redactEmbeddedUserinfo(text: string): string {
  return text.replace(EMBEDDED_URL, (url) => redactUserinfo(url, 0));
}

/**
 * Parameters: `name=value` after `;` in the path (matrix parameters, `;jsessionid=`), and after
 * `?`, `&`, `;` or `#` in the query and fragment (where OAuth puts `#access_token=`). A path
 * parameter's value ends at `/`; a query value may hold `/` (base64 does). Both end at a
 * character a URL cannot hold (space, quotes, angle brackets), so a URL inside a header keeps
 * what follows it. The patterns match only names that may be secret (a secret part, a whole
 * secret name, or percent-encoding to look through), so the callback runs for those alone: a
 * header of a thousand harmless parameters costs one native scan, not a thousand calls. The
 * look-ahead finds the part and the name is then taken whole, so no name is scanned twice over
 * (`name*?part name*` would be quadratic on a long name of parts without an `=`).
 */
function paramPattern(separator: string, nameChars: string, valueChars: string): RegExp {
  const candidate = `(?=${nameChars}*?(?:${[...SECRET_PARTS, '%', '\\+'].join('|')})|(?:${SECRET_WHOLE_NAMES.join('|')})=)`;
  return new RegExp(`(${separator}[ \\t]*)${candidate}(${nameChars}*)=(${valueChars}*)`, 'gi');
}
const PATH_PARAM = paramPattern(';', '[^;/\\\\=?#\\s<>"\'`]', '[^;/\\\\?#\\s<>"\'`]');
const QUERY_PARAM = paramPattern('[?&;#]', '[^?&;#=\\s<>"\'`]', '[^&;#\\s<>"\'`]');

function redactParams(text: string): string {
  const hide = (whole: string, separator: string, name: string, value: string) =>
    value !== '' && isSecretName(decoded(name)) ? `${separator}${name}=${REDACTED}` : whole;
  const q = text.search(/[?#]/);
  if (q < 0) return text.replace(PATH_PARAM, hide);
  return text.slice(0, q).replace(PATH_PARAM, hide) + text.slice(q).replace(QUERY_PARAM, hide);
}

/** A parameter name as a server reads it (`api%5Fkey` is api_key); left as is when not valid percent-encoding. */
function decoded(name: string): string {
  if (!/[%+]/.test(name)) return name;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
