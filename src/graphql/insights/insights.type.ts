import { Field, Float, ObjectType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { DiscardReason } from '../discards/discard.type';
import { PipelineStepKind } from '../common/enums';
import { Count } from '../common/scalars';
import { Cost } from '../common/cost';
import { DimensionEnum } from '../timeseries/timeseries.type';

@Directive(CACHE.inherit)
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
  @Field(() => Count, { description: 'count − previousCount, in events.' })
  delta!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      "This value's part in the insight's percentagePoints: (count/received − previousCount/previousReceived) − previous overall rate × the change in this value's share of received (docs/api.md, Insights). Contributors are ranked by it; when producers report the dimension on received too, the parts of all values of one dimension add up to percentagePoints. Null when a period received nothing.",
  })
  percentagePoints!: number | null;
}

@Directive(CACHE.inherit)
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
