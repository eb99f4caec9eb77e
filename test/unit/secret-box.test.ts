import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSecretBox, parseSecretsKey, SecretBox } from '../../src/auth/secret-box';
import { loadConfig } from '../../src/config/config';

describe('SecretBox', () => {
  const box = new SecretBox(crypto.randomBytes(32));

  it('round-trips any text, with a fresh IV per seal; empty stays empty', () => {
    for (const plain of ['https://hooks.slack.com/services/T0/B0/xyz', 'a'.repeat(2048), 'é😀\u0000"\\']) {
      const a = box.seal(plain);
      const b = box.seal(plain);
      expect(a).toMatch(/^enc1:[A-Za-z0-9_-]+$/);
      expect(a).not.toBe(b);
      expect(a).not.toContain(plain.slice(0, 10));
      expect([box.open(a), box.open(b)]).toEqual([plain, plain]);
    }
    expect(box.seal('')).toBe('');
    expect(box.open('')).toBe('');
  });

  it('passes values stored before sealing existed through', () => {
    expect(box.open('https://example.com/hook')).toBe('https://example.com/hook');
  });

  it('after a rotation, opens values sealed with a previous key and seals with the new one', () => {
    const oldKey = crypto.randomBytes(32);
    const sealedBefore = new SecretBox(oldKey).seal('rotate-me-please');
    const rotated = new SecretBox(crypto.randomBytes(32), [crypto.randomBytes(32), oldKey]);
    expect(rotated.open(sealedBefore)).toBe('rotate-me-please');
    expect(() => new SecretBox(oldKey).open(rotated.seal('new'))).toThrow(/cannot be opened/);
    expect(
      loadConfig({ SECRETS_KEY: crypto.randomBytes(32).toString('hex'), SECRETS_KEY_PREVIOUS: `${oldKey.toString('hex')}, ${oldKey.toString('base64')}` }).auth
        .secretsKeysPrevious,
    ).toEqual([oldKey, oldKey]);
    expect(() => loadConfig({ SECRETS_KEY_PREVIOUS: 'nope' })).toThrow(/SECRETS_KEY_PREVIOUS: key 1 must be 32 bytes/);
  });

  it('refuses a value sealed with another key, or altered', () => {
    const sealed = box.seal('secret-value-123');
    expect(() => new SecretBox(crypto.randomBytes(32)).open(sealed)).toThrow(/sealed with another key, or altered/);
    const raw = Buffer.from(sealed.slice(5), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`enc1:${raw.toString('base64url')}`)).toThrow(/sealed with another key, or altered/);
  });
});

describe('the secrets key', () => {
  it('is parsed from 64 hex characters or base64, and anything else is a configuration error', () => {
    const key = crypto.randomBytes(32);
    expect(parseSecretsKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretsKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretsKey(key.toString('base64url'))).toEqual(key);
    for (const bad of ['short', 'z'.repeat(64), crypto.randomBytes(16).toString('hex')]) expect(parseSecretsKey(bad)).toBeNull();
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(/SECRETS_KEY must be 32 bytes/);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:8123' })).toThrow(/SECRETS_KEY is required with CLICKHOUSE_URL/);
    expect(loadConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:8123', SECRETS_KEY: key.toString('hex') }).auth.secretsKey).toEqual(key);
  });

  it('without SECRETS_KEY is generated once in DATA_DIR (0600) and reused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    try {
      const first = loadSecretBox(null, dir);
      const sealed = first.box.seal('x-secret');
      const second = loadSecretBox(null, dir);
      expect(second.file).toBe(path.join(dir, 'secrets.key'));
      expect(second.box.open(sealed)).toBe('x-secret');
      expect(fs.statSync(second.file!).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
