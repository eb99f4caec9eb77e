/**
 * Every secret the review of issue 23 (item 3) got past sample redaction, and values that must
 * survive it. Shared by the unit test of the rules and the integration test that sends them
 * through ingest and reads them back over GraphQL, so both check the same list.
 */

/** Header names whose values were returned in clear. */
export const SECRET_HEADER_NAMES = [
  'X-Authorization',
  'X-Forwarded-Authorization',
  'X-Original-Authorization',
  'X-Proxy-Authorization',
  'Authentication',
  'X-Sentry-Auth',
  'X-Cookie',
  'Cookie2',
  'Set-Cookie2',
  'X-Goog-IAP-JWT-Assertion',
  'X-JWT',
  'X-Api-Pass',
  'X-Shopify-Hmac-Sha256',
] as const;

/** Headers that explain a failure and hold nothing secret: kept as sent. */
export const KEPT_HEADERS: [string, string][] = [
  ['Content-Type', 'application/json; charset=utf-8'],
  ['Accept', 'text/html;q=0.9, */*;q=0.8'],
  ['Retry-After', '30'],
  ['X-RateLimit-Remaining', '0'],
  ['X-Request-Id', 'req-7f3a'],
  ['WWW-Authenticate', 'Bearer realm="api", error="invalid_token"'],
  ['Location', 'https://api.example.com/v2/jobs/17?page=2'],
  ['Content-Disposition', 'attachment; filename="report.csv"'],
];

/** URL-valued headers holding a credential: name, value sent, value kept. */
export const URL_HEADERS: [string, string, string][] = [
  ['Location', 'https://app.example.com/cb?access_token=at-1&state=s', 'https://app.example.com/cb?access_token=[redacted]&state=s'],
  ['Location', 'https://app.example.com/cb#token=t-2', 'https://app.example.com/cb#token=[redacted]'],
  ['Location', 'https://bob:hunter2@app.example.com/home', 'https://[redacted]@app.example.com/home'],
  ['Referer', 'https://app.example.com/reset?token=t-3', 'https://app.example.com/reset?token=[redacted]'],
  ['Referer', 'https://bob:hunter2@app.example.com/', 'https://[redacted]@app.example.com/'],
  ['Content-Location', 'https://bob:hunter2@cdn.example.com/x?access_token=at-4', 'https://[redacted]@cdn.example.com/x?access_token=[redacted]'],
  ['Origin', 'https://bob:hunter2@app.example.com', 'https://[redacted]@app.example.com'],
  ['X-Original-URL', '/admin?jwt=eyJ.x.y', '/admin?jwt=[redacted]'],
  ['Link', '<https://bob:hunter2@api.example.com/p?token=t-5>; rel="next"', '<https://[redacted]@api.example.com/p?token=[redacted]>; rel="next"'],
];

/**
 * URLs: sent → kept. Userinfo in every place a URL parser finds it (backslashes, a leading space
 * or tab, no slashes or one slash after a special scheme, any case), and the parameters the
 * review named, with `&` and `;` separators and as matrix parameters.
 */
export const URL_CASES: [string, string][] = [
  ['https:\\\\user:p@h.example/x', 'https:\\\\[redacted]@h.example/x'],
  [' https://u:p@h.example/x', ' https://[redacted]@h.example/x'],
  ['https:user:p@h.example/x', 'https:[redacted]@h.example/x'],
  ['HTTPS:/u:p@h.example/x', 'HTTPS:/[redacted]@h.example/x'],
  ['\thttps://u:p@h.example/x', '\thttps://[redacted]@h.example/x'],
  ['http:/\\u:p@h.example', 'http:/\\[redacted]@h.example'],
  ['ws://u:p@h.example/socket', 'ws://[redacted]@h.example/socket'],
  ['https://h.example/x?jwt=eyJ.a.b&page=2', 'https://h.example/x?jwt=[redacted]&page=2'],
  ['https://h.example/cb?code=c-1&state=s', 'https://h.example/cb?code=[redacted]&state=s'],
  ['https://h.example/login?user=bob&pw=hunter2', 'https://h.example/login?user=bob&pw=[redacted]'],
  ['https://h.example/x?a=1;token=t-1;b=2', 'https://h.example/x?a=1;token=[redacted];b=2'],
  ['https://h.example/x;token=t-1/y;v=2', 'https://h.example/x;token=[redacted]/y;v=2'],
  ['https://h.example/x;jsessionid=ABC?q=1', 'https://h.example/x;jsessionid=[redacted]?q=1'],
  ['https://h.example/x?access_token=at-1', 'https://h.example/x?access_token=[redacted]'],
  ['https://h.example/x?id_token=i&refresh_token=r', 'https://h.example/x?id_token=[redacted]&refresh_token=[redacted]'],
  ['https://h.example/x?oauth_signature=s&hmac=h', 'https://h.example/x?oauth_signature=[redacted]&hmac=[redacted]'],
  ['https://h.example/x#access_token=at-1;state=s', 'https://h.example/x#access_token=[redacted];state=s'],
];

/** URLs with nothing to hide: kept as sent. */
export const KEPT_URLS = [
  'https://api.example.com/2/httpapi?event=Order%20Completed&page=2',
  'https://h.example/a@b/x?q=1',
  'mailto:someone@example.com',
  'urn:isbn:0451450523',
  '/relative/path;v=1.2?sort=asc',
  'application/json; charset=utf-8',
];
