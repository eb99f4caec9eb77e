import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Scope } from '../../auth/scopes';
import type { RequestContext } from '../context';
import { ScopeEnum } from '../common/enums';

@Resolver()
export class TokenResolver {
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
