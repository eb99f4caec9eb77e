import { Field, ObjectType } from 'type-graphql';
import { ReportedEvent } from '../common/event-fields';
import type { ReportStep } from '../../domain/steps';
import { PipelineStepKind, ReportStepEnum } from '../common/enums';
import { Count, DateTime } from '../common/scalars';

@ObjectType({ description: 'One report about a message: a step it went through.' })
export class TraceEntry extends ReportedEvent {
  @Field(() => DateTime)
  at!: Date;
  @Field(() => PipelineStepKind, {
    description:
      'The pipeline box this report counts in: both retry steps are RETRY_PENDING (reportStep tells entering from leaving), delivered is SUCCESSFUL_DELIVERY, or EVENTS_TO_WAREHOUSE_ROWS on a storage destination.',
  })
  step!: PipelineStepKind;
  @Field(() => ReportStepEnum, { description: 'The step as the producer reported it to /v1/ingest.' })
  reportStep!: ReportStep;
  @Field(() => String)
  sourceId!: string;
  @Field(() => String, { nullable: true })
  destinationId!: string | null;
  @Field(() => String, { nullable: true })
  mappingId!: string | null;
  @Field(() => String, { nullable: true })
  reason!: string | null;
  @Field(() => Count)
  count!: number;
}
