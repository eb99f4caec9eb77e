import { AppError, ErrorCode } from '../../domain/errors';
import { PIPELINE_LAYOUT, PIPELINE_STEPS, type PipelineStepKind, type ReportStep } from '../../domain/steps';
import { resolveTimeRange, type ResolvedRange } from '../../domain/time-range';
import { buildPipeline, type PipelineValue } from '../../metrics/pipeline.build';
import type { EventFilterValue } from '../../metrics/tiered';
import type { Destination } from '../catalog/catalog.type';
import type { RequestContext } from '../context';
import type { EventFilter, TimeRangeInput } from '../common/time-range.input';

/** Validation shared by the Destination fields: every bad argument is a typed error. */
export function resolveRange(ctx: RequestContext, input: TimeRangeInput, defaultLookback = true): ResolvedRange {
  return resolveTimeRange(input, ctx.now, defaultLookback);
}

export async function checkMapping(ctx: RequestContext, destination: Destination, mappingId: string | null | undefined): Promise<string | null> {
  if (mappingId == null) return null;
  if (destination.kind !== 'actions') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `mappingId applies to Actions destinations; ${destination.id} is ${destination.kind}`, { field: 'mappingId' });
  }
  const mappings = await ctx.forWorkspace().loaders.mappingsByDestination.load(destination.id);
  if (!mappings.some((m) => m.id === mappingId)) {
    throw new AppError(ErrorCode.NOT_FOUND, `Destination ${destination.id} has no mapping ${mappingId}`, { field: 'mappingId', known: mappings.map((m) => m.id) });
  }
  return mappingId;
}

/** The report step behind a step kind that this destination's pipeline shows; an error otherwise. */
export function reportStepFor(destination: Destination, step: PipelineStepKind, what: string): ReportStep {
  const layout = PIPELINE_LAYOUT[destination.kind];
  const reportStep = PIPELINE_STEPS[step].reportStep;
  if (!layout.includes(step) || reportStep === null) {
    const allowed = layout.filter((k) => PIPELINE_STEPS[k].reportStep !== null);
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${what} is not available for ${step} on a ${destination.kind} destination`, { field: 'step', allowed });
  }
  return reportStep;
}

export const MAX_FILTER_VALUES = 100;

export function checkFilter(filter: EventFilter | null | undefined): EventFilterValue | null {
  if (!filter) return null;
  for (const [field, list] of [['eventTypes', filter.eventTypes], ['eventNames', filter.eventNames], ['appVersions', filter.appVersions]] as const) {
    if (list && list.length === 0) {
      // An empty list would match nothing; a cleared picker almost always means "no filter".
      throw new AppError(ErrorCode.BAD_USER_INPUT, `filter.${field} is empty; omit it to not filter on it`, { field: `filter.${field}` });
    }
    if (list && list.length > MAX_FILTER_VALUES) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `filter.${field} takes at most ${MAX_FILTER_VALUES} values`, { field: `filter.${field}` });
    }
  }
  return { eventTypes: filter.eventTypes ?? null, eventNames: filter.eventNames ?? null, appVersions: filter.appVersions ?? null, enriched: filter.enriched ?? null };
}

/** The pipeline of one destination through the request's loaders (also used by each live poll, with fresh loaders). */
export async function computePipeline(
  ctx: RequestContext,
  destination: Destination,
  rangeInput: TimeRangeInput,
  mappingInput: string | null | undefined,
  filterInput: EventFilter | null | undefined,
  defaultLookback = true,
): Promise<PipelineValue> {
  const { loaders } = ctx.forWorkspace();
  const range = resolveRange(ctx, rangeInput, defaultLookback);
  const mappingId = await checkMapping(ctx, destination, mappingInput);
  const filter = checkFilter(filterInput);
  const isStorage = destination.kind === 'storage';
  const [counts, pending, syncs] = await Promise.all([
    loaders.pipelineCounts.load({ destinationId: destination.id, kind: destination.kind, range, mappingId, filter }),
    isStorage ? Promise.resolve(null) : loaders.retryPending.load({ destinationId: destination.id, mappingId }),
    isStorage ? loaders.syncCounts.load({ destinationId: destination.id, range }) : Promise.resolve(null),
  ]);
  return buildPipeline(destination.kind, range, counts, pending, syncs);
}
