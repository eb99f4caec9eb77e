import fs from 'node:fs';
import path from 'node:path';

describe('package-lock.json', () => {
  it('lists every chdb platform package, or `npm ci` refuses it (run scripts/lock-platform-packages.js)', () => {
    const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string>; optional?: boolean }>;
    };
    const wanted = Object.keys(lock.packages['node_modules/chdb'].optionalDependencies ?? {});
    expect(wanted.length).toBeGreaterThan(0);
    for (const name of wanted) expect(lock.packages[`node_modules/${name}`]).toMatchObject({ optional: true });
  });

  it('carries no libc lists: npm 10 (shipped with Node 20) drops them, so a fresh clone would be dirty after npm install', () => {
    const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as { packages: Record<string, { libc?: string[] }> };
    expect(
      Object.entries(lock.packages)
        .filter(([, entry]) => entry.libc !== undefined)
        .map(([key]) => key),
    ).toEqual([]);
  });

  it('names every package with an install script in allowScripts, denied: npm 11 then skips them without a warning, and the tests run without them', () => {
    const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const withScripts = [
      ...new Set(
        Object.entries(lock.packages)
          .filter(([key, entry]) => key !== '' && entry.hasInstallScript)
          .map(([key]) => key.replace(/^.*node_modules\//, '')),
      ),
    ].sort();
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.fromEntries(withScripts.map((name) => [name, pkg.allowScripts?.[name]]))).toEqual(
      Object.fromEntries(withScripts.map((name) => [name, false])),
    );
    // No stale entries either (`npm install-scripts prune` would drop them).
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts);
  });

  it('states the root package as package.json does (bin, engines, dependencies), or `npm install` on a fresh clone rewrites it', () => {
    const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as {
      packages: Record<string, Record<string, unknown>>;
    };
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as Record<string, unknown>;
    const fields = ['name', 'version', 'bin', 'engines', 'dependencies', 'devDependencies', 'optionalDependencies'];
    const pick = (o: Record<string, unknown>) => Object.fromEntries(fields.map((f) => [f, o[f]]));
    expect(pick(lock.packages[''])).toEqual(pick(pkg));
  });
});
