import { Max, Min } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { changeOf, shareOf } from '../../domain/change';
import { discardReasonOrUnknown, findDiscardReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { isDiscardReportStep, PipelineStepKind, type ReportStep } from '../../domain/steps';
import { breakdownCounts, discardCounts, discardSamples, type DiscardSampleValue } from '../../metrics/breakdown.query';
import type { StepScope } from '../../metrics/step-scope';
import { BreakdownRow } from './breakdown.type';
import { Destination } from '../catalog/catalog.type';
import type { RequestContext } from '../context';
import { checkFilter, checkMapping, reportStepFor, resolveRange } from '../destination/destination.args';
import { DiscardRow, DiscardSample } from '../discards/discard.type';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import { Cost } from '../common/cost';

export const MAX_BREAKDOWN_ROWS = 1000;
export const MAX_SAMPLES = 10;

@ArgsType()
export class BreakdownArgs {
  @Field(() => PipelineStepKind, { description: 'The first step, the last step, or a discard step.' })
  step!: PipelineStepKind;
  @Field(() => String, { nullable: true, description: 'Discard steps only: one reason code.' })
  reason?: string | null;
  @Field(() => TimeRangeInput)
  range!: TimeRangeInput;
  @Field(() => ID, { nullable: true })
  mappingId?: string | null;
  @Field(() => EventFilter, { nullable: true })
  filter?: EventFilter | null;
  @Field(() => Int, { defaultValue: 100, description: `Rows to return, 1-${MAX_BREAKDOWN_ROWS}, largest first.` })
  @Min(1)
  @Max(MAX_BREAKDOWN_ROWS)
  first!: number;
}

/** The breakdown and discard tables of a destination. */
@Resolver(() => Destination)
export class BreakdownResolver {
  @Cost({ query: true, list: { assumed: 100, arg: 'first', max: MAX_BREAKDOWN_ROWS } })
  @FieldResolver(() => [BreakdownRow], { description: 'Events of one step by event type, name and app version, largest first.' })
  async breakdown(@Root() destination: Destination, @Args(() => BreakdownArgs) args: BreakdownArgs, @Ctx() ctx: RequestContext): Promise<BreakdownRow[]> {
    const step = reportStepFor(destination, args.step, 'A breakdown');
    if (args.reason != null && !isDiscardReportStep(step)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `reason applies to discard steps; ${args.step} is not one`, { field: 'reason' });
    }
    const { scope, range, filter, received } = await stepContext(ctx, destination, step, args.range, args.mappingId, args.filter);
    const rows = await breakdownCounts(ctx.forWorkspace().wdb, scope, range, filter, args.reason ?? null, args.first);
    return rows.map((r) => ({
      ...r,
      count: r.now,
      previousCount: r.before,
      share: shareOf(r.now, received.now),
      change: changeOf(r.now, r.before, received.now, received.before),
    }));
  }

  @Cost({ query: true, list: { assumed: 20 } })
  @FieldResolver(() => [DiscardRow], { description: 'One row per reason at a discard step, with the remedy and samples.' })
  async discards(
    @Root() destination: Destination,
    @Arg('step', () => PipelineStepKind) stepKind: PipelineStepKind,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('mappingId', () => ID, { nullable: true }) mappingId: string | null,
    @Arg('filter', () => EventFilter, { nullable: true }) filterInput: EventFilter | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DiscardRow[]> {
    const step = reportStepFor(destination, stepKind, 'A discard table');
    if (!isDiscardReportStep(step)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${stepKind} is not a discard step`, { field: 'step' });
    }
    const { scope, range, filter, received } = await stepContext(ctx, destination, step, rangeInput, mappingId, filterInput);
    const wdb = ctx.forWorkspace().wdb;
    const rows = await discardCounts(wdb, scope, range, filter);
    let samples: Promise<DiscardSampleValue[]> | null = null;
    const samplesOfTable = () => (samples ??= discardSamples(wdb, scope, range, MAX_SAMPLES));
    return rows.map((r) => {
      const entry = discardReasonOrUnknown(step as DiscardStep, r.reason);
      return {
        reason: { ...entry, step: stepKind, unknown: findDiscardReason(step as DiscardStep, r.reason) === undefined },
        count: r.now,
        previousCount: r.before,
        share: shareOf(r.now, received.now),
        change: changeOf(r.now, r.before, received.now, received.before),
        samplesOfTable,
      };
    });
  }
}

@Resolver(() => DiscardRow)
export class DiscardRowResolver {
  @Cost({ query: true, list: { assumed: MAX_SAMPLES, arg: 'limit', max: MAX_SAMPLES } })
  @FieldResolver(() => [DiscardSample], { description: `Up to ${MAX_SAMPLES} samples in the range, newest first.` })
  async samples(@Root() row: DiscardRow, @Arg('limit', () => Int, { defaultValue: MAX_SAMPLES }) limit: number): Promise<DiscardSample[]> {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SAMPLES) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `limit must be 0-${MAX_SAMPLES}`, { field: 'limit' });
    }
    const all = await row.samplesOfTable();
    return all.filter((s) => s.reason === row.reason.code).slice(0, limit);
  }
}

/** Range, mapping, filter, the step's scope, and Successfully received (for shares), via the pipeline loader. */
async function stepContext(ctx: RequestContext, destination: Destination, step: ReportStep, rangeInput: TimeRangeInput, mappingInput: string | null | undefined, filterInput: EventFilter | null | undefined) {
  const { loaders } = ctx.forWorkspace();
  const range = resolveRange(ctx, rangeInput);
  const mappingId = await checkMapping(ctx, destination, mappingInput);
  const filter = checkFilter(filterInput);
  const [connections, counts] = await Promise.all([
    loaders.sourcesByDestination.load(destination.id),
    loaders.pipelineCounts.load({ destinationId: destination.id, kind: destination.kind, range, mappingId, filter }),
  ]);
  const scope: StepScope = { step, destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId), mappingId };
  return { scope, range, filter, received: counts.received ?? { now: 0, before: 0 } };
}

