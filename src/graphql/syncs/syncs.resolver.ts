import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { listSyncs, MAX_SYNCS } from '../../metrics/syncs.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { resolveRange } from '../common/args';
import { SyncsArgs } from './syncs.args';
import { WarehouseSync } from './syncs.type';

/** Warehouse syncs of a storage destination. */
@Resolver(() => Destination)
export class SyncsResolver {
  @Cost({ query: true, list: { assumed: 100, arg: 'first', max: MAX_SYNCS } })
  @FieldResolver(() => [WarehouseSync], { description: 'Storage destinations: warehouse syncs started in the range, newest first.' })
  async syncs(@Root() destination: Destination, @Args(() => SyncsArgs) args: SyncsArgs, @Ctx() ctx: RequestContext): Promise<WarehouseSync[]> {
    if (destination.kind !== 'storage') {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `syncs are reported by storage destinations; ${destination.id} is ${destination.kind}`, { field: 'syncs' });
    }
    const range = resolveRange(ctx, args.range);
    return listSyncs(ctx.forWorkspace().wdb, destination.id, range, args.status ?? null, args.first);
  }
}
