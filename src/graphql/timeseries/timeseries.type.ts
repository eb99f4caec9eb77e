import { Field, ObjectType, registerEnumType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { DIMENSIONS, GRANULARITIES } from '../../metrics/timeseries.query';
import { Count, DateTime } from '../common/scalars';
import { Cost } from '../common/cost';
import { resolveTimeRange } from '../../domain/time-range';
import { buckets, type Granularity } from '../../metrics/timeseries.query';

/** The most buckets a series can have (two weeks of hours, and one partial). */
const MAX_BUCKETS = 14 * 24 + 1;

/**
 * Points of one series, for the cost: one per bucket of the timeseries' range and
 * granularity, zeros included, so a few stored rows can make thousands of points.
 */
export function bucketCount(timeseriesArgs: Record<string, unknown>, now: number): number | undefined {
  try {
    const range = resolveTimeRange(timeseriesArgs.range as Parameters<typeof resolveTimeRange>[0], now);
    return Math.min(MAX_BUCKETS, buckets(range, timeseriesArgs.granularity as Granularity).length);
  } catch {
    return undefined; // invalid arguments are refused by the resolver; priced at the most
  }
}

export const GranularityEnum = Object.fromEntries(GRANULARITIES.map((g) => [g, g])) as Record<(typeof GRANULARITIES)[number], (typeof GRANULARITIES)[number]>;
registerEnumType(GranularityEnum, { name: 'Granularity', description: 'Bucket size of a timeseries. MINUTE allows ranges up to 4 hours.' });
export const DimensionEnum = Object.fromEntries(DIMENSIONS.map((d) => [d, d])) as Record<(typeof DIMENSIONS)[number], (typeof DIMENSIONS)[number]>;
registerEnumType(DimensionEnum, { name: 'Dimension', description: 'What a timeseries or an insight can be split by.' });

@Directive(CACHE.inherit)
@ObjectType({ description: 'A count at one bucket start.' })
export class Point {
  @Field(() => DateTime, { description: 'Bucket start (in the caller time zone for HOUR and DAY).' })
  at!: Date;
  @Field(() => Count)
  count!: number;
  @Field(() => Boolean, {
    description:
      'True when the range covers only part of this bucket (the first may start before `from`, the last end after `to`): its count is not comparable with full buckets; charts can mark it.',
  })
  partial!: boolean;
}

@Directive(CACHE.inherit)
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
  @Cost({ list: { assumed: MAX_BUCKETS, sizeOf: (_args, now, timeseriesArgs) => bucketCount(timeseriesArgs, now) } })
  @Field(() => [Point], { description: 'Every bucket of the range, zeros included.' })
  points!: Point[];
}
