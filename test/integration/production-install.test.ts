import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A production install without the optional embedded engine (deploy issue, item 1): with
 * neither chdb nor CLICKHOUSE_URL the gateway says so in one line and exits 2.
 */
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const WITHOUT_CHDB = path.resolve(__dirname, '../fixtures/without-chdb.js');

describe('without the optional chdb package', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-nochdb-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  for (const command of ['serve', 'migrate']) {
    it(`${command} exits 2 with one clear line when CLICKHOUSE_URL is not set either`, () => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' };
      delete env.CLICKHOUSE_URL;
      const run = spawnSync(process.execPath, ['-r', WITHOUT_CHDB, CLI, command], { env, encoding: 'utf8', timeout: 30_000 });
      expect(run.status).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^error: No ClickHouse: CLICKHOUSE_URL is not set and the embedded engine \(the optional chdb package\) is not installed$/);
      expect(lines.slice(1)).toEqual([expect.stringMatching(/^hint: Set CLICKHOUSE_URL/)]);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack
    });
  }
});
