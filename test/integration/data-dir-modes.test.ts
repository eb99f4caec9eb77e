import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGateway } from '../../src/app/gateway';
import { createLogger } from '../../src/log';
import { startTestGateway, testConfig, type TestGateway } from '../helpers/gateway';

/**
 * Issue 23 item 8: DATA_DIR holds the engine's files (discard samples, token hashes), the root
 * token and the secrets key. The embedded engine creates its directories 0755 and its files 0644
 * (it follows the process umask), so the directory itself is what keeps other users out: it is
 * created 0700, or narrowed to 0700 when it exists; and the CLI's umask makes every file the
 * gateway creates owner-only besides. Checked on the real CLI (dist/cli.js) and in-process.
 */
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'do-modes-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

/** Every file and directory under `dir` that a user other than the owner may read, write or enter. */
function openToOthers(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isSymbolicLink()) continue; // a link's own mode means nothing; its target is walked where it lives
    if ((fs.lstatSync(full).mode & 0o077) !== 0) out.push(`${path.relative(base, full)} ${(fs.lstatSync(full).mode & 0o777).toString(8)}`);
    if (e.isDirectory()) out.push(...openToOthers(full));
  }
  return out;
}

describe('the real CLI', () => {
  it('serve makes an existing 0755 DATA_DIR 0700, and nothing it creates inside is open to other users', async () => {
    const dataDir = path.join(base, 'serve');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', CLICKHOUSE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/gateway listening/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    try {
      expect(out).toMatch(/gateway listening/);
      // What the engine and the gateway wrote: the engine's store, the root token, the secrets key.
      expect(fs.readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(['clickhouse', 'root-token', 'secrets.key']));
      expect(fs.readdirSync(path.join(dataDir, 'clickhouse')).length).toBeGreaterThan(2);
      expect(modeOf(dataDir).toString(8)).toBe('700');
      expect(openToOthers(dataDir)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }
  }, 90_000);
});

describe('in-process', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('data_dir_modes');
  });
  afterAll(async () => t?.close());

  // A second gateway on the test's engine (a process holds one engine directory), with its own DATA_DIR.
  const startWith = (dataDir: string) =>
    startGateway({
      config: testConfig('data_dir_modes_b', { CLICKHOUSE_DATABASE: t.gateway.db.database, DATA_DIR: dataDir }),
      db: t.gateway.db,
      log: createLogger('silent'),
    });

  it.each([
    ['creates a missing DATA_DIR (and its parents) 0700', path.join(base, 'fresh', 'data'), null],
    ['narrows an existing 0755 DATA_DIR to 0700', path.join(base, 'loose'), 0o755],
    ['narrows an existing 0777 DATA_DIR to 0700', path.join(base, 'open'), 0o777],
  ] as const)('%s', async (_, dataDir, existing) => {
    if (existing !== null) {
      fs.mkdirSync(dataDir);
      fs.chmodSync(dataDir, existing);
    }
    const g = await startWith(dataDir);
    try {
      expect(modeOf(dataDir).toString(8)).toBe('700');
    } finally {
      await g.close();
    }
  });
});
