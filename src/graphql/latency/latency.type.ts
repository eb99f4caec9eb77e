import { Field, Float, ObjectType, registerEnumType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { LATENCY_RELATIVE_ERROR } from '../../domain/latency-buckets';
import { Count, DateTime } from '../common/scalars';
import { Cost } from '../common/cost';
import { bucketCount } from '../timeseries/timeseries.type';

export enum LatencyOutcome {
  DELIVERED = 'delivered',
  FAILED_DELIVERY = 'failed_delivery',
}
registerEnumType(LatencyOutcome, { name: 'LatencyOutcome', description: 'Which delivery attempts a latency covers: the successful ones or the failed ones.' });

const QUANTILE = `ms, nearest rank over events; within ${LATENCY_RELATIVE_ERROR * 100} % of the exact value (docs/api.md). Null when no event carried a latency.`;

@Directive(CACHE.inherit)
@ObjectType({ description: 'Latency quantiles of one bucket.' })
export class LatencyPoint {
  @Field(() => DateTime, { description: 'Bucket start (in the caller time zone for HOUR and DAY).' })
  at!: Date;
  @Field(() => Boolean, { description: 'True when the range covers only part of this bucket.' })
  partial!: boolean;
  @Field(() => Count, { description: 'Events with a latency in this bucket.' })
  count!: number;
  @Field(() => Float, { nullable: true, description: `Median, ${QUANTILE}` })
  p50!: number | null;
  @Field(() => Float, { nullable: true, description: `95th percentile, ${QUANTILE}` })
  p95!: number | null;
  @Field(() => Float, { nullable: true, description: `99th percentile, ${QUANTILE}` })
  p99!: number | null;
}

@Directive(CACHE.inherit)
@ObjectType({ description: "Latency of a destination's delivery attempts over a range (reports carrying latencyMs), and per bucket." })
export class Latency {
  @Field(() => LatencyOutcome)
  outcome!: LatencyOutcome;
  @Field(() => Count, { description: 'Events with a latency in the range (reports without latencyMs are left out).' })
  count!: number;
  @Field(() => Float, { nullable: true, description: `Median over the range, ${QUANTILE}` })
  p50!: number | null;
  @Field(() => Float, { nullable: true, description: `95th percentile over the range, ${QUANTILE}` })
  p95!: number | null;
  @Field(() => Float, { nullable: true, description: `99th percentile over the range, ${QUANTILE}` })
  p99!: number | null;
  @Field(() => Float, { description: 'The stated bound: every quantile here is within this fraction of the exact one (0.025).' })
  relativeError!: number;
  @Cost({ list: { assumed: 14 * 24 + 1, sizeOf: (_args, now, latencyArgs) => bucketCount(latencyArgs, now) } })
  @Field(() => [LatencyPoint], { description: 'Every bucket of the range, empty ones with count 0 and null quantiles.' })
  points!: LatencyPoint[];
}
