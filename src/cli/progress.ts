/**
 * Progress of a long command on stderr, so a person never waits in silence: every phase says
 * what it does the moment it starts, and keeps saying it is alive while it runs. On a terminal
 * one line is redrawn each second; otherwise (a pipe, a log, CI) a line is written when the
 * phase starts, every `heartbeatMs` while it runs, and when it ends.
 */
export interface ProgressOptions {
  /** Whether to redraw one line (a terminal); defaults to stderr being a TTY. */
  tty?: boolean;
  /** Without a terminal: the longest silence while a phase runs (default 10 s). */
  heartbeatMs?: number;
  write?: (text: string) => void;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function settings(o: ProgressOptions): Required<ProgressOptions> {
  return { tty: o.tty ?? process.stderr.isTTY === true, heartbeatMs: o.heartbeatMs ?? 10_000, write: o.write ?? ((text) => void process.stderr.write(text)) };
}

/**
 * Runs `fn` as a named phase: `label: doing …` at once, the elapsed time while it runs, and
 * `label: <summary>` (default: done in N s) when it ends. A failure ends the line and rethrows.
 */
export async function phase<T>(
  label: string,
  doing: string,
  fn: () => Promise<T>,
  summary?: (value: T, ms: number) => string,
  options: ProgressOptions = {},
): Promise<T> {
  const { tty, heartbeatMs, write } = settings(options);
  const started = Date.now();
  const line = () => `${label}: ${doing} … ${seconds(Date.now() - started)}`;
  write(tty ? `${label}: ${doing} …` : `${label}: ${doing} …\n`);
  const timer = setInterval(() => write(tty ? `\r\x1b[K${line()}` : `${line()}\n`), tty ? 1000 : heartbeatMs);
  timer.unref();
  try {
    const value = await fn();
    const ms = Date.now() - started;
    write(`${tty ? '\r\x1b[K' : ''}${label}: ${summary ? summary(value, ms) : `done in ${(ms / 1000).toFixed(1)} s`}\n`);
    return value;
  } catch (err) {
    if (tty) write('\n');
    throw err;
  } finally {
    clearInterval(timer);
  }
}

/**
 * A progress bar with rate for work measured in parts (the backfill): `start` says what begins
 * at once; on a terminal the bar is redrawn on each update and each second, otherwise a line
 * is written every 10 % and at least every `heartbeatMs`.
 */
export function progressReporter(
  label: string,
  options: ProgressOptions = {},
): { start: (doing: string) => void; update: (done: number, total: number, rows: number) => void; done: (summary: string) => void; stop: () => void } {
  const { tty, heartbeatMs, write } = settings(options);
  const started = Date.now();
  let last = { done: 0, total: 0, rows: 0 };
  let lastPct = -1;
  let lastLine = started;
  let timer: NodeJS.Timeout | null = null;
  const text = () => {
    const pct = last.total > 0 ? Math.min(100, Math.floor((last.done / last.total) * 100)) : 0;
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? Math.round(last.rows / elapsed) : 0;
    return {
      pct,
      tty: `${label} [${'#'.repeat(Math.floor(pct / 5)).padEnd(20, '.')}] ${pct}% ${last.rows} rows ${rate} rows/s ${seconds(elapsed * 1000)}`,
      plain: `${label}: ${pct}% ${last.rows} rows ${rate} rows/s ${seconds(elapsed * 1000)}`,
    };
  };
  const draw = (force: boolean) => {
    const t = text();
    if (tty) write(`\r\x1b[K${t.tty}`);
    else if (force || t.pct >= lastPct + 10 || Date.now() - lastLine >= heartbeatMs) {
      lastPct = t.pct;
      lastLine = Date.now();
      write(`${t.plain}\n`);
    }
  };
  return {
    start(doing) {
      write(`${label}: ${doing} …\n`);
      lastLine = Date.now();
      timer = setInterval(() => draw(false), tty ? 1000 : Math.min(1000, heartbeatMs));
      timer.unref();
    },
    update(done, total, rows) {
      last = { done, total, rows };
      draw(false);
    },
    done(summary) {
      if (timer) clearInterval(timer);
      write(`${tty ? '\r\x1b[K' : ''}${label}: ${summary}\n`);
    },
    /** Ends the redrawing without a summary (the work failed; the caller says why). */
    stop() {
      if (timer) clearInterval(timer);
      if (tty) write('\n');
    },
  };
}
