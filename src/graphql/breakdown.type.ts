import { Field, Float, ObjectType } from 'type-graphql';
import { Change } from './pipeline.type';
import { Count } from './scalars';

@ObjectType({ description: 'Events of one step for one event type, name and app version.' })
export class BreakdownRow {
  @Field(() => String, { description: 'Empty when the producer did not report it.' })
  eventType!: string;
  @Field(() => String)
  eventName!: string;
  @Field(() => String)
  appVersion!: string;
  @Field(() => Count)
  count!: number;
  @Field(() => Count)
  previousCount!: number;
  @Field(() => Float, { nullable: true, description: 'Percent of Successfully received.' })
  share!: number | null;
  @Field(() => Change)
  change!: Change;
}
