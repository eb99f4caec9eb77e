import { Arg, Field, ID, ObjectType, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import type { TickScope } from '../../live/hub';
import { Destination } from '../catalog/catalog.type';
import { RequestContext } from '../context';
import { checkMapping } from '../common/args';
import { computePipeline } from '../pipeline/read';
import { Pipeline } from '../pipeline/pipeline.type';
import { Count, DateTime } from '../common/scalars';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import { Cost } from '../common/cost';
import { compoundKey } from '../../domain/compound-key';

@ObjectType({ description: 'The retry-pending gauge of a destination (or one mapping) when it changed.' })
export class RetryPending {
  @Field(() => ID)
  destinationId!: string;
  @Field(() => ID, { nullable: true })
  mappingId!: string | null;
  @Field(() => Count)
  count!: number;
  @Field(() => DateTime, { description: 'When the gateway read this value.' })
  at!: Date;
}

interface RetryArgs {
  destinationId: string;
  mappingId?: string | null;
}
interface PipelineArgs {
  destinationId: string;
  range: TimeRangeInput;
  mappingId?: string | null;
  filter?: EventFilter | null;
}

/**
 * The context of one hub tick, shared by every poll of the workspace in that tick: fresh
 * loaders (nothing cached across ticks), and one set of them, so the tick's retry gauges
 * are one query and its pipelines one per range.
 */
function tickContext(ctx: RequestContext, scope: TickScope): RequestContext {
  return scope.shared('context', () => new RequestContext(ctx.services, ctx.principal, ctx.requestId, ctx.connection));
}

/** The destination a new subscription names, through the gateway's shared lookups; NOT_FOUND when there is none. */
async function destinationOf(ctx: RequestContext, id: string): Promise<Destination> {
  const { wdb, catalog } = ctx.forWorkspace();
  const destination = await ctx.services.destinationLookups.get(compoundKey(wdb.workspaceId, id), () =>
    catalog.destinations([id]).then((rows) => rows[0] ?? null),
  );
  if (!destination) throw new AppError(ErrorCode.NOT_FOUND, `No destination ${id} in this workspace`, { field: 'destinationId' });
  return destination;
}

/** Holds a connection slot for the subscription and releases it when the iterator ends. */
export function guarded<T>(ctx: RequestContext, open: () => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  const release = ctx.holdSubscription();
  let inner: AsyncIterableIterator<T>;
  try {
    inner = open();
  } catch (err) {
    release(); // e.g. the workspace cap refused it
    throw err;
  }
  return {
    next: async () => {
      const r = await inner.next();
      if (r.done) release();
      return r;
    },
    return: async (v?: unknown) => {
      release();
      return inner.return ? inner.return(v) : { done: true, value: undefined };
    },
    throw: async (e?: unknown) => {
      release();
      return inner.throw ? inner.throw(e) : Promise.reject(e);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Live values over graphql-ws: one shared poll per distinct key (see src/live/hub.ts). */
@Resolver()
export class LiveResolver {
  @Subscription(() => RetryPending, {
    description: 'The retry-pending gauge now, then every change.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, RetryArgs, RequestContext>) => {
      const { wdb } = context.forWorkspace();
      const destination = await destinationOf(context, args.destinationId);
      if (destination.kind === 'storage') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Storage destinations have no retry queue', { field: 'destinationId' });
      const mappingId = await checkMapping(context, destination, args.mappingId);
      const key = `retry|${destination.id}|${mappingId ?? ''}`;
      return guarded(context, () =>
        context.services.hub.subscribe(
          wdb.workspaceId,
          key,
          async (scope) => {
            const count = await tickContext(context, scope).forWorkspace().loaders.retryPending.load({ destinationId: destination.id, mappingId });
            return { destinationId: destination.id, mappingId, count, at: new Date() };
          },
          (v) => String(v.count),
        ),
      );
    },
  })
  retryPendingChanged(
    @Root() payload: RetryPending,
    @Arg('destinationId', () => ID) _destinationId: string,
    @Arg('mappingId', () => ID, { nullable: true }) _mappingId: string | null,
  ): RetryPending {
    return payload;
  }

  @Cost({ query: true })
  @Subscription(() => Pipeline, {
    description: 'The pipeline for a rolling preset range, now and whenever any step changes. lookback defaults to false here.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, PipelineArgs, RequestContext>) => {
      const { wdb } = context.forWorkspace();
      if (args.range.preset == null || args.range.from != null || args.range.to != null) {
        throw new AppError(ErrorCode.TIME_RANGE_INVALID, 'pipelineUpdated needs a rolling preset range (no from/to)', { field: 'range' });
      }
      const destination = await destinationOf(context, args.destinationId);
      // Validate once up front so a bad argument fails the subscription, not every poll.
      await computePipeline(context, destination, args.range, args.mappingId, args.filter, false);
      const key = `pipeline|${JSON.stringify([destination.id, args.range, args.mappingId ?? null, args.filter ?? null])}`;
      return guarded(context, () =>
        context.services.hub.subscribe(
          wdb.workspaceId,
          key,
          (scope) => computePipeline(tickContext(context, scope), destination, args.range, args.mappingId, args.filter, false),
          (p) => JSON.stringify([p.steps.map((s) => s.count), p.retryPending]),
        ),
      );
    },
  })
  pipelineUpdated(
    @Root() payload: Pipeline,
    @Arg('destinationId', () => ID) _destinationId: string,
    @Arg('range', () => TimeRangeInput) _range: TimeRangeInput,
    @Arg('mappingId', () => ID, { nullable: true }) _mappingId: string | null,
    @Arg('filter', () => EventFilter, { nullable: true }) _filter: EventFilter | null,
  ): Pipeline {
    return payload;
  }
}
