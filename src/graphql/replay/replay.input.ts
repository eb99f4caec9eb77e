import { AppError, badInput, ErrorCode } from '../../domain/errors';
import { checkIdLength } from '../../domain/ids';
import { PipelineStepKind } from '../../domain/steps';
import { TimeRangePreset } from '../../domain/time-range';
import type { CatalogService } from '../../metrics/catalog.service';
import type { ReplaySelection } from '../../replay/values';
import type { RequestContext } from '../context';
import { checkFilter, resolveRange } from '../common/args';
import { MAX_REPLAY_MESSAGE_IDS, type ReplayInput } from './replay.args';

/**
 * A ReplayInput checked against the catalog, as `undelivered` checks its arguments (through the
 * catalog service rather than the read loaders: a token holding only the replay scope may use
 * it): the selection the replay services take, and the input as asked, for showing back.
 */
export async function selectionOf(ctx: RequestContext, catalog: CatalogService, input: ReplayInput): Promise<{ selection: ReplaySelection; asked: string }> {
  checkIdLength(input.destinationId, 'destinationId');
  const [destination] = await catalog.destinations([input.destinationId]);
  if (!destination) throw new AppError(ErrorCode.NOT_FOUND, `No destination ${input.destinationId} in this workspace`, { field: 'destinationId' });
  if (destination.kind === 'storage')
    throw badInput(`storage destinations report syncs, not deliveries of messages; ${destination.id} is storage`, { field: 'destinationId' });
  if (input.step != null && input.step !== PipelineStepKind.FAILED_DELIVERY) {
    throw badInput('A replay takes messages whose last report is a failed delivery: step is FAILED_DELIVERY or left out', {
      field: 'step',
      allowed: [PipelineStepKind.FAILED_DELIVERY],
    });
  }
  const mappingId = await checkedMapping(catalog, destination, input.mappingId);
  const messageIds = checkedIds(input.messageIds);
  if (input.range == null && messageIds === null) throw badInput('Give a range, or a list of messageIds', { field: 'range' });
  const range = resolveRange(ctx, input.range ?? { preset: TimeRangePreset.LAST_2_WEEKS }, false);
  if (input.reason != null && (input.reason.length === 0 || input.reason.length > 128)) throw badInput('reason must be 1-128 characters', { field: 'reason' });
  const filter = checkFilter(input.filter);
  const selection: ReplaySelection = {
    destinationId: destination.id,
    from: range.from,
    to: range.to,
    mappingId,
    reason: input.reason ?? null,
    filter,
    messageIds,
  };
  const asked = JSON.stringify({
    destinationId: destination.id,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    ...(mappingId !== null ? { mappingId } : {}),
    ...(selection.reason !== null ? { reason: selection.reason } : {}),
    ...(filter !== null ? { filter } : {}),
    ...(messageIds !== null ? { messageIds: messageIds.length } : {}),
  });
  return { selection, asked };
}

async function checkedMapping(
  catalog: CatalogService,
  destination: { id: string; kind: string },
  mappingId: string | null | undefined,
): Promise<string | null> {
  if (mappingId == null) return null;
  checkIdLength(mappingId, 'mappingId');
  if (destination.kind !== 'actions' && destination.kind !== 'retl') {
    throw badInput(`mappingId applies to Actions and Reverse ETL destinations; ${destination.id} is ${destination.kind}`, { field: 'mappingId' });
  }
  const mappings = await catalog.mappings([destination.id]);
  if (!mappings.some((m) => m.id === mappingId)) {
    throw new AppError(ErrorCode.NOT_FOUND, `Destination ${destination.id} has no mapping ${mappingId}`, {
      field: 'mappingId',
      known: mappings.map((m) => m.id),
    });
  }
  return mappingId;
}

function checkedIds(ids: string[] | null | undefined): string[] | null {
  if (ids == null) return null;
  if (ids.length === 0) throw badInput('messageIds is empty; leave it out to replay by range', { field: 'messageIds' });
  if (ids.length > MAX_REPLAY_MESSAGE_IDS) throw badInput(`messageIds takes at most ${MAX_REPLAY_MESSAGE_IDS} ids`, { field: 'messageIds' });
  for (const id of ids) if (id.length === 0 || id.length > 256) throw badInput('each message id is 1-256 characters', { field: 'messageIds' });
  return [...new Set(ids)];
}
