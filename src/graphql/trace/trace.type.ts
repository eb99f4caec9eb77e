import { Field, ObjectType } from 'type-graphql';
import type { ReportStep } from '../../domain/steps';
import { ReportStepEnum } from '../common/enums';
import { Count, DateTime } from '../common/scalars';

@ObjectType({ description: 'One report about a message: a step it went through.' })
export class TraceEntry {
  @Field(() => DateTime)
  at!: Date;
  @Field(() => ReportStepEnum, { description: 'The step as reported.' })
  step!: ReportStep;
  @Field(() => String)
  sourceId!: string;
  @Field(() => String, { nullable: true })
  destinationId!: string | null;
  @Field(() => String, { nullable: true })
  mappingId!: string | null;
  @Field(() => String, { nullable: true })
  reason!: string | null;
  @Field(() => String)
  eventType!: string;
  @Field(() => String)
  eventName!: string;
  @Field(() => String)
  appVersion!: string;
  @Field(() => Count)
  count!: number;
}
