import { Arg, Ctx, Query, Resolver, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { Cost } from '../common/cost';
import { TimeRangeInput } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { resolveRange } from '../common/args';
import { ResolvedTimeRange } from './timerange.type';

/** How a range input resolves right now: no ClickHouse read, so list answers can say where they end. */
@Resolver()
export class TimeRangeResolver {
  @Cost({ query: false })
  @Directive(CACHE.fixed)
  @Query(() => ResolvedTimeRange, {
    description: 'The range this input resolves to in this request: from, to, the previous period, and whether the lookback applied.',
  })
  timeRange(@Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput, @Ctx() ctx: RequestContext): ResolvedTimeRange {
    ctx.forWorkspace(); // a workspace token with read, like every other answer
    const r = resolveRange(ctx, rangeInput);
    return {
      from: new Date(r.from),
      to: new Date(r.to),
      previousFrom: new Date(r.previousFrom),
      previousTo: new Date(r.previousTo),
      timeZone: r.timeZone,
      lookback: r.lookback,
    };
  }
}
