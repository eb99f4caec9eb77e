import fs from 'node:fs';
import path from 'node:path';

/**
 * The package root: the nearest folder above this module that holds package.json. Resource
 * folders (migrations/, docs/, src/ide/public) are found from it, so they resolve alike from
 * src/ (tests), dist/ (the binary) and a tool build's own copy of the sources (dist-tools/src/).
 */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}
