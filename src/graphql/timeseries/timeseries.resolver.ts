import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { entryStepOf, isDiscardReportStep } from '../../domain/steps';
import { MAX_SERIES, MAX_WIDTH, SERIES_DIMENSIONS } from '../../metrics/timeseries.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { checkFilter, checkMapping, reportStepFor, resolveRange } from '../common/args';
import { TimeseriesArgs } from './timeseries.args';
import { GranularityEnum, Series } from './timeseries.type';
import { TimeRangeInput } from '../common/time-range.input';
import type { Granularity } from '../../metrics/timeseries.query';
import { sliceOf } from '../../metrics/slice';

/** A step's counts over time. */
@Resolver(() => Destination)
export class TimeseriesResolver {
  @Cost({
    query: true,
    batched: true,
    list: { assumed: MAX_SERIES, sizeOf: (args) => (Array.isArray(args.groupBy) && args.groupBy.length > 0 ? MAX_SERIES : 1) },
  })
  @FieldResolver(() => [Series], { description: 'Counts of one step over time, zero-filled, optionally split by dimensions.' })
  async timeseries(@Root() destination: Destination, @Args(() => TimeseriesArgs) args: TimeseriesArgs, @Ctx() ctx: RequestContext): Promise<Series[]> {
    const step = reportStepFor(destination, args.step, 'A timeseries');
    const range = resolveRange(ctx, args.range);
    if (range.to - range.from > MAX_WIDTH[args.granularity]) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${args.granularity} granularity allows ranges up to ${MAX_WIDTH[args.granularity] / 3_600_000} hours`, {
        field: 'granularity',
      });
    }
    const groupBy = [...new Set(args.groupBy ?? [])];
    const unsplittable = groupBy.filter((d) => !SERIES_DIMENSIONS.includes(d));
    if (unsplittable.length > 0) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `A timeseries splits by ${SERIES_DIMENSIONS.join(', ')}; ${unsplittable.join(', ')} is a breakdown dimension (breakdown(groupBy:))`,
        { field: 'groupBy', allowed: SERIES_DIMENSIONS },
      );
    }
    if (groupBy.includes('REASON') && !isDiscardReportStep(step)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `REASON applies to discard steps; ${args.step} is not one`, { field: 'groupBy' });
    }
    const mappingId = await checkMapping(ctx, destination, args.mappingId);
    const { loaders } = ctx.forWorkspace();
    const connections = await loaders.sourcesByDestination.load(destination.id);
    const scope = { step, destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId) };
    return loaders.timeseries.load({ scope, slice: sliceOf(range, { mappingId, filter: checkFilter(args.filter) }), granularity: args.granularity, groupBy });
  }

  @Cost({ query: true, batched: true })
  @FieldResolver(() => Series, {
    description:
      "The pipeline's first box over time, whatever the kind: Successfully received, Records extracted (Reverse ETL) or Membership changes computed (audience). One series, zero-filled: an overview of every destination asks for it in one request.",
  })
  async intake(
    @Root() destination: Destination,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('granularity', () => GranularityEnum) granularity: Granularity,
    @Ctx() ctx: RequestContext,
  ): Promise<Series> {
    const range = resolveRange(ctx, rangeInput);
    if (range.to - range.from > MAX_WIDTH[granularity]) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${granularity} granularity allows ranges up to ${MAX_WIDTH[granularity] / 3_600_000} hours`, {
        field: 'granularity',
      });
    }
    const { loaders } = ctx.forWorkspace();
    const connections = await loaders.sourcesByDestination.load(destination.id);
    const scope = { step: entryStepOf(destination.kind), destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId) };
    const [series] = await loaders.timeseries.load({ scope, slice: sliceOf(range), granularity, groupBy: [] });
    return series;
  }
}
