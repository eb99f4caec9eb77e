import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DIMENSIONS, GRANULARITIES } from '../../metrics/timeseries.query';
import { Count, DateTime } from '../common/scalars';
import { Cost } from '../common/cost';

export const GranularityEnum = Object.fromEntries(GRANULARITIES.map((g) => [g, g])) as Record<(typeof GRANULARITIES)[number], (typeof GRANULARITIES)[number]>;
registerEnumType(GranularityEnum, { name: 'Granularity', description: 'Bucket size of a timeseries. MINUTE allows ranges up to 4 hours.' });
export const DimensionEnum = Object.fromEntries(DIMENSIONS.map((d) => [d, d])) as Record<(typeof DIMENSIONS)[number], (typeof DIMENSIONS)[number]>;
registerEnumType(DimensionEnum, { name: 'Dimension', description: 'What a timeseries or an insight can be split by.' });

@ObjectType({ description: 'A count at one bucket start.' })
export class Point {
  @Field(() => DateTime, { description: 'Bucket start (in the caller time zone for HOUR and DAY).' })
  at!: Date;
  @Field(() => Count)
  count!: number;
  @Field(() => Boolean, {
    description: 'True when the range covers only part of this bucket (the first may start before `from`, the last end after `to`): its count is not comparable with full buckets; charts can mark it.',
  })
  partial!: boolean;
}

@ObjectType({ description: 'One line of a timeseries: the dimensions it was split by (null when not split) and its points.' })
export class Series {
  @Field(() => String, { nullable: true })
  eventType!: string | null;
  @Field(() => String, { nullable: true })
  eventName!: string | null;
  @Field(() => String, { nullable: true })
  appVersion!: string | null;
  @Field(() => String, { nullable: true })
  reason!: string | null;
  @Field(() => Count)
  total!: number;
  @Cost({ list: { assumed: 10 } })
  @Field(() => [Point], { description: 'Every bucket of the range, zeros included.' })
  points!: Point[];
}
