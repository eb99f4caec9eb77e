import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The root token through the real CLI (security review, items 9 and 12): generated on
 * first start into DATA_DIR/root-token (0600) and never printed; setting ROOT_TOKEN later
 * retires the generated one and removes its file.
 */
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const ROOT = 'root-token-from-the-environment-0123456789';

async function serve(dataDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const end = Date.now() + 30_000;
  while (!/"graphql":"(http:\/\/[^"]+)\/graphql"/.test(out)) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`gateway did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: /"graphql":"(http:\/\/[^"]+)\/graphql"/.exec(out)![1], output: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function createToken(url: string, root: string): Promise<number> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${root}` },
    body: JSON.stringify({ query: 'mutation { createApiToken(workspaceId: "ws_rt", scopes: [READ]) }' }),
  });
  return res.status;
}

describe('the root token', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-root-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is written to DATA_DIR/root-token (0600), never printed, and retired once ROOT_TOKEN is set', async () => {
    const first = await serve(dataDir, {});
    const file = path.join(dataDir, 'root-token');
    const generated = fs.readFileSync(file, 'utf8').trim();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.output()).not.toContain(generated);
    expect(first.output()).toContain(file);
    expect(await createToken(first.url, generated)).toBe(200);
    await stop(first.child);

    const second = await serve(dataDir, { ROOT_TOKEN: ROOT });
    expect(fs.existsSync(file)).toBe(false);
    expect(await createToken(second.url, generated)).toBe(401);
    expect(await createToken(second.url, ROOT)).toBe(200);
    await stop(second.child);
  });
});
