import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { DISCARD_REASONS, findDiscardReason } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { discardKindOf, PIPELINE_STEPS, PipelineStepKind } from '../../domain/steps';
import type { RequestContext } from '../context';
import { DiscardReason } from '../discards/discard.type';
import { Cost } from '../common/cost';

@Resolver()
export class ReasonResolver {
  @Cost({ list: { assumed: 80 } })
  @Query(() => [DiscardReason], { description: 'The remedy catalogue: every known discard reason, optionally for one discard step.' })
  discardReasons(@Arg('step', () => PipelineStepKind, { nullable: true }) step: PipelineStepKind | null | undefined, @Ctx() ctx: RequestContext): DiscardReason[] {
    ctx.forWorkspace();
    // Omitted (undefined) and explicit null both mean every discard step.
    if (step != null && !PIPELINE_STEPS[step].isDiscard) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${step} is not a discard step`, { field: 'step' });
    }
    return DISCARD_REASONS.filter((r) => step == null || discardKindOf(r.step) === step).map((r) => ({
      ...r,
      step: discardKindOf(r.step)!,
      unknown: findDiscardReason(r.step, r.code) === undefined,
    }));
  }
}
