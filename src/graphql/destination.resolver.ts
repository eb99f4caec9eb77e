import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Destination, Mapping, Source } from './catalog.type';
import type { RequestContext } from './context';

/** Fields of Destination that need more reads; all go through per-request loaders. */
@Resolver(() => Destination)
export class DestinationResolver {
  @FieldResolver(() => [Source], { description: 'Sources connected to this destination (seen in its reports).' })
  async sources(@Root() destination: Destination, @Ctx() ctx: RequestContext): Promise<Source[]> {
    const { loaders, catalog } = ctx.forWorkspace();
    const connections = await loaders.sourcesByDestination.load(destination.id);
    if (connections.length === 0) return [];
    const wanted = new Set(connections.map((c) => c.sourceId));
    return (await catalog.sources()).filter((s) => wanted.has(s.id));
  }

  @FieldResolver(() => [Mapping], { description: 'Actions mappings seen for this destination (empty for other kinds).' })
  async mappings(@Root() destination: Destination, @Ctx() ctx: RequestContext): Promise<Mapping[]> {
    return ctx.forWorkspace().loaders.mappingsByDestination.load(destination.id);
  }

}
