import { Field, ObjectType } from 'type-graphql';

/**
 * What a report says of the event it is about: one shape for every type that shows a
 * report's event (a trace entry, an undelivered message, a sample, a failure of the tail).
 */
// Decorated so subclasses inherit the fields; never referenced, so never emitted as a type of its own.
@ObjectType()
export abstract class ReportedEvent {
  @Field(() => String, { description: "The event's type as reported (track, identify, …); empty when not reported." })
  eventType!: string;
  @Field(() => String, { description: "The event's name as reported; empty when not reported." })
  eventName!: string;
  @Field(() => String, { description: 'The app version that sent the event, as reported; empty when not reported.' })
  appVersion!: string;
}
