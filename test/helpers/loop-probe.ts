/**
 * The event-loop budget: while `fn` runs, `GET /healthz` is asked every 20 ms (one at a
 * time) and each answer timed. A request that holds the event loop shows up as a probe
 * that waited; every tenant of the gateway would have waited as long.
 */
export const PROBE_EVERY_MS = 20;
/** No probe may wait longer than this (docs/security.md#the-event-loop-budget). */
export const PROBE_BUDGET_MS = 250;

export async function probeWhile<T>(baseUrl: string, fn: () => Promise<T>): Promise<{ result: T; worstMs: number; probes: number }> {
  let running = true;
  let worstMs = 0;
  let probes = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${baseUrl}/healthz`).then((r) => r.arrayBuffer());
      worstMs = Math.max(worstMs, performance.now() - started);
      probes++;
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  })();
  try {
    const result = await fn();
    return { result, worstMs, probes };
  } finally {
    running = false;
    await loop;
  }
}
