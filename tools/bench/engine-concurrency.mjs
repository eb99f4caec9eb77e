// Engine concurrency probe (ADR 0009): the same queries back to back and 8 at a time, with and
// without bound parameters, tiny and heavy (20M rows grouped), on one embedded session.
// Usage: node tools/bench/engine-concurrency.mjs   (about a minute on 2 cores; a temp dir, removed after)
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const { Session } = createRequire(import.meta.url)('chdb');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-concurrency-'));
const s = new Session(dir);
async function main() {
  await s.query(`CREATE TABLE t (k UInt32, v UInt64) ENGINE = MergeTree ORDER BY k`);
  await s.query(`INSERT INTO t SELECT number % 1000, number FROM numbers(20000000)`);
  const kinds = {
    'tiny unbound': (i) => s.queryAsync(`SELECT ${i} + 1`, { format: 'JSON' }),
    'tiny bound': (i) => s.queryBindAsync(`SELECT {i:UInt32} + 1`, { i }, { format: 'JSON' }),
    'heavy unbound': (i) => s.queryAsync(`SELECT k, sum(v) FROM t WHERE k % 7 != ${i % 7} GROUP BY k ORDER BY k LIMIT 5`, { format: 'JSON' }),
    'heavy bound': (i) => s.queryBindAsync(`SELECT k, sum(v) FROM t WHERE k % 7 != {i:UInt32} GROUP BY k ORDER BY k LIMIT 5`, { i: i % 7 }, { format: 'JSON' }),
  };
  for (const [name, q] of Object.entries(kinds)) {
    const n = name.startsWith('tiny') ? 400 : 24;
    for (let i = 0; i < 4; i++) await q(i); // warm
    let t0 = performance.now();
    for (let i = 0; i < n; i++) await q(i);
    const serial = performance.now() - t0;
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) await q(next++);
      }),
    );
    const conc = performance.now() - t0;
    console.log(`${name}: ${n} queries, back to back ${serial.toFixed(0)} ms, 8 at a time ${conc.toFixed(0)} ms (${(conc / serial).toFixed(2)}×)`);
  }
  s.cleanup?.();
}
main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
