import { Field, ID, ObjectType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import type { DestinationKind } from '../../domain/steps';
import { DateTime } from '../common/scalars';
import { DestinationKindEnum } from '../common/enums';

@Directive(CACHE.fixed)
@ObjectType({ description: 'A source that reports events, discovered from its reports.' })
export class Source {
  @Field(() => ID, { description: 'The sourceId producers send.' })
  id!: string;
  @Directive(CACHE.catalog)
  @Field(() => String, { description: 'Display name; the id until one is set.' })
  name!: string;
  @Directive(CACHE.catalog)
  @Field(() => DateTime)
  firstSeenAt!: Date;
  @Directive(CACHE.catalog)
  @Field(() => DateTime)
  lastSeenAt!: Date;
}

@Directive(CACHE.fixed)
@ObjectType({ description: 'An Actions mapping of a destination.' })
export class Mapping {
  @Field(() => ID, { description: 'The mappingId producers send.' })
  id!: string;
  @Directive(CACHE.catalog)
  @Field(() => String)
  name!: string;
  @Directive(CACHE.catalog)
  @Field(() => DateTime)
  firstSeenAt!: Date;
  @Directive(CACHE.catalog)
  @Field(() => DateTime)
  lastSeenAt!: Date;
}

@Directive(CACHE.fixed)
@ObjectType({ description: 'A destination events are delivered to, discovered from its reports.' })
export class Destination {
  @Field(() => ID, { description: 'The destinationId producers send.' })
  id!: string;
  @Directive(CACHE.catalog)
  @Field(() => String, { description: 'Display name; the id until one is set.' })
  name!: string;
  @Field(() => DestinationKindEnum)
  kind!: DestinationKind;
  @Directive(CACHE.catalog)
  @Field(() => DateTime)
  firstSeenAt!: Date;
  @Directive(CACHE.catalog)
  @Field(() => DateTime)
  lastSeenAt!: Date;
}
