import { Field, ObjectType } from 'type-graphql';
import { MeasuredRow } from '../common/measured.type';

@ObjectType({ description: 'Events of one step for one combination of the dimensions grouped by (event type, name, app version).' })
export class BreakdownRow extends MeasuredRow {
  @Field(() => String, { nullable: true, description: 'Empty when the producer did not report it; null when not grouped by EVENT_TYPE.' })
  eventType!: string | null;
  @Field(() => String, { nullable: true, description: 'Null when not grouped by EVENT_NAME.' })
  eventName!: string | null;
  @Field(() => String, { nullable: true, description: 'Null when not grouped by APP_VERSION.' })
  appVersion!: string | null;
}
