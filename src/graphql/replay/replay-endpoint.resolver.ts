import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { redactUrl } from '../../alerts/rules';
import { badInput } from '../../domain/errors';
import { checkEndpointUrl, nextEndpoint, type ReplayEndpointValue } from '../../replay/endpoint';
import type { RequestContext } from '../context';
import { ReplayEndpoint, ReplayEndpointChange } from './replay.type';

function toEndpoint(e: ReplayEndpointValue, now: number): ReplayEndpoint {
  return {
    url: redactUrl(e.url) ?? '',
    secretSetAt: new Date(e.secretSetAt),
    previousSecretUntil: e.previousSecret !== null && e.previousUntil > now ? new Date(e.previousUntil) : null,
    updatedBy: e.updatedBy,
    updatedAt: new Date(e.updatedAt),
  };
}

/** The workspace's replay endpoint: where pushed replays go, and the secret that signs them (admin scope). */
@Resolver()
export class ReplayEndpointResolver {
  @Query(() => ReplayEndpoint, { nullable: true, description: "Where this workspace's pushed replays go; null until an admin sets it." })
  async replayEndpoint(@Ctx() ctx: RequestContext): Promise<ReplayEndpoint | null> {
    const { wdb } = ctx.forWorkspace('read');
    const e = await ctx.services.replays.endpoints.get(wdb);
    return e && toEndpoint(e, ctx.now);
  }

  @Mutation(() => ReplayEndpointChange, {
    description:
      'Sets the replay endpoint (https, unless the gateway allows http; public addresses only, as alert webhooks). The first call makes a Standard Webhooks signing secret and returns it, this once; later calls keep it unless rotateSecret. Needs the admin scope.',
  })
  async setReplayEndpoint(
    @Arg('url', () => String) url: string,
    @Arg('rotateSecret', () => Boolean, { defaultValue: false }) rotateSecret: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<ReplayEndpointChange> {
    const { wdb } = ctx.forWorkspace('admin');
    const checked = checkEndpointUrl(url, ctx.services.replays.endpointRules);
    const current = await ctx.services.replays.endpoints.get(wdb);
    const { endpoint, newSecret } = nextEndpoint(current, checked, rotateSecret, ctx.principal.tokenId, ctx.now);
    await ctx.services.replays.endpoints.write(wdb, endpoint);
    return { endpoint: toEndpoint(endpoint, ctx.now), secret: newSecret };
  }

  @Mutation(() => ReplayEndpointChange, {
    description:
      'Makes a new signing secret and returns it, this once. The previous one keeps signing beside it for 24 hours, so receivers can switch without losing a batch. Needs the admin scope.',
  })
  async rotateReplayEndpointSecret(@Ctx() ctx: RequestContext): Promise<ReplayEndpointChange> {
    const { wdb } = ctx.forWorkspace('admin');
    const current = await ctx.services.replays.endpoints.get(wdb);
    if (current === null) throw badInput('This workspace has no replay endpoint yet: setReplayEndpoint makes one with its secret', { field: 'url' });
    const { endpoint, newSecret } = nextEndpoint(current, current.url, true, ctx.principal.tokenId, ctx.now);
    await ctx.services.replays.endpoints.write(wdb, endpoint);
    return { endpoint: toEndpoint(endpoint, ctx.now), secret: newSecret };
  }
}
