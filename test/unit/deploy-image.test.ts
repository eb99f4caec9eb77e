import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate as lintDockerfile } from 'dockerfile-utils';

/**
 * The Dockerfile cannot be built here (no container engine), so it is parsed and linted by
 * dockerfile-utils (the Dockerfile language service of VS Code's Docker tooling: unknown
 * instructions and flags, malformed arguments) and its runtime stage is checked for what
 * docs/deploy.md promises. The .dockerignore is checked against the files the gateway reads at
 * run time, since the image copies the whole filtered context.
 */
const ROOT = path.resolve(__dirname, '../..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

interface Stage {
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** Instructions grouped by stage, ARG defaults substituted into FROM. */
function stages(text: string): Stage[] {
  const args = new Map<string, string>();
  const out: Stage[] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    const keyword = i.getKeyword();
    const content = (i.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim();
    if (keyword === 'ARG' && out.length === 0) {
      const [name, value = ''] = content.split('=');
      args.set(name, value);
    } else if (keyword === 'FROM') {
      out.push({ from: content.replace(/\$\{(\w+)\}/g, (_m, n: string) => args.get(n) ?? ''), instructions: [] });
    } else if (out.length > 0) out[out.length - 1].instructions.push({ keyword, args: content });
  }
  return out;
}

/** What docs/deploy.md says of the image; every problem found, empty when none. */
function imageProblems(text: string): string[] {
  const problems = lintDockerfile(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const all = stages(text);
  if (all.length < 2) return [...problems, 'not multi-stage'];
  const runtime = all[all.length - 1];
  const find = (k: string) => runtime.instructions.filter((i) => i.keyword === k).map((i) => i.args);
  for (const s of all)
    if (!/^node:\d+\.\d+\.\d+-bookworm-slim( AS \w+)?$/.test(s.from)) problems.push(`FROM ${s.from} is not an exact node:<x.y.z>-bookworm-slim tag`);
  const build = all[0].instructions
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.args)
    .join('\n');
  for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev']) if (!build.includes(step)) problems.push(`build stage does not run ${step}`);
  if (runtime.instructions.some((i) => i.keyword === 'RUN' && /npm (ci|install)/.test(i.args))) problems.push('runtime stage installs packages');
  const [user] = find('USER').slice(-1);
  if (!user || !/^[1-9]\d*(:\d+)?$/.test(user)) problems.push(`runtime USER ${user ?? '(none)'} is not a numeric non-root uid`);
  const env = find('ENV').join(' ');
  for (const v of ['DATA_DIR=/data', 'HOST=0.0.0.0']) if (!env.includes(v)) problems.push(`ENV lacks ${v}`);
  if (!find('VOLUME').includes('/data')) problems.push('no VOLUME /data');
  if (!find('HEALTHCHECK').some((h) => h.includes('/readyz') && h.includes('"node"'))) problems.push('HEALTHCHECK does not ask /readyz with node');
  if (find('ENTRYPOINT').join() !== '["node", "dist/cli.js"]')
    problems.push(`ENTRYPOINT ${find('ENTRYPOINT').join()} is not the exec form of node dist/cli.js`);
  if (find('CMD').join() !== '["serve"]') problems.push('CMD is not ["serve"]');
  return problems;
}

describe('Dockerfile', () => {
  it('lints clean and builds the image docs/deploy.md describes', () => {
    expect(imageProblems(dockerfile)).toEqual([]);
  });

  it('catches a broken Dockerfile', () => {
    const broken = dockerfile
      .replace('ARG NODE_IMAGE=node:20.20.2-bookworm-slim', 'ARG NODE_IMAGE=node:latest')
      .replace('USER 1000:1000', 'USER root')
      .replace('HEALTHCHECK --interval=15s', 'HEALTHCHECK --intervall=15s')
      .replace('ENTRYPOINT ["node", "dist/cli.js"]', 'ENTRYPOINT node dist/cli.js');
    expect(imageProblems(broken)).toEqual([
      expect.stringMatching(/Unknown flag: intervall/),
      'FROM node:latest AS build is not an exact node:<x.y.z>-bookworm-slim tag',
      'FROM node:latest AS runtime is not an exact node:<x.y.z>-bookworm-slim tag',
      'runtime USER root is not a numeric non-root uid',
      'ENTRYPOINT node dist/cli.js is not the exec form of node dist/cli.js',
    ]);
  });
});

describe('.dockerignore', () => {
  const patterns = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // Plain names and `**/` prefixes are all the file uses; a name excludes itself and what is below it.
  const ignored = (p: string) =>
    patterns.some((pat) => {
      const name = pat.replace(/^\*\*\//, '');
      return name.includes('*') ? new RegExp(`(^|/)${name.replaceAll('.', '\\.').replaceAll('*', '[^/]*')}$`).test(p) : p === name || p.startsWith(`${name}/`);
    });

  it('keeps what the gateway reads at run time and what the build needs', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src/cli.ts',
      'migrations/0001_create_delivery_events.sql',
      'docs/discard-reasons.md',
      'src/ide/public/ide.js',
    ];
    expect(needed.filter(ignored)).toEqual([]);
  });

  it('leaves out local state, secrets and what would be rebuilt', () => {
    const excluded = [
      'node_modules/x',
      'dist/cli.js',
      'data/root-token',
      'data/secrets.key',
      '.git/HEAD',
      'test/unit/x.test.ts',
      'deploy/compose/.env',
      'deploy/compose/single.yaml',
    ];
    expect(excluded.filter((p) => !ignored(p))).toEqual([]);
  });
});
