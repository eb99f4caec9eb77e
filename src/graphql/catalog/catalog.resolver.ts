import { Arg, Ctx, ID, Mutation, Query, Resolver, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { AppError, ErrorCode } from '../../domain/errors';
import { checkIdLength, ID_RULE, isValidId } from '../../domain/ids';
import { closeMatches } from '../../domain/suggest';
import type { CatalogEntity } from '../../metrics/catalog.service';
import { Destination, Source } from './catalog.type';
import type { RequestContext } from '../context';
import { CatalogEntityEnum } from '../common/enums';
import { Cost } from '../common/cost';

@Resolver()
export class CatalogResolver {
  @Cost({ list: { assumed: 20, actual: 'sources' } })
  @Directive(CACHE.catalog)
  @Query(() => [Source], { description: "The workspace's sources." })
  async sources(@Ctx() ctx: RequestContext): Promise<Source[]> {
    return ctx.forWorkspace().catalog.sources();
  }

  @Cost({ list: { assumed: 20, actual: 'destinations' } })
  @Directive(CACHE.catalog)
  @Query(() => [Destination], { description: "The workspace's destinations." })
  async destinations(@Ctx() ctx: RequestContext): Promise<Destination[]> {
    return ctx.forWorkspace().catalog.destinations();
  }

  @Query(() => Destination, {
    nullable: true,
    description:
      'One destination by the id producers send. Null when the workspace has none by that id, with a NOT_FOUND error at this path whose `suggestions` list up to 5 close ids.',
  })
  async destination(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Destination | null> {
    checkIdLength(id, 'id');
    const { loaders, catalog } = ctx.forWorkspace();
    const found = await loaders.destination.load(id);
    if (found) return found;
    // Null alone reads as "no data"; the error says the id is unknown and what was probably meant.
    const known = (await catalog.destinations()).map((d) => d.id);
    throw new AppError(ErrorCode.NOT_FOUND, 'This workspace has no destination with this id (extensions.suggestions lists close ones)', {
      field: 'id',
      suggestions: closeMatches(id, known),
    });
  }

  @Mutation(() => Boolean, { description: 'Sets the display name of a source, destination or mapping. Needs the admin scope.' })
  async setDisplayName(
    @Arg('entity', () => CatalogEntityEnum) entity: CatalogEntity,
    @Arg('id', () => ID) id: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    const { catalog } = ctx.forWorkspace('admin');
    if (!isValidId(id)) throw new AppError(ErrorCode.BAD_USER_INPUT, `id must be ${ID_RULE}`, { field: 'id' });
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) throw new AppError(ErrorCode.BAD_USER_INPUT, 'name must be 1-200 characters', { field: 'name' });
    await catalog.setName(entity, id, trimmed);
    return true;
  }
}
