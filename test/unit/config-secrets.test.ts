import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import type { AppError } from '../../src/domain/errors';

/** ROOT_TOKEN_FILE, SECRETS_KEY_FILE, CLICKHOUSE_PASSWORD_FILE: secrets from mounted files. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-secrets-'));
function file(name: string, content: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content, { mode: 0o600 });
  return p;
}
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as AppError).details!.problems as string[];
  }
}

const ROOT = 'r'.repeat(30);
const KEY = 'ab'.repeat(32);

describe('secrets from files (*_FILE)', () => {
  it('reads each secret from its file, without the trailing newline', () => {
    const c = loadConfig({
      ROOT_TOKEN_FILE: file('root', `${ROOT}\n`),
      SECRETS_KEY_FILE: file('key', `${KEY}\r\n`),
      CLICKHOUSE_PASSWORD_FILE: file('pw', 'p@ss word'),
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    });
    expect(c.auth.rootToken).toBe(ROOT);
    expect(c.auth.secretsKey).toEqual(Buffer.from(KEY, 'hex'));
    expect(c.clickhouse.password).toBe('p@ss word');
  });

  it('keeps everything but the one trailing newline (a secret may end in spaces)', () => {
    expect(loadConfig({ CLICKHOUSE_PASSWORD_FILE: file('pw2', ' x \n\n') }).clickhouse.password).toBe(' x \n');
  });

  it('refuses both the variable and its file', () => {
    expect(problems({ ROOT_TOKEN: ROOT, ROOT_TOKEN_FILE: file('root2', ROOT) })).toEqual(['Set ROOT_TOKEN or ROOT_TOKEN_FILE, not both']);
  });

  it('says clearly when the file cannot be read, and checks what it holds like the variable', () => {
    const missing = path.join(dir, 'nope');
    expect(problems({ SECRETS_KEY_FILE: missing, CLICKHOUSE_PASSWORD_FILE: dir })).toEqual([
      `CLICKHOUSE_PASSWORD_FILE=${JSON.stringify(dir)} cannot be read (EISDIR); it must name a file this process may read`,
      `SECRETS_KEY_FILE=${JSON.stringify(missing)} cannot be read (ENOENT); it must name a file this process may read`,
    ]);
    expect(problems({ ROOT_TOKEN_FILE: file('short', 'short\n') })).toEqual(['ROOT_TOKEN must be at least 24 characters']);
    expect(problems({ ROOT_TOKEN_FILE: file('empty', '\n') })).toEqual([`ROOT_TOKEN_FILE=${JSON.stringify(path.join(dir, 'empty'))} is empty`]);
  });

  it('a key from a file satisfies the SECRETS_KEY requirement of CLICKHOUSE_URL', () => {
    expect(problems({ CLICKHOUSE_URL: 'http://127.0.0.1:8123', SECRETS_KEY_FILE: file('key2', KEY) })).toEqual([]);
  });
});
