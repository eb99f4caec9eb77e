import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { SyncStatus } from '../../domain/steps';
import { DIMENSIONS, GRANULARITIES } from '../../metrics/timeseries.query';
import { DiscardReason } from '../discards/discard.type';
import { PipelineStepKind, SyncStatusEnum } from '../common/enums';
import { Count, DateTime } from '../common/scalars';
import { Cost } from '../common/cost';

export const GranularityEnum = Object.fromEntries(GRANULARITIES.map((g) => [g, g])) as Record<(typeof GRANULARITIES)[number], (typeof GRANULARITIES)[number]>;
registerEnumType(GranularityEnum, { name: 'Granularity', description: 'Bucket size of a timeseries. MINUTE allows ranges up to 4 hours.' });
export const DimensionEnum = Object.fromEntries(DIMENSIONS.map((d) => [d, d])) as Record<(typeof DIMENSIONS)[number], (typeof DIMENSIONS)[number]>;
registerEnumType(DimensionEnum, { name: 'Dimension', description: 'What a timeseries or an insight can be split by.' });

@ObjectType({ description: 'One collection (table) of a warehouse sync.' })
export class SyncCollection {
  @Field(() => String)
  name!: string;
  @Field(() => Count)
  rowsSynced!: number;
  @Field(() => Count)
  rowsFailed!: number;
  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@ObjectType({ description: 'One sync of a storage destination to its warehouse.' })
export class WarehouseSync {
  @Field(() => ID, { description: 'The syncId the loader reported.' })
  id!: string;
  @Field(() => DateTime)
  startedAt!: Date;
  @Field(() => DateTime)
  finishedAt!: Date;
  @Field(() => SyncStatusEnum)
  status!: SyncStatus;
  @Field(() => String, { nullable: true })
  reason!: string | null;
  @Cost({ list: { assumed: 10 } })
  @Field(() => [SyncCollection])
  collections!: SyncCollection[];
  @Field(() => Count, { description: 'Rows synced over all collections.' })
  rowsSynced!: number;
  @Field(() => Count, { description: 'Rows that failed over all collections.' })
  rowsFailed!: number;
  @Field(() => Int, { description: 'Collections with at least one failed row.' })
  failedCollections!: number;
}

@ObjectType({ description: 'A count at one bucket start.' })
export class Point {
  @Field(() => DateTime, { description: 'Bucket start (in the caller time zone for HOUR and DAY).' })
  at!: Date;
  @Field(() => Count)
  count!: number;
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

@ObjectType({ description: 'An event name or app version that explains part of a movement.' })
export class Contributor {
  @Field(() => DimensionEnum)
  dimension!: string;
  @Field(() => String)
  value!: string;
  @Field(() => Count)
  count!: number;
  @Field(() => Count)
  previousCount!: number;
  @Field(() => Count, { description: 'count − previousCount.' })
  delta!: number;
}

@ObjectType({ description: 'A step (and reason) whose rate moved most against the previous period.' })
export class Insight {
  @Field(() => PipelineStepKind)
  step!: PipelineStepKind;
  @Field(() => DiscardReason, { nullable: true, description: 'For discard steps: the reason that moved.' })
  reason!: DiscardReason | null;
  @Field(() => Count)
  count!: number;
  @Field(() => Count)
  previousCount!: number;
  @Field(() => Float, { nullable: true })
  share!: number | null;
  @Field(() => Float, { nullable: true })
  previousShare!: number | null;
  @Field(() => Float, { nullable: true, description: 'share − previousShare.' })
  percentagePoints!: number | null;
  @Field(() => Float, { nullable: true })
  relativePercent!: number | null;
  @Cost({ list: { assumed: 6 } })
  @Field(() => [Contributor], { description: 'Event names and app versions that explain most of the movement.' })
  contributors!: Contributor[];
}
