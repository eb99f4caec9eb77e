import { Field, ID, ObjectType } from 'type-graphql';
import type { TokenInfo } from '../../auth/tokens';
import { ScopeEnum } from '../common/enums';
import { DateTime } from '../common/scalars';
import { holdsScope, WORKSPACE_SCOPES, type Principal, type Scope } from '../../auth/scopes';
import { Cost } from '../common/cost';

@ObjectType({ description: 'An API token as operators may see it: never the token itself nor its hash.' })
export class ApiToken {
  @Field(() => ID, { description: 'The public id (tok_…): what revokeApiToken takes and logs show.' })
  id!: string;

  @Field(() => ID, { nullable: true, description: 'The workspace it is bound to; null for root tokens.' })
  workspaceId!: string | null;

  @Field(() => [ScopeEnum], { description: 'What it may do (empty for root tokens, see root).' })
  @Cost({ list: { assumed: WORKSPACE_SCOPES.length } })
  scopes!: Scope[];

  @Field({ description: 'A root token: creates and revokes tokens, reads no workspace.' })
  root!: boolean;

  @Field({ description: 'The note given at creation.' })
  label!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'Its last successful authentication; null when not used since this was tracked. Exact for uses on the replica that answers, at most a minute behind for uses on other replicas (each writes its uses once a minute).',
  })
  lastUsedAt!: Date | null;

  @Field({ description: 'Revoked: it no longer authenticates (listed only with includeRevoked).' })
  revoked!: boolean;

  static of(t: TokenInfo): ApiToken {
    return Object.assign(new ApiToken(), {
      id: t.tokenId,
      workspaceId: t.workspaceId,
      scopes: t.scopes.filter((s) => s !== 'root'),
      root: t.scopes.includes('root'),
      label: t.label,
      createdAt: new Date(t.createdAt),
      lastUsedAt: t.lastUsedAt === null ? null : new Date(t.lastUsedAt),
      revoked: t.revoked,
    });
  }
}

@ObjectType({ description: 'The token making this request, as a client needs it to know which actions to offer: never the token itself.' })
export class Viewer {
  @Field(() => ID, { description: 'Its public id (tok_…): what createdBy, cancelledBy and acknowledgement.by name.' })
  tokenId!: string;

  @Field(() => ID, { nullable: true, description: 'The workspace it is bound to; null for a root token.' })
  workspaceId!: string | null;

  @Field(() => [ScopeEnum], { description: 'What it may do, implied scopes included (admin brings replay); empty for a root token.' })
  @Cost({ list: { assumed: WORKSPACE_SCOPES.length } })
  scopes!: Scope[];

  @Field({ description: 'A root token: creates and revokes tokens, reads no workspace.' })
  root!: boolean;

  static of(p: Principal): Viewer {
    return Object.assign(new Viewer(), {
      tokenId: p.tokenId,
      workspaceId: p.workspaceId,
      scopes: WORKSPACE_SCOPES.filter((s) => holdsScope(p.scopes, s)),
      root: p.scopes.has('root'),
    });
  }
}
