import { spawn } from 'node:child_process';
import path from 'node:path';
import type { DurabilityResult } from '../../tools/durability/harness';

/**
 * The durability harness, quick version: the built harness (`npm test` builds dist/ and
 * dist-tools/ before jest runs) starts the real CLI as its own child, SIGKILLs it 5 times
 * under ingest, restarts it, and checks that every acknowledged report is stored exactly
 * once and that raw and both aggregate tiers agree. `npm run durability` is the full
 * 100-kill run.
 */
const HARNESS = path.resolve(__dirname, '../../dist-tools/tools/durability/main.js');

function runHarness(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARNESS, ...args], { env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // The harness kills its gateway when it is terminated.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('durability under SIGKILL (quick)', () => {
  it('loses nothing acknowledged, stores nothing twice, and keeps raw and aggregates equal across 5 kills', async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await runHarness(['--kills', '5', '--max-seconds', '30', '--seed', '7', '--json'], 55_000);
    const line = stdout.trim().split('\n').pop() ?? '';
    let r: DurabilityResult;
    try {
      r = JSON.parse(line) as DurabilityResult;
    } catch {
      throw new Error(`harness printed no result (exit ${code}):\n${stdout}\n${stderr}`);
    }
    expect(r.findings).toEqual([]);
    expect(r.kills).toBe(5);
    expect(r.batchesAcknowledged).toBeGreaterThan(0);
    expect(r.batchesAcknowledged).toBe(r.batchesPosted);
    expect(r.retries).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(r.differences).toBe(0);
    expect(r.batchEventMismatches).toBe(0);
    expect(r.retryGaugeDifference).toBe(0);
    expect(r.syncsLost + r.syncDuplicates).toBe(0);
    expect(r.unexpectedResponses).toBe(0);
    expect(r.ok).toBe(true);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 60_000);
});
