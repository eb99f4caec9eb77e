import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { changeOf, shareOf } from '../../domain/change';
import { canonicalReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { BREAKDOWN_GROUPINGS, isDiscardReportStep, type DestinationKind, type Grouping } from '../../domain/steps';
import { BREAKDOWN_DIMENSIONS, type BreakdownDimension } from '../../metrics/breakdown.query';
import { groupedBreakdownCounts } from '../../metrics/connection-breakdown.query';
import type { Slice } from '../../metrics/slice';
import type { StepScope } from '../../metrics/step-scope';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { reportStepFor } from '../common/args';
import { stepContext } from '../pipeline/step-context';
import { mappingShareOf } from '../../metrics/pipeline.build';
import { BreakdownArgs, MAX_BREAKDOWN_ROWS } from './breakdown.args';
import { BreakdownRow } from './breakdown.type';
import { withRowAttempts } from './breakdown-attempts';

export { MAX_BREAKDOWN_ROWS };

/** The dimensions a breakdown groups by: the kind's default, or the ones asked for among the kind's own; REASON belongs to the discard table. */
function breakdownGrouping(kind: DestinationKind, groupBy: readonly string[] | null | undefined): Grouping[] {
  const { allowed, byDefault } = BREAKDOWN_GROUPINGS[kind];
  if (groupBy == null) return [...byDefault];
  const other = groupBy.filter((d) => !(allowed as readonly string[]).includes(d));
  if (other.length > 0) {
    const hint = other.includes('REASON') ? ' (discards(step:) splits by reason)' : '';
    throw new AppError(ErrorCode.BAD_USER_INPUT, `A ${kind} breakdown groups by ${allowed.join(', ')}; ${other.join(', ')} is not one${hint}`, {
      field: 'groupBy',
      allowed,
    });
  }
  return [...new Set(groupBy)] as Grouping[];
}

/**
 * Rows by the event dimensions (the events tiers, through the request's loader so that many
 * destinations share one statement), or by any dimension through the generic grouping.
 */
type CountArgs = [RequestContext, StepScope, Slice, string | null, number];
async function countsBy(groupBy: Grouping[], [ctx, scope, slice, reason, first]: CountArgs) {
  const { loaders, wdb } = ctx.forWorkspace();
  if (groupBy.every((d) => (BREAKDOWN_DIMENSIONS as readonly string[]).includes(d))) {
    const rows = await loaders.breakdown.load({ scope, slice, reason, first, groupBy: groupBy as BreakdownDimension[] });
    return rows.map((r) => ({ ...r, operation: null, mappingId: null, audienceId: null, spaceId: null }));
  }
  const rows = await groupedBreakdownCounts(wdb, scope, slice, reason, first, groupBy);
  const value = (d: Grouping, v: string | undefined) => (groupBy.includes(d) ? (v ?? '') : null);
  return rows.map((r) => ({
    now: r.now,
    before: r.before,
    eventType: value('EVENT_TYPE', r.values.event_type),
    eventName: value('EVENT_NAME', r.values.event_name),
    appVersion: value('APP_VERSION', r.values.app_version),
    operation: value('OPERATION', r.values.operation),
    mappingId: value('MAPPING', r.values.mapping_id),
    audienceId: value('AUDIENCE', r.values.audience_id),
    spaceId: value('AUDIENCE', r.values.space_id),
  }));
}

/** The breakdown table of a destination: one step's events by type, name and version (or the ones asked for). */
@Resolver(() => Destination)
export class BreakdownResolver {
  @Cost({ query: true, batched: true, list: { assumed: 100, arg: 'first', max: MAX_BREAKDOWN_ROWS } })
  @FieldResolver(() => [BreakdownRow], {
    description: 'Events of one step grouped by event type, name and app version (or the dimensions in groupBy), largest first.',
  })
  async breakdown(@Root() destination: Destination, @Args(() => BreakdownArgs) args: BreakdownArgs, @Ctx() ctx: RequestContext): Promise<BreakdownRow[]> {
    const step = reportStepFor(destination, args.step, 'A breakdown');
    if (args.reason != null && !isDiscardReportStep(step)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `reason applies to discard steps; ${args.step} is not one`, { field: 'reason' });
    }
    const groupBy = breakdownGrouping(destination.kind, args.groupBy);
    const { scope, slice, received, reached } = await stepContext(ctx, destination, step, args.range, args.mappingId, args.filter);
    const reason = args.reason == null ? null : canonicalReason(step as DiscardStep, args.reason);
    const rows = await countsBy(groupBy, [ctx, scope, slice, reason, args.first]);
    const measured = rows.map((r) => ({
      ...r,
      count: r.now,
      previousCount: r.before,
      share: shareOf(r.now, received.now),
      mappingShare: mappingShareOf(step, r.now, reached),
      change: changeOf(r.now, r.before, received.now, received.before),
    }));
    // Storage destinations take no attempts at ingest (their `delivered` is warehouse rows): null, as on other steps.
    return destination.kind === 'storage' ? measured : withRowAttempts(measured, groupBy, { scope, slice, reason });
  }
}
