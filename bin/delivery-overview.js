#!/usr/bin/env node
// The `delivery-overview` command (`npx delivery-overview …` in a clone, or the package's bin).
// In a clone it first builds dist/ when a source file changed since the last build, as
// `npm run demo` does (silent when nothing changed; the build's output goes to stderr, so the
// command's own stdout stays clean), then runs dist/cli.js. An installed build without the
// sources (the container image) runs dist/cli.js directly.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const check = path.join(root, 'scripts', 'build-if-changed.mjs');
if (fs.existsSync(check) && fs.existsSync(path.join(root, 'src'))) {
  const build = spawnSync(process.execPath, [check, '--quiet'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
require(path.join(root, 'dist', 'cli.js'));
