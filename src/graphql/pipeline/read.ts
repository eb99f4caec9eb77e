import { buildPipeline, type PipelineValue } from '../../metrics/pipeline.build';
import type { Destination } from '../catalog/catalog.type';
import { readSlice } from '../common/args';
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
  const slice = await readSlice(ctx, destination, { range: rangeInput, mappingId: mappingInput, filter: filterInput }, defaultLookback);
  const isStorage = destination.kind === 'storage';
  // Counts and the retry gauge come from one statement (the gauge is ignored for storage).
  const [read, syncs] = await Promise.all([
    loaders.pipelineCounts.load({ destinationId: destination.id, kind: destination.kind, slice }),
    isStorage ? loaders.syncCounts.load({ destinationId: destination.id, range: slice.range }) : Promise.resolve(null),
  ]);
  const pipeline = buildPipeline(destination.kind, slice.range, read.counts, isStorage ? null : read.pending, syncs, slice.mappingId !== null);
  return withAttempts(pipeline, { destinationId: destination.id, sourceId: null, slice });
}
