import { Arg, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { LATENCY_RELATIVE_ERROR } from '../../domain/latency-buckets';
import { AppError, ErrorCode } from '../../domain/errors';
import { emptyLatency } from '../../metrics/latency.query';
import { MAX_WIDTH, type Granularity } from '../../metrics/timeseries.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import { TimeRangeInput } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { checkMapping, resolveRange } from '../common/args';
import { GranularityEnum } from '../timeseries/timeseries.type';
import { Latency, LatencyOutcome } from './latency.type';
import { sliceOf } from '../../metrics/slice';

/** Destination.latency: quantiles from the latency tier, batched across a list of destinations. */
@Resolver(() => Destination)
export class LatencyResolver {
  @Cost({ query: true, batched: true })
  @FieldResolver(() => Latency, {
    description:
      'p50, p95 and p99 latency of delivery attempts (reports carrying latencyMs) over the range and per bucket of the granularity. Storage destinations have no delivery attempts (ingest refuses latencyMs on their reports): theirs is empty.',
  })
  async latency(
    @Root() destination: Destination,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('granularity', () => GranularityEnum, { defaultValue: 'HOUR' }) granularity: Granularity,
    @Arg('outcome', () => LatencyOutcome, { defaultValue: LatencyOutcome.DELIVERED }) outcome: LatencyOutcome,
    @Arg('mappingId', () => ID, { nullable: true, description: 'Actions and Reverse ETL: one mapping only.' }) mappingInput: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Latency> {
    const range = resolveRange(ctx, rangeInput);
    if (range.to - range.from > MAX_WIDTH[granularity]) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${granularity} granularity allows ranges up to ${MAX_WIDTH[granularity] / 3_600_000} hours`, {
        field: 'granularity',
      });
    }
    const mappingId = await checkMapping(ctx, destination, mappingInput);
    // Storage reports carry no latency (ingest refuses it); rows an older gateway took are not read either.
    const value =
      destination.kind === 'storage'
        ? emptyLatency(range, granularity)
        : await ctx.forWorkspace().loaders.latency.load({ destinationId: destination.id, step: outcome, slice: sliceOf(range, { mappingId }), granularity });
    return { ...value, outcome, relativeError: LATENCY_RELATIVE_ERROR };
  }
}
