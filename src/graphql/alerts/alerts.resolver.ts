import { Max, Min } from 'class-validator';
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { AlertRuleService, type AlertRuleWithState } from '../../alerts/rule.service';
import { redactUrl, thresholdOrDefault, type AlertRuleFields } from '../../alerts/rules';
import type { AlertEventValue } from '../../alerts/store';
import { eventStepKind } from '../../alerts/values';
import { AppError, ErrorCode } from '../../domain/errors';
import { discardKindOf, DISCARD_STEP_KINDS, PIPELINE_STEPS, type PipelineStepKind, type ReportStep } from '../../domain/steps';
import { AlertEvent, AlertNotification, AlertRule } from './alerts.type';
import { AlertRuleInput, AlertRuleUpdateInput } from './alerts.inputs';
import type { RequestContext } from '../context';
import { resolveRange } from '../common/args';
import { TimeRangeInput } from '../common/time-range.input';
import { Cost } from '../common/cost';

export const MAX_ALERT_HISTORY = 1000;
/** How far back a live poll of alert events looks (subscribers only want what happens after they subscribed). */
const LIVE_LOOKBACK_MS = 5 * 60_000;
const LIVE_LIMIT = 1000;

@ArgsType()
export class AlertHistoryArgs {
  @Field(() => TimeRangeInput, { description: 'Events whose time lies in the range. lookback defaults to false here.' })
  range!: TimeRangeInput;
  @Field(() => ID, { nullable: true, description: 'Only this rule (deleted rules included).' })
  ruleId?: string | null;
  @Field(() => Int, { defaultValue: 100, description: `Events to return, 1-${MAX_ALERT_HISTORY}, newest first.` })
  @Min(1)
  @Max(MAX_ALERT_HISTORY)
  first!: number;
}

export function toRule(r: AlertRuleWithState): AlertRule {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    destinationId: r.destinationId,
    mappingId: r.mappingId,
    sourceId: r.sourceId,
    step: r.step ? discardKindOf(r.step) : null,
    reason: r.reason,
    threshold: r.threshold,
    criticalThreshold: r.criticalThreshold,
    windowMinutes: r.windowMinutes,
    minVolume: r.minVolume,
    enabled: r.enabled,
    webhook: redactUrl(r.webhookUrl),
    webhookSigned: r.webhookSecret !== null,
    emails: r.emails,
    slack: redactUrl(r.slackWebhookUrl),
    pagerduty: r.pagerdutyRoutingKey !== null,
    mutedUntil: r.mutedUntil === null ? null : new Date(r.mutedUntil),
    state: r.state,
    severity: r.severity,
    stateSince: new Date(r.stateSince),
    acknowledgement: r.acknowledgement && { by: r.acknowledgement.by, at: new Date(r.acknowledgement.at) },
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
  };
}

/** The GraphQL object of an alert event: the value, with dates as Dates and the step as its pipeline box. */
export function toAlertEvent(e: AlertEventValue): AlertEvent {
  const counts = Object.entries(e.counts).map(([name, count]) => ({ name, count }));
  return {
    ...e,
    at: new Date(e.at),
    previousStateSince: new Date(e.previousStateSince),
    step: eventStepKind(e),
    counts,
    muted: e.silenced,
    mutedUntil: e.mutedUntil === null ? null : new Date(e.mutedUntil),
  };
}

function reportStepOf(step: PipelineStepKind | null | undefined): ReportStep | null | undefined {
  if (step == null) return step;
  if (!DISCARD_STEP_KINDS.includes(step)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${step} is not a discard step`, { field: 'step', allowed: DISCARD_STEP_KINDS });
  }
  return PIPELINE_STEPS[step].reportStep;
}

export function rulesOf(ctx: RequestContext, scope: 'read' | 'admin'): AlertRuleService {
  const { wdb, catalog } = ctx.forWorkspace(scope);
  return new AlertRuleService(ctx.services.alerts, wdb, catalog, ctx.services.now, ctx.services.webhookAllowPrivate ?? false);
}

/**
 * Turns the hub's drop-to-latest lists of recent events into single events: each event
 * written at or after `startedAt` is emitted once, oldest first. `return()` reaches the
 * hub at once, even while a read is waiting.
 */
export function eventStream(inner: AsyncIterableIterator<AlertEventValue[]>, startedAt: number, release: () => void): AsyncIterableIterator<AlertEventValue> {
  const emitted = new Set<string>();
  const queue: AlertEventValue[] = [];
  const finish = async () => {
    release();
    await inner.return?.();
    return { done: true as const, value: undefined };
  };
  const iterator: AsyncIterableIterator<AlertEventValue> = {
    next: async () => {
      while (queue.length === 0) {
        const r = await inner.next();
        if (r.done) return finish();
        const present = new Set<string>();
        for (const e of r.value) {
          present.add(e.id);
          if (e.recordedAt >= startedAt && !emitted.has(e.id)) {
            emitted.add(e.id);
            queue.push(e);
          }
        }
        // Ids that left the polled window cannot come back; forget them.
        for (const id of emitted) if (!present.has(id)) emitted.delete(id);
      }
      return { done: false, value: queue.shift()! };
    },
    return: finish,
    throw: async (err?: unknown) => {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

interface AlertEventsArgs {
  destinationId?: string | null;
}

@Resolver(() => AlertEvent)
export class AlertResolver {
  @Cost({ list: { assumed: 50 } })
  @Query(() => [AlertRule], { description: "The workspace's alert rules with their current state, oldest first." })
  async alertRules(@Ctx() ctx: RequestContext): Promise<AlertRule[]> {
    return (await rulesOf(ctx, 'read').list()).map(toRule);
  }

  @Mutation(() => AlertRule, { description: 'Creates an alert rule (at most 50 per workspace). Needs the admin scope.' })
  async createAlertRule(@Arg('input', () => AlertRuleInput) input: AlertRuleInput, @Ctx() ctx: RequestContext): Promise<AlertRule> {
    const service = rulesOf(ctx, 'admin');
    const fields: AlertRuleFields = {
      name: input.name,
      kind: input.kind,
      destinationId: input.destinationId ?? null,
      mappingId: input.mappingId ?? null,
      sourceId: input.sourceId ?? null,
      step: reportStepOf(input.step) ?? null,
      reason: input.reason ?? null,
      threshold: thresholdOrDefault(input.kind, input.threshold),
      windowMinutes: input.windowMinutes,
      minVolume: input.minVolume,
      enabled: input.enabled,
      webhookUrl: input.webhookUrl ?? null,
      webhookSecret: input.webhookSecret ?? null,
      emails: input.emails,
      criticalThreshold: input.criticalThreshold ?? null,
      slackWebhookUrl: input.slackWebhookUrl ?? null,
      pagerdutyRoutingKey: input.pagerdutyRoutingKey ?? null,
      mutedUntil: null,
    };
    return toRule(await service.create(fields));
  }

  @Mutation(() => AlertRule, {
    description:
      'Changes an alert rule; its state (OK or FIRING) carries over. Null clears an optional field (criticalThreshold, a channel). Needs the admin scope.',
  })
  async updateAlertRule(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AlertRuleUpdateInput) input: AlertRuleUpdateInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AlertRule> {
    const service = rulesOf(ctx, 'admin');
    const required = ['name', 'kind', 'threshold', 'windowMinutes', 'minVolume', 'enabled', 'emails'] as const;
    for (const field of required) {
      if (input[field] === null) throw new AppError(ErrorCode.BAD_USER_INPUT, `${field} cannot be cleared`, { field });
    }
    const patch: Partial<AlertRuleFields> = {
      name: input.name ?? undefined,
      kind: input.kind ?? undefined,
      destinationId: input.destinationId,
      mappingId: input.mappingId,
      sourceId: input.sourceId,
      step: reportStepOf(input.step),
      reason: input.reason,
      threshold: input.threshold ?? undefined,
      windowMinutes: input.windowMinutes ?? undefined,
      minVolume: input.minVolume ?? undefined,
      enabled: input.enabled ?? undefined,
      webhookUrl: input.webhookUrl,
      webhookSecret: input.webhookSecret,
      emails: input.emails ?? undefined,
      criticalThreshold: input.criticalThreshold,
      slackWebhookUrl: input.slackWebhookUrl,
      pagerdutyRoutingKey: input.pagerdutyRoutingKey,
    };
    return toRule(await service.update(id, patch));
  }

  @Mutation(() => Boolean, { description: 'Deletes an alert rule; its history stays. Needs the admin scope.' })
  async deleteAlertRule(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return rulesOf(ctx, 'admin').delete(id);
  }

  @Cost({ query: true, list: { assumed: 100, arg: 'first', max: MAX_ALERT_HISTORY } })
  @Query(() => [AlertEvent], { description: 'Firings and recoveries in the range, newest first, with how their notifications went.' })
  async alertHistory(@Args(() => AlertHistoryArgs) args: AlertHistoryArgs, @Ctx() ctx: RequestContext): Promise<AlertEvent[]> {
    const { wdb } = ctx.forWorkspace();
    const range = resolveRange(ctx, args.range, false);
    const events = await ctx.services.alerts.events(wdb, range.from, range.to, args.ruleId ?? null, args.first);
    return events.map(toAlertEvent);
  }

  @Cost({ list: { assumed: 10 } })
  @FieldResolver(() => [AlertNotification], { description: 'Webhook and email outcomes (empty while none was needed or none has finished an attempt yet).' })
  async notifications(@Root() event: AlertEvent, @Ctx() ctx: RequestContext): Promise<AlertNotification[]> {
    const rows = await ctx.forWorkspace().loaders.notifications.load(event.id);
    return rows.map((n) => ({
      channel: n.channel,
      target: n.target,
      outcome: n.outcome,
      attempts: n.attempts,
      lastError: n.lastError,
      statusCode: n.statusCode,
      at: new Date(n.updatedAt),
    }));
  }

  @Subscription(() => AlertEvent, {
    description:
      "The workspace's alert firings and recoveries as they happen (from the moment of subscribing), each once, oldest first. destinationId narrows to one destination's rules.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, AlertEventsArgs, RequestContext>) => {
      const { wdb, catalog } = context.forWorkspace();
      const destinationId = args.destinationId ?? null;
      if (destinationId !== null) {
        const [destination] = await catalog.destinations([destinationId]);
        if (!destination) throw new AppError(ErrorCode.NOT_FOUND, `No destination ${destinationId} in this workspace`, { field: 'destinationId' });
      }
      const store = context.services.alerts;
      // "From the moment of subscribing" on the clock that stamps recorded_at.
      const startedAt = await store.clock();
      const release = context.holdSubscription();
      try {
        const inner = context.services.hub.subscribe(
          wdb.workspaceId,
          `alerts|${destinationId ?? ''}`,
          () => store.recentEvents(wdb, LIVE_LOOKBACK_MS, destinationId, LIVE_LIMIT),
          (events) => events.map((e) => e.id).join('\n'),
        );
        return eventStream(inner, startedAt, release);
      } catch (err) {
        release();
        throw err;
      }
    },
  })
  alertEvents(@Root() payload: AlertEventValue, @Arg('destinationId', () => ID, { nullable: true }) _destinationId: string | null): AlertEvent {
    return toAlertEvent(payload);
  }
}
