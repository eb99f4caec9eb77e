import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { changeOf, shareOf } from '../../domain/change';
import { canonicalReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { isDiscardReportStep } from '../../domain/steps';
import { BREAKDOWN_DIMENSIONS, type BreakdownDimension } from '../../metrics/breakdown.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { reportStepFor } from '../destination/destination.args';
import { stepContext } from '../destination/step-context';
import { mappingShareOf } from '../../metrics/pipeline.build';
import { BreakdownArgs, MAX_BREAKDOWN_ROWS } from './breakdown.args';
import { BreakdownRow } from './breakdown.type';

export { MAX_BREAKDOWN_ROWS };

/** The dimensions a breakdown groups by: all three by default; REASON belongs to the discard table. */
function breakdownGrouping(groupBy: readonly string[] | null | undefined): BreakdownDimension[] {
  if (groupBy == null) return [...BREAKDOWN_DIMENSIONS];
  const other = groupBy.filter((d) => !(BREAKDOWN_DIMENSIONS as readonly string[]).includes(d));
  if (other.length > 0) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `A breakdown groups by ${BREAKDOWN_DIMENSIONS.join(', ')}; ${other.join(', ')} is not one (discards(step:) splits by reason)`, { field: 'groupBy', allowed: BREAKDOWN_DIMENSIONS });
  }
  return [...new Set(groupBy)] as BreakdownDimension[];
}

/** The breakdown table of a destination: one step's events by type, name and version (or the ones asked for). */
@Resolver(() => Destination)
export class BreakdownResolver {
  @Cost({ query: true, batched: true, list: { assumed: 100, arg: 'first', max: MAX_BREAKDOWN_ROWS } })
  @FieldResolver(() => [BreakdownRow], { description: 'Events of one step grouped by event type, name and app version (or the dimensions in groupBy), largest first.' })
  async breakdown(@Root() destination: Destination, @Args(() => BreakdownArgs) args: BreakdownArgs, @Ctx() ctx: RequestContext): Promise<BreakdownRow[]> {
    const step = reportStepFor(destination, args.step, 'A breakdown');
    if (args.reason != null && !isDiscardReportStep(step)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `reason applies to discard steps; ${args.step} is not one`, { field: 'reason' });
    }
    const groupBy = breakdownGrouping(args.groupBy);
    const { scope, range, filter, received, reached } = await stepContext(ctx, destination, step, args.range, args.mappingId, args.filter);
    const reason = args.reason == null ? null : canonicalReason(step as DiscardStep, args.reason);
    const rows = await ctx.forWorkspace().loaders.breakdown.load({ scope, range, filter, reason, first: args.first, groupBy });
    return rows.map((r) => ({
      ...r,
      count: r.now,
      previousCount: r.before,
      share: shareOf(r.now, received.now),
      mappingShare: mappingShareOf(step, r.now, reached),
      change: changeOf(r.now, r.before, received.now, received.before),
    }));
  }
}
