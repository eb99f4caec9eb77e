/** A one-line progress bar with rate on stderr (plain lines when stderr is not a terminal). */
export function progressReporter(label: string): { update: (done: number, total: number, rows: number) => void; done: (summary: string) => void } {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let lastPrinted = -1;
  return {
    update(done, total, rows) {
      const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
      const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
      if (tty) process.stderr.write(`\r${label} [${bar}] ${pct}% ${rows} rows ${rate} rows/s`);
      else if (pct >= lastPrinted + 25) {
        lastPrinted = pct;
        process.stderr.write(`${label}: ${pct}% ${rows} rows ${rate} rows/s\n`);
      }
    },
    done(summary) {
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}${label}: ${summary}\n`);
    },
  };
}
