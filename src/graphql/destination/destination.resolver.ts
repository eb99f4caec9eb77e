import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { Destination, Mapping, Source } from '../catalog/catalog.type';
import type { RequestContext } from '../context';
import { checkMapping } from '../common/args';
import { computePipeline } from '../pipeline/read';
import { Pipeline } from '../pipeline/pipeline.type';
import { Count } from '../common/scalars';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import { Cost } from '../common/cost';

/** Fields of Destination that need more reads; all go through per-request loaders. */
@Resolver(() => Destination)
export class DestinationResolver {
  @Cost({ list: { assumed: 20, actual: 'sources' } })
  @Directive(CACHE.catalog)
  @FieldResolver(() => [Source], { description: 'Sources connected to this destination (seen in its reports).' })
  async sources(@Root() destination: Destination, @Ctx() ctx: RequestContext): Promise<Source[]> {
    const { loaders } = ctx.forWorkspace();
    const connections = await loaders.sourcesByDestination.load(destination.id);
    const sources = await loaders.source.loadMany(connections.map((c) => c.sourceId));
    const failed = sources.find((s) => s instanceof Error);
    if (failed) throw failed;
    return sources.filter((s): s is Source => s !== null);
  }

  @Cost({ list: { assumed: 10 } })
  @Directive(CACHE.catalog)
  @FieldResolver(() => [Mapping], { description: 'Mappings seen for this destination (Actions and Reverse ETL; empty for other kinds).' })
  async mappings(@Root() destination: Destination, @Ctx() ctx: RequestContext): Promise<Mapping[]> {
    return ctx.forWorkspace().loaders.mappingsByDestination.load(destination.id);
  }

  @Cost({ query: true, batched: true })
  @FieldResolver(() => Pipeline, { description: 'Where events went, step by step, in the range and the period before it.' })
  async pipeline(
    @Root() destination: Destination,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('mappingId', () => ID, {
      nullable: true,
      description:
        'Actions and Reverse ETL: narrow the destination-side steps to one mapping (Reverse ETL extraction comes before any mapping and is not narrowed).',
    })
    mappingInput: string | null,
    @Arg('filter', () => EventFilter, { nullable: true }) filterInput: EventFilter | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Pipeline> {
    return computePipeline(ctx, destination, rangeInput, mappingInput, filterInput);
  }

  @Directive(CACHE.never)
  @FieldResolver(() => Count, { nullable: true, description: 'Events waiting for a retry right now (null for storage destinations).' })
  async retryPending(
    @Root() destination: Destination,
    @Arg('mappingId', () => ID, { nullable: true }) mappingInput: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<number | null> {
    if (destination.kind === 'storage') return null;
    const mappingId = await checkMapping(ctx, destination, mappingInput);
    return ctx.forWorkspace().loaders.retryPending.load({ destinationId: destination.id, mappingId });
  }
}
