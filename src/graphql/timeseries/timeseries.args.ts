import { ArgsType, Field, ID } from 'type-graphql';
import { PipelineStepKind } from '../../domain/steps';
import type { Dimension, Granularity } from '../../metrics/timeseries.query';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import { DimensionEnum, GranularityEnum } from './timeseries.type';

@ArgsType()
export class TimeseriesArgs {
  @Field(() => PipelineStepKind)
  step!: PipelineStepKind;
  @Field(() => TimeRangeInput)
  range!: TimeRangeInput;
  @Field(() => GranularityEnum)
  granularity!: Granularity;
  @Field(() => [DimensionEnum], { nullable: true, description: 'Split into one series per value combination (at most 50 series, largest first).' })
  groupBy?: Dimension[] | null;
  @Field(() => ID, { nullable: true })
  mappingId?: string | null;
  @Field(() => EventFilter, { nullable: true })
  filter?: EventFilter | null;
}
