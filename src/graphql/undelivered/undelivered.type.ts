import { Field, ID, ObjectType, Directive } from 'type-graphql';
import { ReportedEvent } from '../common/event-fields';
import { CACHE } from '../common/cache-control';
import { DateTime } from '../common/scalars';

@Directive(CACHE.inherit)
@ObjectType({ description: 'A message whose last report for the destination is a final failure (failed delivery): one to replay.' })
export class UndeliveredMessage extends ReportedEvent {
  @Field(() => String, { description: "This row's position: pass it as `after` to list what follows it." })
  cursor!: string;
  @Field(() => String, { description: 'The messageId the reports carried.' })
  messageId!: string;
  @Field(() => ID, { nullable: true, description: 'Actions: the mapping whose delivery failed (a message is judged per mapping). Null for other kinds.' })
  mappingId!: string | null;
  @Field(() => String)
  sourceId!: string;
  @Field(() => String, { description: 'Discard reason code of the final failure.' })
  reason!: string;
  @Field(() => DateTime, { description: 'When the final failure was reported.' })
  at!: Date;
}
