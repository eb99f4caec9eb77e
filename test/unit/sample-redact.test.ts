import { isSecretName, redactHeader, redactUrl, REDACTED } from '../../src/ingest/sample.redact';

describe('sample redaction rules', () => {
  it.each([
    ['authorization', true], ['Proxy-Authorization', true], ['cookie', true], ['Set-Cookie', true], ['x-api-key', true], ['api-key', true], ['x-auth-token', true],
    ['X-CSRF-Token', true], ['client_secret', true], ['x-db-password', true], ['apikey', true], ['key', true], ['x-goog-api-key', true], ['X-Amz-Signature', true],
    ['x-session-id', true], ['auth', true], ['sig', true],
    ['x-idempotency-key', false], ['Idempotency-Key', false], ['content-type', false], ['retry-after', false], ['x-request-id', false], ['author', false], ['keep-alive', false],
  ])('%s is secret: %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it('keeps an empty secret value empty, and other values as they are', () => {
    expect([redactHeader('authorization', ''), redactHeader('authorization', 'Basic x'), redactHeader('accept', '*/*')]).toEqual(['', REDACTED, '*/*']);
  });

  it.each([
    ['https://u:p@h.example/x', 'https://[redacted]@h.example/x'],
    ['//u@h.example/x', '//[redacted]@h.example/x'],
    ['https://h.example/x?a=1&token=t&b', 'https://h.example/x?a=1&token=[redacted]&b'],
    ['https://h.example/x?api%5Fkey=k', 'https://h.example/x?api%5Fkey=[redacted]'],
    ['https://h.example/x?%E0%A4%A=1', 'https://h.example/x?%E0%A4%A=1'],
    ['https://h.example/a@b/x?q=1', 'https://h.example/a@b/x?q=1'],
    ['https://h.example/#access_token=t&state=1', 'https://h.example/#access_token=[redacted]&state=1'],
    ['https://h.example/#section', 'https://h.example/#section'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['', ''],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
