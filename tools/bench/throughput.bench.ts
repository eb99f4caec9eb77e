/**
 * 6. Throughput at saturation: N concurrent clients (in the client process) sending the
 * dashboard's pipeline request over HTTP for a bounded time, against N concurrent
 * loops in the gateway process issuing the same SQL straight on gateway.db. Each side
 * runs in two halves, alternating, so drift on a shared machine hits both.
 */
import { resolveTimeRange, TimeRangePreset } from '../../src/domain/time-range';
import type { BenchContext } from './context';
import { directAnswer, gqlBody } from './direct';
import { ratio, round, summarize, type Summary } from './stats';
import { CatalogCache } from '../../src/metrics/catalog.cache';

export interface ThroughputResult {
  concurrency: number;
  seconds: number;
  preset: string;
  graphql: { requests: number; perSecond: number; ms: Summary; errors: number };
  direct: { requests: number; perSecond: number; ms: Summary };
  /** graphql / direct requests per second. */
  ratio: number;
}

export async function throughputBench(
  ctx: BenchContext,
  opts: { concurrency: number; durationMs: number; preset?: TimeRangePreset },
): Promise<ThroughputResult> {
  const { gateway, client } = ctx;
  const preset = opts.preset ?? TimeRangePreset.LAST_24_HOURS;
  // The dashboard's pipeline view, rotating over the destinations with a retry queue.
  const ids = ctx.destinations.filter((d) => d.kind !== 'storage').map((d) => d.id);
  const bodies = ids.map((id) => gqlBody('pipeline', id, preset));
  const half = opts.durationMs / 2;
  let gRequests = 0;
  let gSeconds = 0;
  let gErrors = 0;
  const gMs: number[] = [];
  let dRequests = 0;
  let dSeconds = 0;
  const dMs: number[] = [];
  for (let round_ = 0; round_ < 2; round_++) {
    ctx.progress(`throughput: GraphQL, ${opts.concurrency} clients, ${half / 1000} s`);
    const g = await client.load({ url: gateway.graphqlUrl, token: ctx.readToken, bodies, concurrency: opts.concurrency, durationMs: half });
    gRequests += g.completed;
    gSeconds += g.seconds;
    gErrors += g.errors;
    gMs.push(...g.ms);
    if (g.errors > 0 && g.completed === 0) throw new Error(`throughput: every GraphQL request failed: ${g.firstError}`);

    ctx.progress(`throughput: direct SQL, ${opts.concurrency} loops, ${half / 1000} s`);
    let next = 0;
    // Catalog snapshots kept as the gateway keeps them: both sides run the same statements.
    const catalogCache = new CatalogCache();
    const started = performance.now();
    const deadline = started + half;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < deadline) {
          const id = ids[next++ % ids.length];
          const t = performance.now();
          await directAnswer(gateway.db, ctx.workspaceId, 'pipeline', id, resolveTimeRange({ preset }, Date.now()), undefined, catalogCache);
          dMs.push(performance.now() - t);
          dRequests++;
        }
      }),
    );
    dSeconds += (performance.now() - started) / 1000;
  }
  const gRps = gRequests / gSeconds;
  const dRps = dRequests / dSeconds;
  return {
    concurrency: opts.concurrency,
    seconds: round(opts.durationMs / 1000, 1),
    preset,
    graphql: { requests: gRequests, perSecond: round(gRps, 1), ms: summarize(gMs), errors: gErrors },
    direct: { requests: dRequests, perSecond: round(dRps, 1), ms: summarize(dMs) },
    ratio: ratio(gRps, dRps),
  };
}
