import { Field, ObjectType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { DateTime } from '../common/scalars';

/** The words every ranged answer uses for where its range ends. */
export const LOOKBACK_DESCRIPTION =
  'True when the 5-minute lookback set `to`: reports newer than `to` are not counted yet (pass lookback: false to count them). False when the range ends where it was asked to.';

@Directive(CACHE.inherit)
@ObjectType({
  description:
    'A range as the gateway resolved it, with the period before it. List answers (breakdown, discards, timeseries, insights, syncs) carry no range of their own: ask timeRange with the same input in the same request (one request reads the clock once) to learn where theirs ends.',
})
export class ResolvedTimeRange {
  @Field(() => DateTime, { description: 'Start, inclusive, floored to the minute.' })
  from!: Date;
  @Field(() => DateTime, { description: 'End, exclusive, floored to the minute.' })
  to!: Date;
  @Field(() => DateTime)
  previousFrom!: Date;
  @Field(() => DateTime)
  previousTo!: Date;
  @Field(() => String, { description: 'The IANA zone hour and day buckets use.' })
  timeZone!: string;
  @Field(() => Boolean, { description: LOOKBACK_DESCRIPTION })
  lookback!: boolean;
}
