import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Scope } from '../../auth/scopes';
import { AppError, ErrorCode } from '../../domain/errors';
import type { RequestContext } from '../context';
import { ScopeEnum } from '../common/enums';
import { Cost } from '../common/cost';
import { ApiToken, Viewer } from './token.type';

@Resolver()
export class TokenResolver {
  // Any valid token may ask: a page offers only the actions the token may take (replays need
  // the replay scope) instead of letting the reader run into FORBIDDEN.
  @Query(() => Viewer, { description: 'The token making this request: its id, workspace and scopes (implied ones included). Any valid token.' })
  viewer(@Ctx() ctx: RequestContext): Viewer {
    return Viewer.of(ctx.principal);
  }

  @Query(() => [ApiToken], {
    description: 'Stored API tokens, oldest first: ids, workspaces, scopes, labels, created and last-used times (never a token). Root only.',
  })
  @Cost({ list: { assumed: 100 } })
  async apiTokens(
    @Arg('workspaceId', () => ID, { nullable: true, description: "Only this workspace's tokens." }) workspaceId: string | null,
    @Arg('includeRevoked', () => Boolean, { defaultValue: false, description: 'List revoked tokens too.' }) includeRevoked: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<ApiToken[]> {
    ctx.require('root');
    return (await ctx.services.tokens.list({ workspaceId, includeRevoked })).map(ApiToken.of);
  }

  @Mutation(() => String, { description: 'Creates a token bound to one workspace and returns it; it is not shown again. Root only.' })
  async createApiToken(
    @Arg('workspaceId', () => ID) workspaceId: string,
    @Arg('scopes', () => [ScopeEnum]) scopes: Scope[],
    @Arg('label', () => String, { nullable: true, description: 'A note for operators, e.g. who holds the token.' }) label: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    ctx.require('root');
    const { token } = await ctx.services.tokens.create(workspaceId, scopes, label ?? '');
    return token;
  }

  @Mutation(() => Boolean, {
    description: 'Revokes a token by its id (tok_…); false when no such active token exists. Root only; a root token cannot revoke itself.',
  })
  async revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    ctx.require('root');
    // Revoking the token making the call would lock operators out: a generated root token is the
    // only one, and no API call can make another. Rotation goes through ROOT_TOKEN instead.
    if (ctx.services.tokens.idOf(id) === ctx.principal.tokenId) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        'A root token cannot revoke itself: it would leave no token to administer with. To replace it, set ROOT_TOKEN and restart (earlier root tokens are then revoked)',
        { field: 'id' },
      );
    }
    return ctx.services.tokens.revoke(id);
  }
}
