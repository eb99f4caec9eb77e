import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The real CLI (`dist/cli.js`, built by `npm test` before jest runs) as a first-hour user
 * meets it: what it says when the port is taken or HOST is wrong, how it refuses bad
 * arguments, and the small things (`--version`, `help <command>`, `schema --check`).
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const baseEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', CLICKHOUSE_URL: '' };
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 30_000 });

/** A port some other process holds (this test's own listener). */
async function takenPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a port that is already in use', () => {
  it.each(['demo', 'serve'])('%s exits 2 with one line and a hint, before any backfill', async (command) => {
    const { port, release } = await takenPort();
    try {
      const started = Date.now();
      const run = cli(command === 'demo' ? ['demo', '--days', '1'] : ['serve'], { PORT: String(port) });
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`PORT ${port} is in use`);
      expect(lines[0]).toMatch(/set PORT=/);
      expect(run.stderr).not.toMatch(/EADDRINUSE|at .*\.js:\d+/);
      // Nothing was backfilled: the engine was never opened.
      expect(fs.existsSync(path.join(dataDir, 'clickhouse'))).toBe(false);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await release();
    }
  });

  it('HOST with a port (or a URL) is a configuration error that names it', () => {
    for (const host of ['localhost:4600', 'http://localhost']) {
      const run = cli(['serve'], { HOST: host, PORT: '0' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`HOST=${JSON.stringify(host)}`);
      expect(run.stderr).toMatch(/without a port or scheme; put the port in PORT/);
    }
  });
});

describe('CLI details', () => {
  it('a configuration error points to docs/configuration.md, which exists', () => {
    const run = cli(['serve'], { PORT: 'not-a-port' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('PORT');
    const named = /Hint: .*?(docs\/[\w-]+\.md)/.exec(run.stderr);
    expect(named?.[1]).toBe('docs/configuration.md');
    expect(fs.existsSync(path.join(ROOT, named![1]))).toBe(true);
  });

  it('prints its version', () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-v']) {
      const run = cli([flag]);
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: `delivery-overview ${version}\n` });
    }
  });

  it("help <command> shows that command's help; an unknown one is bad usage", () => {
    const run = cli(['help', 'schema']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(cli(['schema', '--help']).stdout);
    const unknown = cli(['help', 'nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "nope"');
  });

  it('schema --help describes the command; schema --check says so when the file is current', () => {
    const help = cli(['schema', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.split('\n').length).toBeGreaterThan(3);
    expect(help.stdout).toMatch(/--check\s+\S/);
    const check = cli(['schema', '--check']);
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/schema\.graphql is up to date/);
  });

  it('token create with an unknown scope exits 2 and lists the valid scopes, without asking a gateway', () => {
    const run = cli(['token', 'create', '--workspace', 'w1', '--scopes', 'read,write', '--root-token', 'x'.repeat(30), '--url', 'http://127.0.0.1:1']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('"write"');
    expect(run.stderr).toMatch(/read, ingest, admin/);
    expect(run.stderr).not.toMatch(/Cannot reach/);
  });

  it('serve tells how to get a read token', async () => {
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...baseEnv, PORT: '0', DATA_DIR: path.join(dataDir, 'serve') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!/token create --workspace \S+ --scopes read/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/Read token: .*delivery-overview token create --workspace \S+ --scopes read/);
  });
});

describe('npx delivery-overview, the form the docs use', () => {
  // npm's cache of its own, as on a machine that never ran npx here (npx keeps a link to the
  // package and its bin per folder), and no update check: npm is asked for the local bin only.
  const npmCache = fs.mkdtempSync(path.join(os.tmpdir(), 'do-npm-cache-'));
  afterAll(() => fs.rmSync(npmCache, { recursive: true, force: true }));
  const npx = (cwd: string, args: string[]) =>
    spawnSync('npx', ['delivery-overview', ...args], {
      cwd,
      env: { ...baseEnv, npm_config_cache: npmCache, npm_config_update_notifier: 'false' },
      encoding: 'utf8',
      timeout: 240_000,
    });

  it("runs the CLI of this checkout: its stdout is the command's own, and its exit code passes through", () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const run = npx(ROOT, ['--version']);
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: `delivery-overview ${version}\n` });
    const bad = npx(ROOT, ['token', 'create', '--workspace', 'w1', '--scopes', 'write', '--root-token', 'x'.repeat(30), '--url', 'http://127.0.0.1:1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/read, ingest, admin/);
  });

  it('works in a fresh clone before any build: it builds dist/ first, on stderr', () => {
    // The committed and new files of this checkout, as a clone has them, with its installed node_modules.
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'do-clone-'));
    try {
      const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
      for (const file of files) {
        if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted, not yet committed
        fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
      }
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
      expect(fs.existsSync(path.join(clone, 'dist'))).toBe(false);
      const run = npx(clone, ['help', 'token']);
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('build: done in') });
      expect(run.stdout).toMatch(/^delivery-overview token create /);
      expect(run.stdout).not.toMatch(/^build:|^web:/m);
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('npm run demo builds only what changed', () => {
  it('skips the build when no source file changed since the last one', () => {
    // `npm test` ran `npm run build`, which stamped dist/ with its inputs' hash.
    const started = Date.now();
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-if-changed.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('build: dist/ is up to date');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
