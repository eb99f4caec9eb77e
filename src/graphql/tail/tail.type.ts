import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ReportedEvent } from '../common/event-fields';
import { PipelineStepKind } from '../../domain/steps';
import { Cost } from '../common/cost';
import { DateTime } from '../common/scalars';

@ObjectType({ description: 'One failed or filtered report, as it was stored.' })
export class DeliveryFailure extends ReportedEvent {
  @Field(() => DateTime, { description: 'The time the report carried.' })
  at!: Date;
  @Field(() => String, { nullable: true, description: 'The messageId it carried, if any.' })
  messageId!: string | null;
  @Field(() => PipelineStepKind)
  step!: PipelineStepKind;
  @Field(() => String, { description: 'The discard reason code.' })
  reason!: string;
  @Field(() => ID, { nullable: true })
  mappingId!: string | null;
  @Field(() => ID)
  sourceId!: string;
  @Field(() => Int, { nullable: true, description: 'Which delivery attempt failed (failed deliveries that reported it).' })
  attempt!: number | null;
  @Field(() => Int, { description: 'Events the report stands for.' })
  count!: number;
}

@ObjectType({ description: 'Reports stored since the previous push, at most LIVE_TAIL_MAX_PER_SECOND a second; `more` counts those left out.' })
export class DeliveryFailureBatch {
  @Cost({ list: { assumed: 20 } })
  @Field(() => [DeliveryFailure], { description: 'Oldest first as stored; empty in the first push (the tail is live) and in a push that only counts.' })
  failures!: DeliveryFailure[];
  @Field(() => Int, { description: 'Matching reports not sent since the previous push: over the per-second cap.' })
  more!: number;
  @Field(() => DateTime, { description: 'When this push left the gateway.' })
  at!: Date;
}
