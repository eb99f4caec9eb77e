import { DirectiveLocation, GraphQLBoolean, GraphQLDirective, GraphQLEnumType, GraphQLInt, specifiedDirectives } from 'graphql';
import { CACHE_SECONDS } from '../../domain/cache-age';

/**
 * Apollo's `@cacheControl` directive, declared in the schema so type-graphql's
 * `@Directive(...)` can put hints on types and fields; Apollo's cache-control plugin reads
 * them. Fields returning an object, and root fields, are not cacheable without one.
 */
const cacheControlScope = new GraphQLEnumType({ name: 'CacheControlScope', values: { PUBLIC: {}, PRIVATE: {} } });

export const cacheControlDirective = new GraphQLDirective({
  name: 'cacheControl',
  description: 'How long an answer selecting this type or field may be cached (seconds); the HTTP answer says private, max-age=<the least of them>.',
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE, DirectiveLocation.UNION],
  args: { maxAge: { type: GraphQLInt }, scope: { type: cacheControlScope }, inheritMaxAge: { type: GraphQLBoolean } },
});

export const SCHEMA_DIRECTIVES = [...specifiedDirectives, cacheControlDirective];

/** The hints this schema uses, for `@Directive(CACHE.…)`; ranged fields are bounded further by their range (resolveRange). */
export const CACHE = {
  /** What an id names and never changes: a destination's kind, a discard reason. */
  fixed: `@cacheControl(maxAge: ${CACHE_SECONDS.settled})`,
  /** Lists and names of the catalogue: new ids arrive and display names change. */
  catalog: `@cacheControl(maxAge: ${CACHE_SECONDS.rolling})`,
  /** Live values (the retry-pending gauge) and answers that must never be reused. */
  never: '@cacheControl(maxAge: 0)',
  /** A value of the field above it (a step of a pipeline, a row of a breakdown): as cacheable as that field. */
  inherit: '@cacheControl(inheritMaxAge: true)',
} as const;
