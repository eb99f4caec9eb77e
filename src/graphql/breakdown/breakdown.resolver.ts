import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { changeOf, shareOf } from '../../domain/change';
import { AppError, ErrorCode } from '../../domain/errors';
import { isDiscardReportStep } from '../../domain/steps';
import { breakdownCounts } from '../../metrics/breakdown.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { reportStepFor } from '../destination/destination.args';
import { stepContext } from '../destination/step-context';
import { BreakdownArgs, MAX_BREAKDOWN_ROWS } from './breakdown.args';
import { BreakdownRow } from './breakdown.type';

export { MAX_BREAKDOWN_ROWS };

/** The breakdown table of a destination: one step's events by type, name and version. */
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
}
