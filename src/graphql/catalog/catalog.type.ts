import { Field, ID, ObjectType } from 'type-graphql';
import type { DestinationKind } from '../../domain/steps';
import { DateTime } from '../common/scalars';
import { DestinationKindEnum } from '../common/enums';

@ObjectType({ description: 'A source that reports events, discovered from its reports.' })
export class Source {
  @Field(() => ID, { description: 'The sourceId producers send.' })
  id!: string;
  @Field(() => String, { description: 'Display name; the id until one is set.' })
  name!: string;
  @Field(() => DateTime)
  firstSeenAt!: Date;
  @Field(() => DateTime)
  lastSeenAt!: Date;
}

@ObjectType({ description: 'An Actions mapping of a destination.' })
export class Mapping {
  @Field(() => ID, { description: 'The mappingId producers send.' })
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => DateTime)
  firstSeenAt!: Date;
  @Field(() => DateTime)
  lastSeenAt!: Date;
}

@ObjectType({ description: 'A destination events are delivered to, discovered from its reports.' })
export class Destination {
  @Field(() => ID, { description: 'The destinationId producers send.' })
  id!: string;
  @Field(() => String, { description: 'Display name; the id until one is set.' })
  name!: string;
  @Field(() => DestinationKindEnum)
  kind!: DestinationKind;
  @Field(() => DateTime)
  firstSeenAt!: Date;
  @Field(() => DateTime)
  lastSeenAt!: Date;
}
