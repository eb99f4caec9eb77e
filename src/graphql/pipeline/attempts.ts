import { Ctx, Field, Float, FieldResolver, ObjectType, Resolver, Root, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { shareOf } from '../../domain/change';
import { PipelineStepKind } from '../../domain/steps';
import type { PipelineStepValue, PipelineValue } from '../../metrics/pipeline.build';
import type { OutcomeStep } from '../../metrics/latency.query';
import type { AttemptPeriods } from '../../metrics/attempts.query';
import { Count } from '../common/scalars';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import type { AttemptScope } from '../loaders';
import { PipelineStep } from './pipeline.type';

/** The steps that carry attempts, and the report step each counts. */
const ATTEMPT_STEPS: Partial<Record<PipelineStepKind, OutcomeStep>> = {
  [PipelineStepKind.SUCCESSFUL_DELIVERY]: 'delivered',
  [PipelineStepKind.FAILED_DELIVERY]: 'failed_delivery',
};

/** A step as a pipeline resolver returns it: `attemptScope` is not a field, only what `attempts` reads. */
type StepWithScope = PipelineStepValue & { attemptScope?: AttemptScope };

/** Marks the delivery steps of a pipeline as able to answer `attempts`: each carries the scope it was read with. */
export function withAttempts(pipeline: PipelineValue, scope: AttemptScope): PipelineValue {
  return { ...pipeline, steps: pipeline.steps.map((step): StepWithScope => (ATTEMPT_STEPS[step.kind] ? { ...step, attemptScope: scope } : step)) };
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'Events of a delivery step by attempt (reports may carry `attempt`, 1 = the first; docs/api.md).' })
export class Attempts {
  @Field(() => Count, { description: 'Events reported with attempt 1.' })
  firstAttempt!: number;
  @Field(() => Count, { description: 'Events reported with attempt 2 or later.' })
  afterRetries!: number;
  @Field(() => Count, { description: "Events reported without an attempt (never counted as first attempts): the step's count less the two above." })
  unknown!: number;
  @Field(() => Float, {
    nullable: true,
    description: "firstAttempt as a percent of the step's count (0–100); null when the count is 0. Unknown attempts count against it.",
  })
  firstAttemptShare!: number | null;
  @Field(() => Count, { description: 'Events reported with attempt 1 in the previous period.' })
  previousFirstAttempt!: number;
}

@Resolver(() => PipelineStep)
export class PipelineStepResolver {
  @Cost({ query: true, batched: true })
  @FieldResolver(() => Attempts, {
    nullable: true,
    description:
      'Successful and failed delivery only: the events of this step delivered (or failed) on the first attempt and after retries. Null on other steps.',
  })
  // The root as returned (a plain object), so `attemptScope` is there.
  async attempts(@Root() step: StepWithScope, @Ctx() ctx: RequestContext): Promise<Attempts | null> {
    const scope = step.attemptScope;
    const reportStep = ATTEMPT_STEPS[step.kind];
    if (!scope || !reportStep) return null;
    return attemptsOf((await ctx.forWorkspace().loaders.attempts.load(scope))[reportStep], step.count);
  }
}

/** The Attempts of a row whose events are `count`: unknown ones are what the two counts leave. */
export function attemptsOf(counts: AttemptPeriods, count: number): Attempts {
  const { firstAttempt, retried } = counts.now;
  return {
    firstAttempt,
    afterRetries: retried,
    unknown: Math.max(0, count - firstAttempt - retried),
    firstAttemptShare: shareOf(firstAttempt, count),
    previousFirstAttempt: counts.before.firstAttempt,
  };
}
