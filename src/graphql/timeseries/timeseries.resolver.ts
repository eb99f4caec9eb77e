import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { isDiscardReportStep } from '../../domain/steps';
import { MAX_SERIES, MAX_WIDTH } from '../../metrics/timeseries.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { checkFilter, checkMapping, reportStepFor, resolveRange } from '../destination/destination.args';
import { TimeseriesArgs } from './timeseries.args';
import { Series } from './timeseries.type';

/** A step's counts over time. */
@Resolver(() => Destination)
export class TimeseriesResolver {
  @Cost({ query: true, batched: true, list: { assumed: MAX_SERIES, sizeOf: (args) => (Array.isArray(args.groupBy) && args.groupBy.length > 0 ? MAX_SERIES : 1) } })
  @FieldResolver(() => [Series], { description: 'Counts of one step over time, zero-filled, optionally split by dimensions.' })
  async timeseries(@Root() destination: Destination, @Args(() => TimeseriesArgs) args: TimeseriesArgs, @Ctx() ctx: RequestContext): Promise<Series[]> {
    const step = reportStepFor(destination, args.step, 'A timeseries');
    const range = resolveRange(ctx, args.range);
    if (range.to - range.from > MAX_WIDTH[args.granularity]) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${args.granularity} granularity allows ranges up to ${MAX_WIDTH[args.granularity] / 3_600_000} hours`, { field: 'granularity' });
    }
    const groupBy = [...new Set(args.groupBy ?? [])];
    if (groupBy.includes('REASON') && !isDiscardReportStep(step)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `REASON applies to discard steps; ${args.step} is not one`, { field: 'groupBy' });
    }
    const mappingId = await checkMapping(ctx, destination, args.mappingId);
    const { loaders } = ctx.forWorkspace();
    const connections = await loaders.sourcesByDestination.load(destination.id);
    const scope = { step, destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId), mappingId };
    return loaders.timeseries.load({ scope, range, granularity: args.granularity, groupBy, filter: checkFilter(args.filter) });
  }
}
