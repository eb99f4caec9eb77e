import { Field, ObjectType } from 'type-graphql';
import { MeasuredRow } from '../common/measured.type';

@ObjectType({ description: 'Events of one step for one event type, name and app version.' })
export class BreakdownRow extends MeasuredRow {
  @Field(() => String, { description: 'Empty when the producer did not report it.' })
  eventType!: string;
  @Field(() => String)
  eventName!: string;
  @Field(() => String)
  appVersion!: string;
}
