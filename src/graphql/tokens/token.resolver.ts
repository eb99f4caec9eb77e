import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Scope } from '../../auth/scopes';
import type { RequestContext } from '../context';
import { ScopeEnum } from '../common/enums';
import { Cost } from '../common/cost';
import { ApiToken } from './token.type';

@Resolver()
export class TokenResolver {
  @Query(() => [ApiToken], { description: 'Stored API tokens, oldest first: ids, workspaces, scopes, labels, created and last-used times (never a token). Root only.' })
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

  @Mutation(() => Boolean, { description: 'Revokes a token by its id (tok_…); false when no such active token exists. Root only.' })
  async revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    ctx.require('root');
    return ctx.services.tokens.revoke(id);
  }
}
