import { Arg, Args, Ctx, FieldResolver, ID, Resolver, Root, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { storedDiscardReason, type DiscardStep } from '../../domain/discard-reasons';
import { AppError, ErrorCode } from '../../domain/errors';
import { pipelineStepOf } from '../../domain/steps';
import { listSyncRuns, MAX_SYNC_RUNS, runReasons, runSplits, type ReasonTally, type RunCursor, type SyncRunValue } from '../../metrics/sync-runs.query';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import { resolveRange } from '../common/args';
import { SyncRunsArgs } from './sync-runs.args';
import { SyncRun, SyncRunReason, SyncRunSplit } from './sync-runs.type';

function requireRetl(destination: Destination, field: string): void {
  if (destination.kind !== 'retl') {
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `${field} belongs to Reverse ETL destinations; ${destination.id} is ${destination.kind}${destination.kind === 'storage' ? ' (its warehouse loads are syncs(range:))' : ''}`,
      { field },
    );
  }
}

/** A tally with its catalogue entry (the box it belongs to on a Reverse ETL pipeline). */
function withReason(t: ReasonTally): SyncRunReason {
  return { reason: { ...storedDiscardReason(t.step as DiscardStep, t.code), step: pipelineStepOf(t.step, 'retl') }, count: t.count };
}

/** A run's place in the newest-first list: its start (ms) and id, which order the list. */
function cursorOf(run: SyncRunValue): string {
  return `${run.startedAt.getTime()}:${run.id}`;
}

function parseCursor(cursor: string): RunCursor {
  const match = /^(\d{1,15}):(.+)$/s.exec(cursor);
  if (!match) throw new AppError(ErrorCode.BAD_USER_INPUT, 'after is not a syncRuns cursor: pass the `cursor` of a listed run', { field: 'after' });
  return { startedMs: Number(match[1]), syncId: match[2] };
}

function toSyncRun(run: SyncRunValue, destinationId: string): SyncRun {
  return { ...run, destinationId, cursor: cursorOf(run), topReasons: run.topReasons.map(withReason) };
}

/** Reverse ETL sync runs: the runs table and one run's detail. */
@Resolver(() => Destination)
export class SyncRunsResolver {
  @Cost({ query: true, list: { assumed: 100, arg: 'first', max: MAX_SYNC_RUNS } })
  @FieldResolver(() => [SyncRun], {
    description: 'Reverse ETL destinations: sync runs that started in the range, newest first, with their counts, status and top reasons.',
  })
  async syncRuns(@Root() destination: Destination, @Args(() => SyncRunsArgs) args: SyncRunsArgs, @Ctx() ctx: RequestContext): Promise<SyncRun[]> {
    requireRetl(destination, 'syncRuns');
    const range = resolveRange(ctx, args.range);
    const runs = await listSyncRuns(ctx.forWorkspace().wdb, destination.id, {
      range,
      status: args.status ?? null,
      first: args.first,
      after: args.after ? parseCursor(args.after) : null,
    });
    return runs.map((run) => toSyncRun(run, destination.id));
  }

  @Cost({ query: true })
  @Directive(CACHE.never)
  @FieldResolver(() => SyncRun, {
    nullable: true,
    description: 'Reverse ETL destinations: one sync run by its syncId (its detail: mappings, operations, reasons); null when no report named it.',
  })
  async syncRun(@Root() destination: Destination, @Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<SyncRun | null> {
    requireRetl(destination, 'syncRun');
    const [run] = await listSyncRuns(ctx.forWorkspace().wdb, destination.id, { syncId: id });
    return run ? toSyncRun(run, destination.id) : null;
  }
}

/** A run's detail, read when asked for: its records by mapping and by operation, and every reason. */
@Resolver(() => SyncRun)
export class SyncRunDetailResolver {
  @Cost({ query: true, list: { assumed: 10 } })
  @FieldResolver(() => [SyncRunSplit], { description: 'Per mapping: what reached it and how it ended (empty mappingId: records no mapping saw).' })
  async mappings(@Root() run: SyncRun, @Ctx() ctx: RequestContext): Promise<SyncRunSplit[]> {
    return (await runSplits(ctx.forWorkspace().wdb, run.destinationId, run.id)).mappings;
  }

  @Cost({ query: true, list: { assumed: 3 } })
  @FieldResolver(() => [SyncRunSplit], { description: 'Per operation (added, updated, removed).' })
  async operations(@Root() run: SyncRun, @Ctx() ctx: RequestContext): Promise<SyncRunSplit[]> {
    return (await runSplits(ctx.forWorkspace().wdb, run.destinationId, run.id)).operations;
  }

  @Cost({ query: true, list: { assumed: 20 } })
  @FieldResolver(() => [SyncRunReason], { description: 'Every discard reason of the run, largest first.' })
  async reasons(@Root() run: SyncRun, @Ctx() ctx: RequestContext): Promise<SyncRunReason[]> {
    const reasons = await runReasons(ctx.forWorkspace().wdb, run.destinationId, [run.id], 0);
    return (reasons.get(run.id) ?? []).map(withReason);
  }
}
