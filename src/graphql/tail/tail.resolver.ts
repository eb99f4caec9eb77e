import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { checkIdLength } from '../../domain/ids';
import { discardKindOf, PIPELINE_LAYOUT, PIPELINE_STEPS, PipelineStepKind, type ReportStep } from '../../domain/steps';
import type { TailBatch, TailReport } from '../../live/failure-tail';
import { EventFilter } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { checkFilter } from '../common/args';
import { guarded } from '../live/live.resolver';
import { DeliveryFailure, DeliveryFailureBatch } from './tail.type';

interface TailArgs {
  destinationId: string;
  step?: PipelineStepKind | null;
  mappingId?: string | null;
  filter?: EventFilter | null;
}

/** The report steps a destination's tail may show: its destination-side discard boxes (one, when `step` names it). */
function tailSteps(kind: keyof typeof PIPELINE_LAYOUT, step: PipelineStepKind | null | undefined): ReportStep[] {
  const boxes = PIPELINE_LAYOUT[kind].filter(
    (k) => PIPELINE_STEPS[k].isDiscard && PIPELINE_STEPS[k].side === 'destination' && PIPELINE_STEPS[k].reportStep !== null,
  );
  if (step == null) return [...new Set(boxes.map((k) => PIPELINE_STEPS[k].reportStep!))];
  if (!boxes.includes(step))
    throw new AppError(ErrorCode.BAD_USER_INPUT, `The live tail shows this destination's failed and filtered reports: step is one of ${boxes.join(', ')}`, {
      field: 'step',
      allowed: boxes,
    });
  return [PIPELINE_STEPS[step].reportStep!];
}

function toFailure(r: TailReport, kind: keyof typeof PIPELINE_LAYOUT): DeliveryFailure {
  const box = kind === 'retl' && r.step === 'filtered_destination' ? PipelineStepKind.FILTERED_AT_MAPPING : discardKindOf(r.step as ReportStep)!;
  return {
    at: new Date(r.time),
    messageId: r.messageId || null,
    step: box,
    reason: r.reason,
    mappingId: r.mappingId || null,
    sourceId: r.sourceId,
    eventType: r.eventType,
    eventName: r.eventName,
    appVersion: r.appVersion,
    attempt: r.attempt ?? null,
    count: r.count,
  };
}

/** The live failure tail: a destination's failed and filtered reports as ingest stores them. */
@Resolver()
export class TailResolver {
  @Subscription(() => DeliveryFailureBatch, {
    description:
      "A destination's failed and filtered reports as they are stored (no polling): an empty batch at once, then a batch per stored set, at most LIVE_TAIL_MAX_PER_SECOND reports a second; `more` counts the ones left out. Reports stored by this gateway replica.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, TailArgs, RequestContext>) => {
      const { wdb, catalog } = context.forWorkspace();
      checkIdLength(args.destinationId, 'destinationId');
      const [destination] = await catalog.destinations([args.destinationId]);
      if (!destination) throw new AppError(ErrorCode.NOT_FOUND, `No destination ${args.destinationId} in this workspace`, { field: 'destinationId' });
      const steps = tailSteps(destination.kind, args.step);
      if (args.mappingId != null) {
        checkIdLength(args.mappingId, 'mappingId');
        if (!(await catalog.mappings([destination.id])).some((m) => m.id === args.mappingId)) {
          throw new AppError(ErrorCode.NOT_FOUND, `Destination ${destination.id} has no mapping ${args.mappingId}`, { field: 'mappingId' });
        }
      }
      const filter = checkFilter(args.filter);
      const inner = () =>
        context.services.tail.subscribe(wdb.workspaceId, { destinationId: destination.id, steps, mappingId: args.mappingId ?? null, ...filter });
      const toBatch = (b: TailBatch): DeliveryFailureBatch => ({
        failures: b.failures.map((r) => toFailure(r, destination.kind)),
        more: b.more,
        at: new Date(),
      });
      return mapped(guarded(context, inner), toBatch);
    },
  })
  deliveryFailures(
    @Root() payload: DeliveryFailureBatch,
    @Arg('destinationId', () => ID) _destinationId: string,
    @Arg('step', () => PipelineStepKind, {
      nullable: true,
      description: 'One destination-side discard step (FAILED_DELIVERY, FILTERED_AT_DESTINATION, …); default all of them.',
    })
    _step: PipelineStepKind | null,
    @Arg('mappingId', () => ID, { nullable: true }) _mappingId: string | null,
    @Arg('filter', () => EventFilter, { nullable: true }) _filter: EventFilter | null,
  ): DeliveryFailureBatch {
    return payload;
  }
}

/** The iterator's values through `f`; ending it ends the inner one. */
function mapped<A, B>(it: AsyncIterableIterator<A>, f: (a: A) => B): AsyncIterableIterator<B> {
  const out: AsyncIterableIterator<B> = {
    next: async () => {
      const r = await it.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: f(r.value) };
    },
    return: async () => {
      await it.return?.();
      return { done: true, value: undefined };
    },
    throw: async (e?: unknown) => {
      await it.return?.();
      throw e;
    },
    [Symbol.asyncIterator]: () => out,
  };
  return out;
}
