import { Field, Float, ObjectType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { PipelineStepKind } from '../common/enums';
import { Count, DateTime } from '../common/scalars';
import { Cost } from '../common/cost';
import { LOOKBACK_DESCRIPTION } from '../timerange/timerange.type';

@Directive(CACHE.inherit)
@ObjectType({ description: 'How a count moved against the previous period, three ways.' })
export class Change {
  @Field(() => Count, { nullable: true, description: 'count now − count before.' })
  count!: number | null;

  @Field(() => Float, { nullable: true, description: '(now − before) / before × 100; null when before is 0.' })
  relativePercent!: number | null;

  @Field(() => Float, { nullable: true, description: 'share now − share before, in percentage points (15% → 22% is 7).' })
  percentagePoints!: number | null;
}

export const MAPPING_SHARE_DESCRIPTION =
  'With mappingId, for destination-side steps (filtered at destination, failed and successful delivery): percent of the events that reached that mapping (its filtered + failed + delivered events in the range). Null without a mapping and on source-side steps. With a mapping selected, dashboards show this one for destination-side steps.';

@Directive(CACHE.inherit)
@ObjectType({ description: 'One box of the pipeline view.' })
export class PipelineStep {
  @Field(() => PipelineStepKind)
  kind!: PipelineStepKind;

  @Field(() => String)
  label!: string;

  @Field(() => Count, { description: 'Events in the range (syncs for the sync steps; the live gauge for RETRY_PENDING).' })
  count!: number;

  @Field(() => Count, { nullable: true, description: 'The same count in the previous period; null for the live gauge.' })
  previousCount!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Percent of Successfully received (0–100); null for sync counts, the gauge, or when nothing was received.',
  })
  share!: number | null;

  @Field(() => Float, { nullable: true, description: MAPPING_SHARE_DESCRIPTION })
  mappingShare!: number | null;

  @Field(() => Boolean, { description: 'True for steps where events leave the pipeline.' })
  isDiscard!: boolean;

  @Field(() => Change)
  change!: Change;
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'Where events went, step by step, for one destination (or one source: `Source.pipeline`, `SourceDestination.pipeline`).' })
export class Pipeline {
  @Field(() => DateTime)
  from!: Date;
  @Field(() => DateTime)
  to!: Date;
  @Field(() => Boolean, { description: LOOKBACK_DESCRIPTION })
  lookback!: boolean;
  @Field(() => DateTime)
  previousFrom!: Date;
  @Field(() => DateTime)
  previousTo!: Date;

  @Cost({ list: { assumed: 10 } })
  @Field(() => [PipelineStep])
  steps!: PipelineStep[];

  @Directive(CACHE.never)
  @Field(() => Count, {
    nullable: true,
    description: 'Events waiting for a retry right now (null for storage destinations and for the per-source pipelines: the gauge is not kept per source).',
  })
  retryPending!: number | null;
}
