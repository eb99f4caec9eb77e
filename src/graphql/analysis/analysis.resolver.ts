import { Max, Min } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { discardReasonOrUnknown, findDiscardReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { discardKindOf, isDiscardReportStep, PipelineStepKind, type SyncStatus } from '../../domain/steps';
import { biggestMovers } from '../../metrics/insights.query';
import { listSyncs, MAX_SYNCS } from '../../metrics/syncs.query';
import { MAX_WIDTH, timeseries, type Dimension, type Granularity } from '../../metrics/timeseries.query';
import { Insight, Series, WarehouseSync, DimensionEnum, GranularityEnum } from './analysis.type';
import { Destination } from '../catalog/catalog.type';
import type { RequestContext } from '../context';
import { checkFilter, checkMapping, reportStepFor, resolveRange } from '../destination/destination.args';
import { SyncStatusEnum } from '../common/enums';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import { Cost } from '../common/cost';

export const MAX_INSIGHTS = 20;

@ArgsType()
export class TimeseriesArgs {
  @Field(() => PipelineStepKind)
  step!: PipelineStepKind;
  @Field(() => TimeRangeInput)
  range!: TimeRangeInput;
  @Field(() => GranularityEnum)
  granularity!: Granularity;
  @Field(() => [DimensionEnum], { nullable: true, description: 'Split into one series per value combination (at most 50 series, largest first).' })
  groupBy?: Dimension[] | null;
  @Field(() => ID, { nullable: true })
  mappingId?: string | null;
  @Field(() => EventFilter, { nullable: true })
  filter?: EventFilter | null;
}

@ArgsType()
export class SyncsArgs {
  @Field(() => TimeRangeInput)
  range!: TimeRangeInput;
  @Field(() => SyncStatusEnum, { nullable: true })
  status?: SyncStatus | null;
  @Field(() => Int, { defaultValue: 100, description: `1-${MAX_SYNCS}, newest first.` })
  @Min(1)
  @Max(MAX_SYNCS)
  first!: number;
}

/** Syncs, timeseries and insights of a destination. */
@Resolver(() => Destination)
export class AnalysisResolver {
  @Cost({ query: true, list: { assumed: 100, arg: 'first', max: MAX_SYNCS } })
  @FieldResolver(() => [WarehouseSync], { description: 'Storage destinations: warehouse syncs started in the range, newest first.' })
  async syncs(@Root() destination: Destination, @Args(() => SyncsArgs) args: SyncsArgs, @Ctx() ctx: RequestContext): Promise<WarehouseSync[]> {
    if (destination.kind !== 'storage') {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `syncs are reported by storage destinations; ${destination.id} is ${destination.kind}`, { field: 'syncs' });
    }
    const range = resolveRange(ctx, args.range);
    return listSyncs(ctx.forWorkspace().wdb, destination.id, range, args.status ?? null, args.first);
  }

  @Cost({ query: true, list: { assumed: 10 } })
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
    const { loaders, wdb } = ctx.forWorkspace();
    const connections = await loaders.sourcesByDestination.load(destination.id);
    const scope = { step, destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId), mappingId };
    return timeseries(wdb, scope, range, args.granularity, groupBy, checkFilter(args.filter));
  }

  @Cost({ query: true, list: { assumed: 5, arg: 'limit', max: MAX_INSIGHTS } })
  @FieldResolver(() => [Insight], { description: 'Where the largest rate changes against the previous period happened, and which event names and app versions explain them.' })
  async insights(
    @Root() destination: Destination,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('mappingId', () => ID, { nullable: true }) mappingInput: string | null,
    @Arg('filter', () => EventFilter, { nullable: true }) filterInput: EventFilter | null,
    @Arg('limit', () => Int, { defaultValue: 5, description: `1-${MAX_INSIGHTS} insights.` }) limit: number,
    @Ctx() ctx: RequestContext,
  ): Promise<Insight[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INSIGHTS) throw new AppError(ErrorCode.BAD_USER_INPUT, `limit must be 1-${MAX_INSIGHTS}`, { field: 'limit' });
    const range = resolveRange(ctx, rangeInput);
    const mappingId = await checkMapping(ctx, destination, mappingInput);
    const filter = checkFilter(filterInput);
    const { loaders, wdb } = ctx.forWorkspace();
    const [connections, counts] = await Promise.all([
      loaders.sourcesByDestination.load(destination.id),
      loaders.pipelineCounts.load({ destinationId: destination.id, kind: destination.kind, range, mappingId, filter }),
    ]);
    const movers = await biggestMovers(
      wdb,
      { destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId), mappingId },
      range,
      filter,
      counts.received ?? { now: 0, before: 0 },
      limit,
      3,
    );
    return movers.map((m) => {
      const kind = discardKindOf(m.step) ?? (destination.kind === 'storage' ? PipelineStepKind.EVENTS_TO_WAREHOUSE_ROWS : PipelineStepKind.SUCCESSFUL_DELIVERY);
      const reason =
        m.reason !== null && isDiscardReportStep(m.step)
          ? { ...discardReasonOrUnknown(m.step as DiscardStep, m.reason), step: kind, unknown: findDiscardReason(m.step as DiscardStep, m.reason) === undefined }
          : null;
      return { ...m, step: kind, reason };
    });
  }
}
