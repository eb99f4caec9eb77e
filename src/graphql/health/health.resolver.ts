import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { destinationHealth, healthFactsOf } from '../../domain/health';
import { AlertRuleService } from '../../alerts/rule.service';
import { Destination } from '../catalog/catalog.type';
import { Cost } from '../common/cost';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import type { RequestContext } from '../context';
import { computePipeline } from '../pipeline/read';
import { DestinationHealth } from './health.type';

/** The names of firing rules per destination, read once per request however many destinations ask. */
const firingByRequest = new WeakMap<RequestContext, Promise<Map<string, string[]>>>();

function firingAlerts(ctx: RequestContext): Promise<Map<string, string[]>> {
  let firing = firingByRequest.get(ctx);
  if (!firing) {
    const { wdb, catalog } = ctx.forWorkspace();
    const service = new AlertRuleService(ctx.services.alerts, wdb, catalog, ctx.services.now, ctx.services.webhookAllowPrivate ?? false);
    firing = service.list().then((rules) => {
      const byDestination = new Map<string, string[]>();
      for (const rule of rules) {
        if (!rule.enabled || rule.state !== 'firing' || !rule.destinationId) continue;
        byDestination.set(rule.destinationId, [...(byDestination.get(rule.destinationId) ?? []), rule.name]);
      }
      return byDestination;
    });
    firingByRequest.set(ctx, firing);
  }
  return firing;
}

/** Destination.health: the rule of src/domain/health.ts over the pipeline the same request reads (one statement for a list). */
@Resolver(() => Destination)
export class HealthResolver {
  @Cost({ query: true, batched: true })
  @FieldResolver(() => DestinationHealth, {
    description:
      'Healthy, attention or idle over the range, by one rule (docs/api.md, Health): the failure rate against the destination’s own previous period and a ceiling, going quiet while events arrive, the retry backlog, firing alerts. Filtering on purpose never counts against it. Reads the same counts as `pipeline` with the same arguments.',
  })
  async health(
    @Root() destination: Destination,
    @Arg('range', () => TimeRangeInput) rangeInput: TimeRangeInput,
    @Arg('filter', () => EventFilter, { nullable: true }) filterInput: EventFilter | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DestinationHealth> {
    const [pipeline, firing] = await Promise.all([computePipeline(ctx, destination, rangeInput, null, filterInput), firingAlerts(ctx)]);
    return destinationHealth(healthFactsOf(destination.kind, pipeline.steps, pipeline.retryPending, firing.get(destination.id) ?? []));
  }
}
