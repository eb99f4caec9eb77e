import 'reflect-metadata'; // type-graphql's decorators need it before any type class loads
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { SCHEMA_DIRECTIVES } from './common/cache-control';
import { CatalogResolver } from './catalog/catalog.resolver';
import { DestinationResolver } from './destination/destination.resolver';
import { TokenResolver } from './tokens/token.resolver';
import { BreakdownResolver } from './breakdown/breakdown.resolver';
import { DiscardRowResolver, DiscardsResolver } from './discards/discards.resolver';
import { ReasonResolver } from './reasons/reason.resolver';
import { InsightsResolver } from './insights/insights.resolver';
import { SyncsResolver } from './syncs/syncs.resolver';
import { SyncRunDetailResolver, SyncRunsResolver } from './sync-runs/sync-runs.resolver';
import { TimeseriesResolver } from './timeseries/timeseries.resolver';
import { TraceResolver } from './trace/trace.resolver';
import { TimeRangeResolver } from './timerange/timerange.resolver';
import { LiveResolver } from './live/live.resolver';
import { TailResolver } from './tail/tail.resolver';
import { AlertResolver } from './alerts/alerts.resolver';
import { AlertActionsResolver } from './alerts/alert-actions.resolver';
import { UndeliveredResolver } from './undelivered/undelivered.resolver';
import { ReplayResolver } from './replay/replay.resolver';
import { ReplayEndpointResolver } from './replay/replay-endpoint.resolver';
import { SourceDestinationResolver, SourceResolver } from './source/source.resolver';
import { LatencyResolver } from './latency/latency.resolver';
import { PipelineStepResolver } from './pipeline/attempts';
import { BreakdownRowResolver } from './breakdown/breakdown-attempts';
import { HealthResolver } from './health/health.resolver';

export const RESOLVERS = [
  CatalogResolver,
  DestinationResolver,
  SourceResolver,
  SourceDestinationResolver,
  LatencyResolver,
  HealthResolver,
  PipelineStepResolver,
  BreakdownRowResolver,
  BreakdownResolver,
  DiscardsResolver,
  DiscardRowResolver,
  SyncsResolver,
  SyncRunsResolver,
  SyncRunDetailResolver,
  TimeseriesResolver,
  UndeliveredResolver,
  ReplayResolver,
  ReplayEndpointResolver,
  InsightsResolver,
  ReasonResolver,
  TraceResolver,
  TimeRangeResolver,
  LiveResolver,
  TailResolver,
  AlertResolver,
  AlertActionsResolver,
  TokenResolver,
] as const;

export const SCHEMA_HEADER =
  '# This file is generated from the code by `npx delivery-overview schema` (src/graphql/schema.ts).\n' +
  '# Do not edit it by hand: test/unit/schema-drift.test.ts fails when it differs from the code.\n\n';

let cached: GraphQLSchema | null = null;

/** The gateway's schema, built once per process from the type-graphql classes. */
export function gatewaySchema(): GraphQLSchema {
  cached ??= buildSchemaSync({
    resolvers: [...RESOLVERS],
    validate: { forbidUnknownValues: false },
    directives: SCHEMA_DIRECTIVES,
    // Every subscription supplies its own `subscribe` (the live hub); topic-based
    // pub/sub is not used, so this one refuses loudly if something ever reaches it.
    pubSub: {
      publish: () => {
        throw new Error('topic pub/sub is not used; live values come from src/live/hub.ts');
      },
      subscribe: () => {
        throw new Error('topic pub/sub is not used; live values come from src/live/hub.ts');
      },
    },
  });
  return cached;
}

export function printGatewaySchema(schema: GraphQLSchema = gatewaySchema()): string {
  return SCHEMA_HEADER + printSchema(schema) + '\n';
}
