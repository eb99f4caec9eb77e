import type { PipelineValue } from '../../metrics/pipeline.build';
import { buildPipeline } from '../../metrics/pipeline.build';
import type { Destination } from '../catalog/catalog.type';
import { checkFilter, checkMapping, resolveRange } from '../common/args';
import type { EventFilter, TimeRangeInput } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { withAttempts } from './attempts';

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
  // Counts and the retry gauge come from one statement (the gauge is ignored for storage).
  const [read, syncs] = await Promise.all([
    loaders.pipelineCounts.load({ destinationId: destination.id, kind: destination.kind, range, mappingId, filter }),
    isStorage ? loaders.syncCounts.load({ destinationId: destination.id, range }) : Promise.resolve(null),
  ]);
  const pipeline = buildPipeline(destination.kind, range, read.counts, isStorage ? null : read.pending, syncs, mappingId !== null);
  return withAttempts(pipeline, { destinationId: destination.id, sourceId: null, range, mappingId, filter });
}
