/**
 * 4. Live fan-out: many graphql-ws subscribers (in the client process, over loopback)
 * on `retryPendingChanged` for a set of destinations. Measures the ClickHouse polls the
 * hub issues per interval (should equal the number of distinct keys, not subscribers),
 * ingest-to-push latency (a retry_enqueued report posted, until every subscriber of
 * that key sees the new count) and the gateway process's resident memory.
 */
import type { Gateway } from '../../src/app/gateway';
import type { BenchClient, WsTrialResult } from './client';
import { round, summarize, type Summary } from './stats';

export interface FanoutResult {
  connections: number;
  subscriptionsPerConnection: number;
  subscribers: number;
  keys: number;
  intervalMs: number;
  openSeconds: number;
  subscribeErrors: number;
  activeKeys: number;
  activeSubscriptions: number;
  /** ClickHouse 'retry_pending' queries per poll interval, over a quiet window. */
  pollsPerInterval: number;
  /** Duration of each of those polls (queued behind other reads included). */
  pollMs: Summary;
  trials: number;
  /** Ingest-to-push latency per subscriber, ms. */
  latency: Summary;
  missedPushes: number;
  ingestMsP50: number;
  rssBeforeMB: number;
  rssWithSubscribersMB: number;
  rssDeltaMB: number;
  heapUsedMB: number;
  clientRssMB: number;
}

const MB = 2 ** 20;

export async function fanoutBench(
  gateway: Gateway,
  client: BenchClient,
  opts: {
    workspaceId: string;
    connections: number;
    perConnection: number;
    keys: number;
    trials: number;
    windowIntervals: number;
    intervalMs: number;
    progress: (s: string) => void;
  },
): Promise<FanoutResult> {
  const { token } = await gateway.tokens.create(opts.workspaceId, ['read', 'ingest']);
  const keys = Array.from({ length: opts.keys }, (_, i) => `dst_live_${String(i).padStart(3, '0')}`);
  // Every key starts with one event waiting for a retry (and is discovered by the catalog).
  const now = Date.now();
  const seed = keys.map((destinationId) =>
    JSON.stringify({
      timestamp: new Date(now).toISOString(),
      sourceId: 'src_fanout',
      destinationId,
      destinationKind: 'classic',
      step: 'retry_enqueued',
      count: 1,
    }),
  );
  await gateway.ingest.ingest(opts.workspaceId, Buffer.from(seed.join('\n')), 'application/x-ndjson', null);

  const rssBefore = process.memoryUsage().rss;
  opts.progress(`fan-out: opening ${opts.connections} × ${opts.perConnection} subscriptions over ${opts.keys} keys`);
  const open = await client.wsOpen({ wsUrl: gateway.wsUrl, token, connections: opts.connections, perConnection: opts.perConnection, keys, timeoutMs: 120_000 });
  try {
    const activeKeys = gateway.hub.activeKeys;
    const activeSubscriptions = gateway.hub.activeSubscriptions;

    // Polls over a quiet window of whole intervals, after the burst of first polls has
    // drained (queries are counted when they complete, so the window starts in steady state).
    await new Promise((r) => setTimeout(r, 2 * opts.intervalMs));
    opts.progress('fan-out: counting polls');
    let polls = 0;
    const pollMs: number[] = [];
    const onQuery = (e: { family: string; durationMs: number }) => {
      if (e.family !== 'retry_pending') return;
      polls++;
      pollMs.push(e.durationMs);
    };
    let rssPeak = process.memoryUsage().rss;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
    gateway.db.events.on('query', onQuery);
    // The window is measured, not assumed: a busy event loop fires the timer late.
    const windowStart = performance.now();
    await new Promise((r) => setTimeout(r, opts.windowIntervals * opts.intervalMs));
    gateway.db.events.off('query', onQuery);
    const intervals = (performance.now() - windowStart) / opts.intervalMs;

    opts.progress(`fan-out: ${opts.trials} ingest-to-push trials`);
    const trials: WsTrialResult[] = [];
    for (let t = 0; t < opts.trials; t++) {
      trials.push(await client.wsTrial({ url: gateway.url, ingestToken: token, key: keys[(t * 7) % keys.length], timeoutMs: 10_000 }));
    }
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const heapUsed = process.memoryUsage().heapUsed;
    return {
      connections: opts.connections,
      subscriptionsPerConnection: opts.perConnection,
      subscribers: open.subscriptions,
      keys: opts.keys,
      intervalMs: opts.intervalMs,
      openSeconds: round(open.ms / 1000, 1),
      subscribeErrors: open.errors,
      activeKeys,
      activeSubscriptions,
      pollsPerInterval: round(polls / intervals, 1),
      pollMs: summarize(pollMs),
      trials: trials.length,
      latency: summarize(trials.flatMap((t) => t.latencies)),
      missedPushes: trials.reduce((a, t) => a + t.missing, 0),
      ingestMsP50: summarize(trials.map((t) => t.ingestMs)).p50,
      rssBeforeMB: Math.round(rssBefore / MB),
      rssWithSubscribersMB: Math.round(rssPeak / MB),
      rssDeltaMB: Math.round((rssPeak - rssBefore) / MB),
      heapUsedMB: Math.round(heapUsed / MB),
      clientRssMB: open.clientRssMB,
    };
  } finally {
    await client.wsClose();
    // Let the gateway release every subscription before the next section.
    const deadline = Date.now() + 10_000;
    while (gateway.hub.activeSubscriptions > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
}
