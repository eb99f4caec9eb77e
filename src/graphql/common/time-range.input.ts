import { Field, InputType, registerEnumType } from 'type-graphql';
import { TimeRangePreset } from '../../domain/time-range';
import { DateTime } from './scalars';

registerEnumType(TimeRangePreset, { name: 'TimeRangePreset', description: 'The ranges the time picker offers.' });

@InputType({ description: 'A preset, or a custom from/to inside the last 14 days. The previous period is the same length right before.' })
export class TimeRangeInput {
  @Field(() => TimeRangePreset, { nullable: true })
  preset?: TimeRangePreset | null;

  @Field(() => DateTime, { nullable: true, description: 'Start of a custom range (inclusive, floored to the minute).' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'End of a custom range (exclusive, floored to the minute).' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone for day and hour buckets, e.g. Europe/Berlin. Default UTC.' })
  timeZone?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'End the range at now − 5 minutes so late reports do not make the last minutes jump. Default true (false for subscriptions).',
  })
  lookback?: boolean | null;
}

@InputType({ description: 'Narrows counts to matching events. Each list is OR within itself; fields are ANDed.' })
export class EventFilter {
  @Field(() => [String], { nullable: true })
  eventTypes?: string[] | null;

  @Field(() => [String], { nullable: true })
  eventNames?: string[] | null;

  @Field(() => [String], { nullable: true })
  appVersions?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  enriched?: boolean | null;
}
