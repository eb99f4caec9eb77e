import { AppError, ErrorCode } from '../../domain/errors';
import { checkIdLength } from '../../domain/ids';
import { closeMatches } from '../../domain/suggest';
import { PIPELINE_LAYOUT, PIPELINE_STEPS, PipelineStepKind, type ReportStep } from '../../domain/steps';
import { rangeCacheSeconds } from '../../domain/cache-age';
import { resolveTimeRange, type ResolvedRange } from '../../domain/time-range';
import type { EventFilterValue } from '../../metrics/tiered';
import { sliceOf, type Slice } from '../../metrics/slice';
import type { Destination } from '../catalog/catalog.type';
import type { RequestContext } from '../context';
import type { EventFilter, TimeRangeInput } from './time-range.input';

/**
 * The argument checks every field shares (a range, a mapping, an event filter, a step): each
 * bad argument is a typed error that names the argument.
 */
/** Every ranged field resolves its range here, so each one also bounds how long its answer may be cached. */
export function resolveRange(ctx: RequestContext, input: TimeRangeInput, defaultLookback = true): ResolvedRange {
  const range = resolveTimeRange(input, ctx.now, defaultLookback);
  ctx.hintMaxAge(rangeCacheSeconds(input, range, ctx.now));
  return range;
}

export async function checkMapping(ctx: RequestContext, destination: Destination, mappingId: string | null | undefined): Promise<string | null> {
  if (mappingId == null) return null;
  checkIdLength(mappingId, 'mappingId');
  if (destination.kind !== 'actions' && destination.kind !== 'retl') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `mappingId applies to Actions and Reverse ETL destinations; ${destination.id} is ${destination.kind}`, {
      field: 'mappingId',
    });
  }
  const mappings = await ctx.forWorkspace().loaders.mappingsByDestination.load(destination.id);
  if (!mappings.some((m) => m.id === mappingId)) {
    const known = mappings.map((m) => m.id);
    throw new AppError(ErrorCode.NOT_FOUND, `Destination ${destination.id} has no mapping ${mappingId}`, {
      field: 'mappingId',
      known,
      suggestions: closeMatches(mappingId, known),
    });
  }
  return mappingId;
}

/** Boxes counted from syncs, not events: their questions are answered by `syncs(...)`. */
const SYNC_STEPS: readonly PipelineStepKind[] = [PipelineStepKind.FAILED_TO_SYNC, PipelineStepKind.SUCCESSFULLY_SYNCED];

/**
 * The report step behind a step kind that this destination's pipeline shows and the
 * question applies to (`discardsOnly`: the discard table); an error listing the steps that
 * would work otherwise, pointing sync steps to `syncs(...)`.
 */
export function reportStepFor(destination: Destination, step: PipelineStepKind, what: string, discardsOnly = false): ReportStep {
  const layout = PIPELINE_LAYOUT[destination.kind];
  const usable = (k: PipelineStepKind) => PIPELINE_STEPS[k].reportStep !== null && (!discardsOnly || PIPELINE_STEPS[k].isDiscard);
  const reportStep = PIPELINE_STEPS[step].reportStep;
  if (layout.includes(step) && usable(step) && reportStep !== null) return reportStep;
  const allowed = layout.filter(usable);
  const why =
    discardsOnly && layout.includes(step) && !PIPELINE_STEPS[step].isDiscard
      ? `${step} is not a discard step`
      : `${what} is not available for ${step} on a ${destination.kind} destination`;
  const syncHint = SYNC_STEPS.includes(step) ? `; ${step} counts warehouse syncs, not events: list them with syncs(range:, status: FAILED or PARTIAL)` : '';
  throw new AppError(ErrorCode.BAD_USER_INPUT, `${why}${syncHint}. Steps that work here: ${allowed.join(', ')}`, { field: 'step', allowed });
}

export const MAX_FILTER_VALUES = 100;

export function checkFilter(filter: EventFilter | null | undefined): EventFilterValue | null {
  if (!filter) return null;
  for (const [field, list] of [
    ['eventTypes', filter.eventTypes],
    ['eventNames', filter.eventNames],
    ['appVersions', filter.appVersions],
  ] as const) {
    if (list && list.length === 0) {
      // An empty list would match nothing; a cleared picker almost always means "no filter".
      throw new AppError(ErrorCode.BAD_USER_INPUT, `filter.${field} is empty; omit it to not filter on it`, { field: `filter.${field}` });
    }
    if (list && list.length > MAX_FILTER_VALUES) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `filter.${field} takes at most ${MAX_FILTER_VALUES} values`, { field: `filter.${field}` });
    }
  }
  return {
    eventTypes: filter.eventTypes ?? null,
    eventNames: filter.eventNames ?? null,
    appVersions: filter.appVersions ?? null,
    enriched: filter.enriched ?? null,
  };
}

/**
 * The slice a destination's field reads: its range (which also bounds how long the answer
 * may be cached), its mapping (checked against the destination) and its event filter.
 */
export async function readSlice(
  ctx: RequestContext,
  destination: Destination,
  args: { range: TimeRangeInput; mappingId?: string | null; filter?: EventFilter | null },
  defaultLookback = true,
): Promise<Slice> {
  const range = resolveRange(ctx, args.range, defaultLookback);
  return sliceOf(range, { mappingId: await checkMapping(ctx, destination, args.mappingId), filter: checkFilter(args.filter) });
}
