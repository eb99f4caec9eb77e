import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm run demo`'s first start as a person watches it (issue 29, item 1): the real CLI on a
 * fresh data directory, its output read line by line as it comes, without a terminal. Every
 * phase (engine, migrate, backfill, gateway) says what it does the moment it starts, and the
 * terminal is never silent for longer than the heartbeat until the gateway is ready.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-demo-progress-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** The heartbeat is 10 s; the rest is slack for a busy 2-core machine. */
const LONGEST_SILENCE_MS = 14_000;
const PHASES = [/^engine: opening /, /^migrate: applying /, /^backfill: writing /, /^gateway: starting /, /gateway ready in /];

it('prints each phase at its start and is never silent for long, from the first second to ready', async () => {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'demo', '--days', '1'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', CLICKHOUSE_URL: '', LOG_LEVEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: { ms: number; text: string }[] = [];
  const read = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      for (const text of parts) if (text.trim() !== '') lines.push({ ms: Date.now() - started, text });
    });
  };
  read(child.stdout!);
  read(child.stderr!);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 240_000;
  while (!lines.some((l) => /gateway ready in/.test(l.text)) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  expect(await exit).toBe(0);

  const shown = lines.map((l) => `${(l.ms / 1000).toFixed(1)} ${l.text}`).join('\n');
  // Every phase, in order.
  const at = PHASES.map((p) => lines.findIndex((l) => p.test(l.text)));
  expect({ at, shown }).toEqual({ at: [...at].sort((a, b) => a - b), shown });
  expect({ missing: PHASES.filter((_, i) => at[i] < 0).map(String), shown }).toEqual({ missing: [], shown });
  // Something within the first seconds (node loads the CLI, checks the port, then says it opens the engine).
  expect({ first: lines[0].ms < 3_000, shown }).toEqual({ first: true, shown });
  // Each phase's first line comes right after the line that ended the one before: no slow work in between.
  for (const i of at.slice(1, -1))
    expect({ line: lines[i].text, gap: lines[i].ms - lines[i - 1].ms < 1_000, shown }).toEqual({ line: lines[i].text, gap: true, shown });
  // Never silent for long until ready.
  const ready = at[at.length - 1];
  const silences = lines
    .slice(1, ready + 1)
    .map((l, i) => ({ after: lines[i].text, ms: l.ms - lines[i].ms }))
    .filter((s) => s.ms > LONGEST_SILENCE_MS);
  expect({ silences, shown }).toEqual({ silences: [], shown });
}, 300_000);
