import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { UNDELIVERED_DEFAULT_PAGE, UNDELIVERED_MAX_PAGE } from '../../metrics/undelivered.query';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';

@ArgsType()
export class UndeliveredArgs {
  @Field(() => TimeRangeInput, {
    description: 'When the final failures happened. `lookback` defaults to false here: a replay wants every failure known so far.',
  })
  range!: TimeRangeInput;
  @Field(() => ID, { nullable: true, description: 'Actions only: messages whose delivery through this mapping failed.' })
  mappingId?: string | null;
  @Field(() => String, { nullable: true, description: 'Only final failures with this discard reason code.' })
  reason?: string | null;
  @Field(() => EventFilter, { nullable: true, description: 'Only messages whose final failure report matches (event type, name, app version, enrichment).' })
  filter?: EventFilter | null;
  @Field(() => Int, { defaultValue: UNDELIVERED_DEFAULT_PAGE, description: `1-${UNDELIVERED_MAX_PAGE} messages, oldest failure first.` })
  @Min(1)
  @Max(UNDELIVERED_MAX_PAGE)
  first!: number;
  @Field(() => String, { nullable: true, description: 'The `cursor` of the last message of the previous page. A page shorter than `first` is the last one.' })
  after?: string | null;
}
