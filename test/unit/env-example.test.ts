import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { configReaderNames, directEnvNames } from '../helpers/config-vars';

/**
 * .env.example lists every variable the gateway reads, each with its default: a variable the
 * code reads and the file lacks fails here, so does a name the code no longer reads, and so does
 * a default that is not the default (the file, loaded as an environment, must configure the
 * gateway exactly as an empty environment does).
 */
const FILE = path.resolve(__dirname, '../../.env.example');

/** NAME=value lines (the dotenv subset this file uses: # comments, a value in double quotes when the shell needs them). */
function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[1], /^".*"$/.test(m[2]) ? m[2].slice(1, -1) : m[2]);
  }
  return out;
}

const listed = parseEnvFile(fs.readFileSync(FILE, 'utf8'));
const read = new Set([...configReaderNames(), ...directEnvNames()]);

describe('.env.example', () => {
  it('finds the variables the code reads (the parser still matches the code)', () => {
    expect(read.size).toBeGreaterThanOrEqual(60);
  });

  it('lists every variable the gateway reads', () => {
    expect([...read].filter((n) => !listed.has(n))).toEqual([]);
  });

  it('lists no variable the gateway does not read', () => {
    expect([...listed.keys()].filter((n) => !read.has(n))).toEqual([]);
  });

  it('lists each variable once', () => {
    const names = fs
      .readFileSync(FILE, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
      .filter(Boolean);
    expect(names.length).toBe(new Set(names).size);
  });

  it('gives each variable its default: loaded as the environment, it configures what an empty environment does', () => {
    expect(loadConfig(Object.fromEntries(listed))).toEqual(loadConfig({}));
  });

  it('can be loaded by a shell as it is (set -a; . ./.env.example)', () => {
    const run = spawnSync('bash', ['-c', `set -a; . '${FILE}'; set +a; env`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.status).toBe(0);
    const env = new Map(run.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]));
    for (const [name, value] of listed) expect([name, env.get(name)]).toEqual([name, value]);
  });

  it('the default check can fail: a wrong default is seen', () => {
    const wrong = new Map(listed).set('QUERY_MAX_DEPTH', '16');
    expect(loadConfig(Object.fromEntries(wrong))).not.toEqual(loadConfig({}));
  });
});
