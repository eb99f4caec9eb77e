/**
 * 2. Gateway overhead: the dashboard's three questions through GraphQL over HTTP (timed
 * by the client process) against the same SQL issued straight on gateway.db by the
 * metrics functions, in the same order (tools/bench/direct.ts). Blocks of requests
 * alternate between the two sides; answers and query counts must match.
 */
import { resolveTimeRange, TimeRangePreset } from '../../src/domain/time-range';
import { countQueries, sameAnswer, type BenchContext } from './context';
import { CatalogCache } from '../../src/metrics/catalog.cache';
import { answerOf, directAnswer, gqlBody, type Question } from './direct';
import { ratio, summarize, type Summary } from './stats';

export interface OverheadCase {
  question: Question;
  preset: string;
  graphql: Summary;
  direct: Summary;
  /** graphql / direct. */
  ratioP50: number;
  ratioP99: number;
  equal: boolean;
  queriesGraphql: string[];
  queriesDirect: string[];
  errors: number;
}

export async function overheadBench(
  ctx: BenchContext,
  opts: { samples: Partial<Record<TimeRangePreset, number>>; block: number },
): Promise<{ destinationId: string; cases: OverheadCase[] }> {
  const { gateway, client } = ctx;
  const destination = ctx.destinations.find((d) => d.kind === 'classic')!;
  const cases: OverheadCase[] = [];
  // The direct side keeps catalog snapshots as the gateway does, so both run the same statements.
  const catalogCache = new CatalogCache();
  for (const [preset, samples] of Object.entries(opts.samples) as [TimeRangePreset, number][]) {
    for (const question of ['pipeline', 'breakdown', 'discards'] as Question[]) {
      ctx.progress(`overhead: ${question} ${preset}`);
      const body = gqlBody(question, destination.id, preset);
      const direct = () =>
        directAnswer(gateway.db, ctx.workspaceId, question, destination.id, resolveTimeRange({ preset }, Date.now()), undefined, catalogCache);
      // Both catalogs warm first: the counted calls then issue the statements of a warm request.
      await client.gql({ url: gateway.graphqlUrl, token: ctx.readToken, bodies: [body] });
      await direct();
      // Equality and query count (once more if a minute boundary fell between the two).
      let equal = false;
      let g = await countQueries(ctx, () => client.gql({ url: gateway.graphqlUrl, token: ctx.readToken, bodies: [body] }));
      let d = await countQueries(ctx, direct);
      for (let attempt = 0; attempt < 2 && !equal; attempt++) {
        if (attempt > 0) {
          g = await countQueries(ctx, () => client.gql({ url: gateway.graphqlUrl, token: ctx.readToken, bodies: [body] }));
          d = await countQueries(ctx, direct);
        }
        if (g.result.errors > 0) throw new Error(`GraphQL ${question} failed: ${g.result.firstError}`);
        equal = sameAnswer(answerOf(question, g.result.firstData), answerOf(question, JSON.parse(JSON.stringify(d.result))));
      }
      const gqlMs: number[] = [];
      const directMs: number[] = [];
      let errors = 0;
      for (let done = 0; done < samples; done += opts.block) {
        const n = Math.min(opts.block, samples - done);
        const r = await client.gql({ url: gateway.graphqlUrl, token: ctx.readToken, bodies: Array(n).fill(body) });
        gqlMs.push(...r.ms);
        errors += r.errors;
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          await direct();
          directMs.push(performance.now() - t);
        }
      }
      const gs = summarize(gqlMs);
      const ds = summarize(directMs);
      cases.push({
        question,
        preset,
        graphql: gs,
        direct: ds,
        ratioP50: ratio(gs.p50, ds.p50),
        ratioP99: ratio(gs.p99, ds.p99),
        equal,
        queriesGraphql: g.families,
        queriesDirect: d.families,
        errors,
      });
    }
  }
  return { destinationId: destination.id, cases };
}
