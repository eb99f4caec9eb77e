// `npm run demo` (and the other run-from-a-clone scripts, and the delivery-overview command) build only when a source file
// changed since the last build: a restart with nothing changed is ready in seconds instead
// of waiting ~30 s for tsc and esbuild. The inputs' content hash is kept in dist/.build-inputs;
// `--stamp` (the end of `npm run build`) records it.
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'dist', '.build-inputs');
const FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'web/build.mjs', 'web/tsconfig.json'];
const DIRS = ['src', 'web/src'];

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function inputsHash() {
  const hash = crypto.createHash('sha256');
  for (const rel of [...FILES, ...DIRS.flatMap(walk)].sort()) {
    hash.update(rel).update('\0');
    if (fs.existsSync(path.join(ROOT, rel))) hash.update(fs.readFileSync(path.join(ROOT, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const current = inputsHash();
if (process.argv.includes('--stamp')) {
  fs.writeFileSync(STAMP, current + '\n');
  process.exit(0);
}
const built = fs.existsSync(path.join(ROOT, 'dist', 'cli.js')) && fs.existsSync(path.join(ROOT, 'dist', 'web', 'index.html'));
const stamped = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8').trim() : '';
if (built && stamped === current) {
  // --quiet (the delivery-overview command): nothing to say when there is nothing to do.
  if (!process.argv.includes('--quiet')) process.stderr.write('build: dist/ is up to date (no source file changed since the last build)\n');
  process.exit(0);
}
process.stderr.write('build: compiling the gateway and bundling the page (10–60 s on 2 cores; skipped next time when nothing changed)\n');
const started = Date.now();
// The compiler says nothing until it is done: a line every 10 s says the build is still running.
const heartbeat = setInterval(() => process.stderr.write(`build: still compiling, ${Math.round((Date.now() - started) / 1000)} s\n`), 10_000);
// The build's output goes to stderr: the stdout of the command that asked for it is its own.
const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
const status = await new Promise((resolve) => {
  child.on('error', () => resolve(1));
  child.on('close', (code) => resolve(code ?? 1));
});
clearInterval(heartbeat);
if (status !== 0) process.exit(status);
process.stderr.write(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
