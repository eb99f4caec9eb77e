#!/usr/bin/env node
/**
 * Keeps package-lock.json the same under every npm the supported Node versions ship with.
 *
 * 1. chdb lists its engine as one optional package per platform. The registry this project
 *    installs from serves only the linux-x64 one; npm cannot record the others, and then
 *    `npm ci` refuses the lock ("Missing: @chdb/lib-darwin-arm64 from lock file"). This adds
 *    lock entries for them, marked optional and platform-bound, so npm skips them by os/cpu
 *    without fetching.
 * 2. npm 11 records a `libc` list on platform packages; npm 10 (the one Node 20 ships) does
 *    not know the field and drops it, so `npm install` on a fresh clone rewrote the lock.
 *    Without it both keep the file as it is (npm 11 does not add it back to an entry it keeps).
 *
 * Run after any `npm install` that rewrites package-lock.json:
 *   node scripts/lock-platform-packages.js
 */
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const chdb = lock.packages['node_modules/chdb'];
if (!chdb) throw new Error('chdb is not in package-lock.json');
const PLATFORMS = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'] },
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'] },
};
let added = 0;
for (const [name, version] of Object.entries(chdb.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const platform = PLATFORMS[name.replace('@chdb/lib-', '')];
  if (!platform) throw new Error(`unknown chdb platform package ${name}`);
  lock.packages[key] = { version, license: 'Apache-2.0', optional: true, ...platform };
  added++;
}
let stripped = 0;
for (const entry of Object.values(lock.packages)) {
  if (entry.libc) {
    delete entry.libc;
    stripped++;
  }
}
// Keep npm's key order (sorted) so the file diffs cleanly.
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platform-packages: added ${added} entr${added === 1 ? 'y' : 'ies'}, dropped libc from ${stripped}`);
