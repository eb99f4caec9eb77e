import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { PipelineStepKind } from '../../domain/steps';
import type { Dimension } from '../../metrics/timeseries.query';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import { DimensionEnum } from '../timeseries/timeseries.type';

export const MAX_BREAKDOWN_ROWS = 1000;

@ArgsType()
export class BreakdownArgs {
  @Field(() => PipelineStepKind, { description: 'The first step, the last step, or a discard step.' })
  step!: PipelineStepKind;
  @Field(() => String, { nullable: true, description: 'Discard steps only: one reason code.' })
  reason?: string | null;
  @Field(() => TimeRangeInput)
  range!: TimeRangeInput;
  @Field(() => ID, { nullable: true })
  mappingId?: string | null;
  @Field(() => EventFilter, { nullable: true })
  filter?: EventFilter | null;
  @Field(() => [DimensionEnum], {
    nullable: true,
    description:
      'What a row stands for (the fields of the others are null). Streaming kinds: any of EVENT_TYPE, EVENT_NAME, APP_VERSION (default all three), and MAPPING on Actions destinations; Reverse ETL: OPERATION, MAPPING (default both); audience: AUDIENCE, OPERATION (default both). REASON is not one: the discard table splits by reason.',
  })
  groupBy?: Dimension[] | null;
  @Field(() => Int, { defaultValue: 100, description: `Rows to return, 1-${MAX_BREAKDOWN_ROWS}, largest first.` })
  @Min(1)
  @Max(MAX_BREAKDOWN_ROWS)
  first!: number;
}
