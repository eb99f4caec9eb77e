/**
 * How long the engine had work: the union of the intervals of the calls the gateway's Db
 * made (its `query` events, inserts included). Each interval runs from the call to its
 * answer, so it includes waiting: the embedded engine runs one call at a time, so while
 * any call is out the engine is busy with one of them.
 */
import type { Db } from '../../src/clickhouse/client';

type Span = [start: number, end: number];

/** Milliseconds covered by at least one span. */
export function unionMs(spans: Span[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    total += Math.max(0, end - Math.max(start, reach));
    reach = Math.max(reach, end);
  }
  return total;
}

/** Records the Db's calls from now until `stop()`, which returns the time any was out, and the time an ingest call was. */
export function watchEngine(db: Db): { stop(): { busyMs: number; ingestBusyMs: number } } {
  const all: Span[] = [];
  const ingest: Span[] = [];
  const listener = (e: { family: string; durationMs: number }) => {
    const end = performance.now();
    const span: Span = [end - e.durationMs, end];
    all.push(span);
    if (e.family.startsWith('ingest')) ingest.push(span);
  };
  db.events.on('query', listener);
  return {
    stop() {
      db.events.off('query', listener);
      return { busyMs: unionMs(all), ingestBusyMs: unionMs(ingest) };
    },
  };
}
