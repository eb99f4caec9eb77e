import { Arg, Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { storedDiscardReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { pipelineStepOf } from '../../domain/steps';
import { listSyncRuns, MAX_SYNC_RUNS, runReasons, runSplits, type ReasonTally, type SyncRunValue } from '../../metrics/sync-runs.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { resolveRange } from '../destination/destination.args';
import { SyncRunsArgs } from './sync-runs.args';
import { SyncRun, SyncRunDetail, type SyncRunReason } from './sync-runs.type';

function requireRetl(destination: Destination, field: string): void {
  if (destination.kind !== 'retl') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${field} belongs to Reverse ETL destinations; ${destination.id} is ${destination.kind}${destination.kind === 'storage' ? ' (its warehouse loads are syncs(range:))' : ''}`, { field });
  }
}

/** A tally with its catalogue entry (the box it belongs to on a Reverse ETL pipeline). */
function withReason(t: ReasonTally): SyncRunReason {
  return { reason: { ...storedDiscardReason(t.step as DiscardStep, t.code), step: pipelineStepOf(t.step, 'retl') }, count: t.count };
}

function toSyncRun(run: SyncRunValue): SyncRun {
  return { ...run, topReasons: run.topReasons.map(withReason) };
}

/** Reverse ETL sync runs: the runs table and one run's detail. */
@Resolver(() => Destination)
export class SyncRunsResolver {
  @Cost({ query: true, list: { assumed: 100, arg: 'first', max: MAX_SYNC_RUNS } })
  @FieldResolver(() => [SyncRun], { description: 'Reverse ETL destinations: sync runs that started in the range, newest first, with their counts, status and top reasons.' })
  async syncRuns(@Root() destination: Destination, @Args(() => SyncRunsArgs) args: SyncRunsArgs, @Ctx() ctx: RequestContext): Promise<SyncRun[]> {
    requireRetl(destination, 'syncRuns');
    const range = resolveRange(ctx, args.range);
    const runs = await listSyncRuns(ctx.forWorkspace().wdb, destination.id, { range, status: args.status ?? null, first: args.first });
    return runs.map(toSyncRun);
  }

  @Cost({ query: true })
  @FieldResolver(() => SyncRunDetail, { nullable: true, description: 'Reverse ETL destinations: one sync run by its syncId, with its records by mapping and operation and every reason; null when no report named it.' })
  async syncRun(@Root() destination: Destination, @Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<SyncRunDetail | null> {
    requireRetl(destination, 'syncRun');
    const wdb = ctx.forWorkspace().wdb;
    const [run] = await listSyncRuns(wdb, destination.id, { syncId: id });
    if (!run) return null;
    const [splits, reasons] = await Promise.all([runSplits(wdb, destination.id, id), runReasons(wdb, destination.id, [id], 0)]);
    return {
      ...toSyncRun(run),
      mappings: splits.mappings,
      operations: splits.operations,
      reasons: (reasons.get(id) ?? []).map(withReason),
      failingMappings: splits.mappings.filter((m) => m.delivered === 0 && m.failed > 0).length,
    };
  }
}
