import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { AppError, ErrorCode } from '../../domain/errors';
import { checkIdLength } from '../../domain/ids';
import { closeMatches } from '../../domain/suggest';
import { buildNarrowedPipeline, buildSourcePipeline } from '../../metrics/pipeline.build';
import { withAttempts } from '../pipeline/attempts';
import { Destination, Source } from '../catalog/catalog.type';
import type { RequestContext } from '../context';
import { Cost } from '../common/cost';
import { TimeRangeInput } from '../common/time-range.input';
import { resolveRange } from '../common/args';
import { Pipeline } from '../pipeline/pipeline.type';
import { SourceDestination } from './source.type';
import { sliceOf } from '../../metrics/slice';

const NARROWED_DESCRIPTION =
  "This destination's pipeline as if this source were its only one: its kind's boxes that count reports (no Retry pending, no sync boxes: those are kept per destination), destination-side steps narrowed to the events of this source, shares of the kind's first box (this source's Successfully received; a Reverse ETL or audience destination's own first step). `retryPending` is null.";

/** `source(id)`, a source's own pipeline and its connected destinations; every read through the request's loaders. */
@Resolver(() => Source)
export class SourceResolver {
  @Query(() => Source, {
    nullable: true,
    description:
      'One source by the id producers send. Null when the workspace has none by that id, with a NOT_FOUND error at this path whose `suggestions` list up to 5 close ids.',
  })
  async source(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Source | null> {
    checkIdLength(id, 'id');
    const { loaders, catalog } = ctx.forWorkspace();
    const found = await loaders.source.load(id);
    if (found) return found;
    const known = (await catalog.sources()).map((s) => s.id);
    throw new AppError(ErrorCode.NOT_FOUND, 'This workspace has no source with this id (extensions.suggestions lists close ones)', {
      field: 'id',
      suggestions: closeMatches(id, known),
    });
  }

  @Cost({ query: true, batched: true })
  @FieldResolver(() => Pipeline, {
    description:
      "The source's own steps (Successfully received, Failed on ingest, Filtered at source) in the range and the period before it; shares are of its Successfully received. `retryPending` is null.",
  })
  async pipeline(@Root() source: Source, @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput, @Ctx() ctx: RequestContext): Promise<Pipeline> {
    const range = resolveRange(ctx, rangeInput);
    const counts = await ctx.forWorkspace().loaders.sourcePipelineCounts.load({ sourceId: source.id, destinationId: null, range });
    return buildSourcePipeline(range, counts);
  }

  @Cost({ list: { assumed: 20, actual: 'destinations' } })
  @Directive(CACHE.catalog)
  @FieldResolver(() => [SourceDestination], {
    description: 'Destinations connected to this source (seen in their reports naming it), by id; each with its pipeline narrowed to this source.',
  })
  async destinations(@Root() source: Source, @Ctx() ctx: RequestContext): Promise<SourceDestination[]> {
    const { loaders } = ctx.forWorkspace();
    const connections = await loaders.destinationsBySource.load(source.id);
    const destinations = await loaders.destination.loadMany(connections.map((c) => c.destinationId));
    const failed = destinations.find((d) => d instanceof Error);
    if (failed) throw failed;
    return destinations
      .filter((d): d is Destination => d !== null && !(d instanceof Error))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((destination) => ({ sourceId: source.id, destination }));
  }
}

@Resolver(() => SourceDestination)
export class SourceDestinationResolver {
  @Cost({ query: true, batched: true })
  @FieldResolver(() => Pipeline, { description: NARROWED_DESCRIPTION })
  async pipeline(
    @Root() row: SourceDestination,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Pipeline> {
    const range = resolveRange(ctx, rangeInput);
    const counts = await ctx.forWorkspace().loaders.sourcePipelineCounts.load({ sourceId: row.sourceId, destinationId: row.destination.id, range });
    return withAttempts(buildNarrowedPipeline(row.destination.kind, range, counts), {
      destinationId: row.destination.id,
      sourceId: row.sourceId,
      slice: sliceOf(range),
    });
  }
}
