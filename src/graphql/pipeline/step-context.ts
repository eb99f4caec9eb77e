import { reachedMapping } from '../../metrics/pipeline.build';
import type { StepScope } from '../../metrics/step-scope';
import { entryStepOf, type ReportStep } from '../../domain/steps';
import type { Destination } from '../catalog/catalog.type';
import type { EventFilter, TimeRangeInput } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { readSlice } from '../common/args';

/**
 * The slice, the step's scope, the kind's first step (Successfully received, Records
 * extracted or Membership changes computed: shares are of it) and, with a mapping, the
 * events that reached it (for mapping shares), via the pipeline loader.
 */
export async function stepContext(
  ctx: RequestContext,
  destination: Destination,
  step: ReportStep,
  rangeInput: TimeRangeInput,
  mappingInput: string | null | undefined,
  filterInput: EventFilter | null | undefined,
) {
  const { loaders } = ctx.forWorkspace();
  const slice = await readSlice(ctx, destination, { range: rangeInput, mappingId: mappingInput, filter: filterInput });
  const [connections, { counts }] = await Promise.all([
    loaders.sourcesByDestination.load(destination.id),
    loaders.pipelineCounts.load({ destinationId: destination.id, kind: destination.kind, slice }),
  ]);
  const scope: StepScope = { step, destinationId: destination.id, sourceIds: connections.map((c) => c.sourceId) };
  return {
    scope,
    slice,
    received: counts[entryStepOf(destination.kind)] ?? { now: 0, before: 0 },
    reached: slice.mappingId !== null ? reachedMapping(counts) : null,
  };
}
