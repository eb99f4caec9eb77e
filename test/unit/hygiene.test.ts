import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/**
 * What a fresh clone promises: the Node versions it states are the ones every installed
 * package accepts (npm prints no EBADENGINE on them), the README, CI and the image say the
 * same, and nothing generated at run time is committed.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
const SUPPORTED = pkg.engines.node;
/** The oldest release of each supported line, and a newer one: npm warns when a package refuses any of them. */
const PROBES = ['20.19.0', '22.12.0', '24.0.0'];

describe('supported Node versions', () => {
  it('are stated once in engines and hold for this machine', () => {
    expect(semver.validRange(SUPPORTED)).not.toBeNull();
    for (const v of PROBES) expect({ v, ok: semver.satisfies(v, SUPPORTED) }).toEqual({ v, ok: true });
    expect(semver.satisfies(process.version, SUPPORTED)).toBe(true);
  });

  it('are accepted by every package in the lock (no EBADENGINE on install)', () => {
    const refusing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!key || !range) continue;
      for (const v of PROBES)
        if (!semver.satisfies(v, range)) refusing.push(`${key.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}, not ${v}`);
    }
    expect(refusing).toEqual([]);
  });

  it('are what the README, CI and the container image say', () => {
    expect(read('README.md')).toContain('Node 20.19 or later, or 22.12 or later');
    expect(read('.ci/run')).toMatch(/npm ci .*--engine-strict/);
    const image = /ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)/.exec(read('Dockerfile'));
    expect(image).not.toBeNull();
    expect(semver.satisfies(image![1], SUPPORTED)).toBe(true);
  });
});

describe('the committed tree', () => {
  it('holds no engine data directory (a test or tool run must not leave one to be committed)', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    expect(tracked.filter((f) => /(^|\/)clickhouse\/(store|metadata)\//.test(f))).toEqual([]);
  });
});
