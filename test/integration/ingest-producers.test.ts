import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The producer snippets of docs/ingest.md (curl, Node.js, Python, Go), run as printed against a
 * gateway with GATEWAY_URL and TOKEN set, as a reader would: each must exit 0, print an answer
 * that accepted its two records, and leave its two reports stored. Go runs only where a Go
 * toolchain is installed (none is in the project's dependencies); the test says when it skips.
 */
const DOC = path.resolve(__dirname, '../../docs/ingest.md');
const HAS_GO = spawnSync('go', ['version']).status === 0;

function snippet(lang: string): string {
  const text = fs.readFileSync(DOC, 'utf8');
  const producers = text.slice(text.indexOf('## Producers'));
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(producers);
  if (!m) throw new Error(`no \`\`\`${lang} block under ## Producers in docs/ingest.md`);
  return m[1];
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

let t: TestGateway;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestGateway('producers');
  env = { GATEWAY_URL: t.url, TOKEN: await t.token('ws_producers', ['ingest']) };
});
afterAll(async () => t?.close());

async function stored(prefix: string): Promise<string[]> {
  const rows = await t.sql<{ id: string }>(
    "SELECT message_id AS id FROM {{db}}.delivery_events WHERE workspace_id = 'ws_producers' AND startsWith(message_id, {p:String}) ORDER BY id",
    { p: prefix },
  );
  return rows.map((r) => r.id);
}

const PRODUCERS: [string, string, string, (dir: string) => [string, string[]]][] = [
  ['curl', 'sh', 'producer.sh', () => ['bash', ['-euo', 'pipefail', 'producer.sh']]],
  ['node', 'js', 'producer.mjs', () => [process.execPath, ['producer.mjs']]],
  ['python', 'python', 'producer.py', () => ['python3', ['producer.py']]],
  ['go', 'go', 'main.go', () => ['go', ['run', 'main.go']]],
];

describe.each(PRODUCERS)('the %s producer in docs/ingest.md', (name, lang, file, command) => {
  const skip = name === 'go' && !HAS_GO;
  (skip ? it.skip : it)(`runs as printed and stores its two reports${skip ? ' (skipped: no Go toolchain on this machine)' : ''}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `do-producer-${name}-`));
    const code = snippet(lang).replace(/http:\/\/127\.0\.0\.1:4000/g, t.url);
    fs.writeFileSync(path.join(dir, file), code);
    const [cmd, args] = command(dir);
    const extra: Record<string, string> =
      name === 'go' ? { GOCACHE: path.join(dir, '.cache'), GOPATH: path.join(dir, '.gopath'), HOME: dir, GO111MODULE: 'off' } : {};
    const result = await run(cmd, args, dir, { ...env, ...extra });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ accepted: 2, events: 4, syncs: 0, duplicate: false });
    expect(await stored(`${name}-example-`)).toEqual([`${name}-example-1`, `${name}-example-2`]);
  });
});
