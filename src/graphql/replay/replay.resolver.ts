import DataLoader from 'dataloader';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { holdsScope } from '../../auth/scopes';
import { badInput } from '../../domain/errors';
import { ReplayService } from '../../replay/service';
import type { BatchProgress, ReplayJob, ReplayOutcome as OutcomeValue } from '../../replay/values';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { guarded } from '../live/live.resolver';
import { CreateReplayArgs, IDEMPOTENCY_KEY, ReplayInput, ReplaysArgs } from './replay.args';
import { selectionOf } from './replay.input';
import { Replay, ReplayOutcome, ReplayPreview, ReplayProgress } from './replay.type';

/**
 * The replay services bound to the caller's workspace; `scope` is what the operation needs.
 * Reading replays needs `read` or `replay`: a delivery system's token, holding only `replay`,
 * follows the replays it pulls.
 */
export function replaysOf(ctx: RequestContext, scope: 'read' | 'replay') {
  const reader = scope === 'read' && holdsScope(ctx.principal.scopes, 'replay') ? 'replay' : scope;
  const { wdb, catalog } = ctx.forWorkspace(reader);
  const r = ctx.services.replays;
  return { service: new ReplayService(r.store, r.endpoints, wdb, r.limits, ctx.services.now), wdb, catalog };
}

export function toReplay(job: ReplayJob, live?: { progress: BatchProgress; outcome: OutcomeValue }): Replay {
  return {
    ...job,
    createdAt: new Date(job.createdAt),
    startedAt: job.startedAt === null ? null : new Date(job.startedAt),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt),
    progressValue: live?.progress,
    outcomeValue: live?.outcome,
  };
}

interface ReplayLoaders {
  progress: DataLoader<Replay, BatchProgress, string>;
  outcome: DataLoader<Replay, OutcomeValue, string>;
}

/** Per request: every replay of one response shares one progress and one outcome statement. */
const loaders = new WeakMap<RequestContext, ReplayLoaders>();

function loadersOf(ctx: RequestContext): ReplayLoaders {
  let l = loaders.get(ctx);
  if (!l) {
    const { service } = replaysOf(ctx, 'read');
    const jobOf = (r: Replay): ReplayJob => ({
      ...r,
      createdAt: r.createdAt.getTime(),
      startedAt: r.startedAt?.getTime() ?? null,
      finishedAt: r.finishedAt?.getTime() ?? null,
      version: 0,
      workspaceId: '',
    });
    l = {
      progress: new DataLoader((rs: readonly Replay[]) => service.progress(rs.map(jobOf)), { cacheKeyFn: (r) => r.id }),
      outcome: new DataLoader((rs: readonly Replay[]) => service.outcomes(rs.map(jobOf)), { cacheKeyFn: (r) => r.id }),
    };
    loaders.set(ctx, l);
  }
  return l;
}

interface ReplayUpdatedArgs {
  id: string;
}

/** Replays of undelivered messages (docs/replay.md): preview, create, follow, cancel. */
@Resolver(() => Replay)
export class ReplayResolver {
  @Cost({ query: true })
  @Query(() => ReplayPreview, {
    description: 'How many undelivered messages a replay of this input would hold, by reason and by mapping: the same definition as `undelivered`.',
  })
  async replayPreview(@Arg('input', () => ReplayInput) input: ReplayInput, @Ctx() ctx: RequestContext): Promise<ReplayPreview> {
    const { service, catalog } = replaysOf(ctx, 'read');
    const { selection } = await selectionOf(ctx, catalog, input);
    return service.preview(selection);
  }

  @Mutation(() => Replay, {
    description:
      'Freezes the undelivered messages of the input (those no active replay of the destination holds) into a replay, at most REPLAY_MAX_MESSAGES; it is then pushed to the replay endpoint, or pulled. The same idempotencyKey again returns the first replay. Needs the replay scope (admin implies it).',
  })
  async createReplay(@Args(() => CreateReplayArgs) args: CreateReplayArgs, @Ctx() ctx: RequestContext): Promise<Replay> {
    const { service, catalog } = replaysOf(ctx, 'replay');
    if (args.idempotencyKey != null && !IDEMPOTENCY_KEY.test(args.idempotencyKey))
      throw badInput('idempotencyKey is 1-128 visible ASCII characters', { field: 'idempotencyKey' });
    const { selection, asked } = await selectionOf(ctx, catalog, args.input);
    const job = await service.create(selection, { delivery: args.delivery, idempotencyKey: args.idempotencyKey ?? null, by: ctx.principal.tokenId, asked });
    return toReplay(job);
  }

  @Mutation(() => Replay, { description: 'Stops a pending or sending replay; batches already sent stay sent. Needs the replay scope.' })
  async cancelReplay(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Replay> {
    return toReplay(await replaysOf(ctx, 'replay').service.cancel(id, ctx.principal.tokenId));
  }

  @Query(() => Replay, { description: 'One replay of this workspace.' })
  async replay(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Replay> {
    return toReplay(await replaysOf(ctx, 'read').service.get(id));
  }

  @Cost({ list: { assumed: 20, arg: 'first', max: 100 } })
  @Query(() => [Replay], { description: "The workspace's replays, newest first. Page with `after`: the id of the last one." })
  async replays(@Args(() => ReplaysArgs) args: ReplaysArgs, @Ctx() ctx: RequestContext): Promise<Replay[]> {
    const { service } = replaysOf(ctx, 'read');
    const after = args.after == null ? null : await service.get(args.after);
    return (await service.list(args.first, after)).map((j) => toReplay(j));
  }

  @FieldResolver(() => ReplayProgress, { description: 'Batches and messages sent and acknowledged so far.' })
  async progress(@Root() replay: Replay, @Ctx() ctx: RequestContext): Promise<BatchProgress> {
    return replay.progressValue ?? loadersOf(ctx).progress.load(replay);
  }

  @Cost({ query: true, batched: true })
  @FieldResolver(() => ReplayOutcome, { description: "What later reports say of the replay's messages: recovered, failed again (by reason), still waiting." })
  async outcome(@Root() replay: Replay, @Ctx() ctx: RequestContext): Promise<OutcomeValue> {
    return replay.outcomeValue ?? loadersOf(ctx).outcome.load(replay);
  }

  @Cost({ query: true })
  @Subscription(() => Replay, {
    description: 'One replay now, then whenever its status, progress or outcome changes (one shared poll per replay, every LIVE_POLL_INTERVAL_MS).',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, ReplayUpdatedArgs, RequestContext>) => {
      const { service, wdb } = replaysOf(context, 'read');
      await service.get(args.id); // NOT_FOUND now, not at every poll
      return guarded(context, () =>
        context.services.hub.subscribe(
          wdb.workspaceId,
          `replay|${args.id}`,
          async () => {
            const job = await service.get(args.id);
            const [[progress], [outcome]] = await Promise.all([service.progress([job]), service.outcomes([job])]);
            return toReplay(job, { progress, outcome });
          },
          (r) => JSON.stringify([r.status, r.error, r.progressValue, r.outcomeValue]),
        ),
      );
    },
  })
  replayUpdated(@Root() payload: Replay, @Arg('id', () => ID) _id: string): Replay {
    return payload;
  }
}
