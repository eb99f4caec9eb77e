import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { traceMessage } from '../../metrics/trace.query';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { TraceEntry } from './trace.type';

/** One message's path through the pipeline. */
@Resolver()
export class TraceResolver {
  @Cost({ query: true, list: { assumed: 100 } })
  @Query(() => [TraceEntry], { description: 'Every step one message went through (reports that carried its messageId), oldest first.' })
  async trace(@Arg('messageId', () => String) messageId: string, @Ctx() ctx: RequestContext): Promise<TraceEntry[]> {
    const { wdb } = ctx.forWorkspace();
    if (messageId.length === 0 || messageId.length > 256)
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'messageId must be 1-256 characters', { field: 'messageId' });
    return traceMessage(wdb, messageId);
  }
}
