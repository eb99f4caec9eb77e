import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { DISCARD_REASONS, findDiscardReason } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { kindsShowing, PIPELINE_STEPS, PipelineStepKind, pipelineStepOf, type DestinationKind } from '../../domain/steps';
import { DestinationKindEnum } from '../common/enums';
import type { RequestContext } from '../context';
import { DiscardReason } from '../discards/discard.type';
import { Cost } from '../common/cost';

@Resolver()
export class ReasonResolver {
  @Cost({ list: { assumed: 80 } })
  @Query(() => [DiscardReason], {
    description: 'The remedy catalogue: every known discard reason, optionally for one discard step (of the kinds that show it) or one destination kind.',
  })
  discardReasons(
    @Arg('step', () => PipelineStepKind, { nullable: true }) step: PipelineStepKind | null | undefined,
    @Arg('kind', () => DestinationKindEnum, { nullable: true, description: 'Only the codes producers of this destination kind report.' })
    kind: DestinationKind | null | undefined,
    @Ctx() ctx: RequestContext,
  ): DiscardReason[] {
    ctx.forWorkspace();
    // Omitted (undefined) and explicit null both mean every discard step.
    if (step != null && !PIPELINE_STEPS[step].isDiscard) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${step} is not a discard step`, { field: 'step' });
    }
    // A box shared by several kinds (Filtered at destination) lists the codes of every kind that shows it.
    const showing = step != null ? kindsShowing(step) : null;
    return DISCARD_REASONS.filter(
      (r) =>
        (step == null || (r.step === PIPELINE_STEPS[step].reportStep && r.kinds.some((k) => showing!.includes(k)))) && (kind == null || r.kinds.includes(kind)),
    ).map((r) => ({
      ...r,
      // The box the code is shown in: FILTERED_AT_MAPPING for a Reverse ETL-only code of filtered_destination.
      step: pipelineStepOf(r.step, kind ?? (step != null ? r.kinds.find((k) => showing!.includes(k))! : r.kinds[0])),
      unknown: findDiscardReason(r.step, r.code) === undefined,
    }));
  }
}
