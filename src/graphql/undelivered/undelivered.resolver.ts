import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { decodeUndeliveredCursor, UNDELIVERED_MAX_PAGE, undeliveredPage } from '../../metrics/undelivered.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { checkFilter, checkMapping, resolveRange } from '../common/args';
import { UndeliveredArgs } from './undelivered.args';
import { UndeliveredMessage } from './undelivered.type';

/** Messages to replay: final delivery failures of a destination, one page at a time. */
@Resolver(() => Destination)
export class UndeliveredResolver {
  @Cost({ query: true, list: { assumed: 100, arg: 'first', max: UNDELIVERED_MAX_PAGE } })
  @FieldResolver(() => [UndeliveredMessage], {
    description:
      'Messages whose last report for this destination (per mapping) is a failed delivery, oldest failure first; only reports that carried a messageId can be listed. Page with `after`: the `cursor` of the last message.',
  })
  async undelivered(
    @Root() destination: Destination,
    @Args(() => UndeliveredArgs) args: UndeliveredArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<UndeliveredMessage[]> {
    if (destination.kind === 'storage') {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `storage destinations report syncs, not deliveries of messages; ${destination.id} is storage`, {
        field: 'undelivered',
      });
    }
    const range = resolveRange(ctx, args.range, false);
    const mappingId = await checkMapping(ctx, destination, args.mappingId);
    const after = args.after == null ? null : decodeUndeliveredCursor(args.after, 'after');
    const query = {
      destinationId: destination.id,
      from: range.from,
      to: range.to,
      mappingId,
      reason: args.reason ?? null,
      after,
      filter: checkFilter(args.filter),
    };
    return (await undeliveredPage(ctx.forWorkspace().wdb, query, args.first)).items;
  }
}
