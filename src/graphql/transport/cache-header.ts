import type { BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';

type CachePolicy = GraphQLRequestContextWillSendResponse<BaseContext>['overallCachePolicy'];

/** What decides an answer's Cache-Control header. */
export interface CacheFacts {
  /** query, mutation (subscriptions never reach HTTP), or null when no operation ran. */
  operationType: string | null;
  hasErrors: boolean;
  /** Apollo's policy from the fields' @cacheControl hints (its cache-control plugin). */
  policy: CachePolicy;
  /** The least age the answer's ranges allow (RequestContext.maxAgeFromRanges). */
  rangeMaxAge: number;
}

/**
 * The one Cache-Control rule of GraphQL over HTTP: answers are per workspace, so never
 * `public`; the age is the least of what the fields' hints and the ranges they read allow;
 * mutations, errors and anything whose hints say 0 (live values, tokens, alerts) are
 * `no-store`.
 */
export function cacheControlHeader(facts: CacheFacts): string {
  if (facts.operationType !== 'query' || facts.hasErrors) return 'no-store';
  const maxAge = Math.min(facts.policy.policyIfCacheable()?.maxAge ?? 0, facts.rangeMaxAge);
  return maxAge > 0 ? `private, max-age=${maxAge}` : 'no-store';
}
