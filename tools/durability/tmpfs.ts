import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real full disk: a size-limited tmpfs (root only) that a filler file fills to the last
 * byte and frees again. Null when this process may not mount one (the caller skips, saying so).
 * Used by the durability harness's disk-full fault and by test/integration/full-disk.test.ts.
 */
export interface FullDisk {
  dir: string;
  /** Appends to the filler until the disk refuses even one byte; call again to take back what was freed since. */
  fill(): void;
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(sizeMb: number): FullDisk | null {
  if (process.getuid?.() !== 0) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-fulldisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    fs.rmdirSync(dir);
    return null;
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      const chunk = Buffer.alloc(1 << 20);
      try {
        for (let size = chunk.length; size >= 1;) {
          try {
            fs.writeSync(fd, chunk, 0, size);
          } catch {
            size >>= 1; // down to the last byte
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
