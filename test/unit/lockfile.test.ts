import fs from 'node:fs';
import path from 'node:path';

describe('package-lock.json', () => {
  it('lists every chdb platform package, or `npm ci` refuses it (run scripts/lock-platform-packages.js)', () => {
    const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, { optionalDependencies?: Record<string, string>; optional?: boolean }> };
    const wanted = Object.keys(lock.packages['node_modules/chdb'].optionalDependencies ?? {});
    expect(wanted.length).toBeGreaterThan(0);
    for (const name of wanted) expect(lock.packages[`node_modules/${name}`]).toMatchObject({ optional: true });
  });

  it('carries no libc lists: npm 10 (shipped with Node 20) drops them, so a fresh clone would be dirty after npm install', () => {
    const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, { libc?: string[] }> };
    expect(Object.entries(lock.packages).filter(([, entry]) => entry.libc !== undefined).map(([key]) => key)).toEqual([]);
  });
});
