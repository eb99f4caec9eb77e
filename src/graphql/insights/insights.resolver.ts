import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { storedDiscardReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { entryStepOf, isDiscardReportStep, pipelineStepOf } from '../../domain/steps';
import { biggestMovers } from '../../metrics/insights.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { readSlice } from '../common/args';
import { Insight } from './insights.type';

export const MAX_INSIGHTS = 20;

/** Biggest movers against the previous period. */
@Resolver(() => Destination)
export class InsightsResolver {
  @Cost({ query: true, list: { assumed: 5, arg: 'limit', max: MAX_INSIGHTS } })
  @FieldResolver(() => [Insight], {
    description: 'Where the largest rate changes against the previous period happened, and which event names and app versions explain them.',
  })
  async insights(
    @Root() destination: Destination,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('mappingId', () => ID, { nullable: true }) mappingInput: string | null,
    @Arg('filter', () => EventFilter, { nullable: true }) filterInput: EventFilter | null,
    @Arg('limit', () => Int, { defaultValue: 5, description: `1-${MAX_INSIGHTS} insights.` }) limit: number,
    @Ctx() ctx: RequestContext,
  ): Promise<Insight[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INSIGHTS)
      throw new AppError(ErrorCode.BAD_USER_INPUT, `limit must be 1-${MAX_INSIGHTS}`, { field: 'limit' });
    const slice = await readSlice(ctx, destination, { range: rangeInput, mappingId: mappingInput, filter: filterInput });
    const { loaders, wdb } = ctx.forWorkspace();
    const [connections, { counts }] = await Promise.all([
      loaders.sourcesByDestination.load(destination.id),
      loaders.pipelineCounts.load({ destinationId: destination.id, kind: destination.kind, slice }),
    ]);
    const movers = await biggestMovers(
      wdb,
      { destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId) },
      slice,
      counts[entryStepOf(destination.kind)] ?? { now: 0, before: 0 },
      limit,
      // Contributors are event names and app versions: Reverse ETL records and audience changes have none.
      entryStepOf(destination.kind) === 'received' ? 3 : 0,
    );
    return movers.map((m) => {
      const kind = pipelineStepOf(m.step, destination.kind);
      const reason = m.reason !== null && isDiscardReportStep(m.step) ? { ...storedDiscardReason(m.step as DiscardStep, m.reason), step: kind } : null;
      return { ...m, step: kind, reason };
    });
  }
}
