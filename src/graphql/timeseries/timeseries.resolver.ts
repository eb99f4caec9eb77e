import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { isDiscardReportStep } from '../../domain/steps';
import { MAX_WIDTH, SERIES_DIMENSIONS, timeseries } from '../../metrics/timeseries.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { checkFilter, checkMapping, reportStepFor, resolveRange } from '../destination/destination.args';
import { TimeseriesArgs } from './timeseries.args';
import { Series } from './timeseries.type';

/** A step's counts over time. */
@Resolver(() => Destination)
export class TimeseriesResolver {
  @Cost({ query: true, list: { assumed: 10 } })
  @FieldResolver(() => [Series], { description: 'Counts of one step over time, zero-filled, optionally split by dimensions.' })
  async timeseries(@Root() destination: Destination, @Args(() => TimeseriesArgs) args: TimeseriesArgs, @Ctx() ctx: RequestContext): Promise<Series[]> {
    const step = reportStepFor(destination, args.step, 'A timeseries');
    const range = resolveRange(ctx, args.range);
    if (range.to - range.from > MAX_WIDTH[args.granularity]) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${args.granularity} granularity allows ranges up to ${MAX_WIDTH[args.granularity] / 3_600_000} hours`, { field: 'granularity' });
    }
    const groupBy = [...new Set(args.groupBy ?? [])];
    const unsplittable = groupBy.filter((d) => !SERIES_DIMENSIONS.includes(d));
    if (unsplittable.length > 0) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `A timeseries splits by ${SERIES_DIMENSIONS.join(', ')}; ${unsplittable.join(', ')} is a breakdown dimension (breakdown(groupBy:))`, { field: 'groupBy', allowed: SERIES_DIMENSIONS });
    }
    if (groupBy.includes('REASON') && !isDiscardReportStep(step)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `REASON applies to discard steps; ${args.step} is not one`, { field: 'groupBy' });
    }
    const mappingId = await checkMapping(ctx, destination, args.mappingId);
    const { loaders, wdb } = ctx.forWorkspace();
    const connections = await loaders.sourcesByDestination.load(destination.id);
    const scope = { step, destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId), mappingId };
    return timeseries(wdb, scope, range, args.granularity, groupBy, checkFilter(args.filter));
  }
}
