import type { ApolloServerPlugin } from '@apollo/server';
import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { getMetadataStorage } from 'type-graphql';
import type { RequestContext } from '../context';
import type { GatewayMetrics } from '../../observability/prometheus';

const timedBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/**
 * The `Type.field` coordinates worth a latency histogram: every root field, and every
 * field backed by a type-graphql @FieldResolver (pipeline, breakdown, samples, …).
 * Plain property fields are left out: timing each of them on every row would cost
 * more than it tells.
 */
export function timedFields(schema: GraphQLSchema): ReadonlySet<string> {
  let set = timedBySchema.get(schema);
  if (set) return set;
  const out = new Set<string>();
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) for (const name of Object.keys(root.getFields())) out.add(`${root.name}.${name}`);
  }
  try {
    const storage = getMetadataStorage();
    for (const fr of storage.fieldResolvers) {
      const target = fr.getObjectType?.();
      const typeName = storage.objectTypes.find((o) => o.target === target)?.name;
      if (typeName) out.add(`${typeName}.${fr.schemaName}`);
    }
  } catch {
    // Metadata unavailable: fall back to fields that take arguments.
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) if (field.args.length > 0) out.add(`${type.name}.${field.name}`);
  }
  set = out;
  timedBySchema.set(schema, set);
  return set;
}

/**
 * One JSON log line and one histogram observation per GraphQL request:
 * `{ requestId, workspace, operation, operationType, durationMs, outcome, errorCodes }`.
 * Never the query text, variables, token or result.
 */
export function observabilityPlugin(log: Logger, metrics: GatewayMetrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ schema }) {
      const started = performance.now();
      const timed = timedFields(schema);
      return {
        async executionDidStart({ operationName }) {
          const operation = metrics.operationLabel(operationName);
          return {
            willResolveField({ info }) {
              const field = `${info.parentType.name}.${info.fieldName}`;
              if (!timed.has(field)) return;
              const t0 = performance.now();
              return () => metrics.graphqlResolverDuration.observe({ operation, field }, (performance.now() - t0) / 1000);
            },
          };
        },
        async willSendResponse({ response, contextValue, operationName, operation }) {
          const durationMs = performance.now() - started;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const errorCodes = errors.map((e) => String((e.extensions as Record<string, unknown> | undefined)?.code ?? 'INTERNAL_SERVER_ERROR'));
          const outcome = errorCodes.length > 0 ? 'error' : 'ok';
          const type = operation?.operation ?? 'unknown';
          metrics.graphqlRequestDuration.observe({ operation: metrics.operationLabel(operationName), type, outcome }, durationMs / 1000);
          for (const code of errorCodes) metrics.graphqlErrors.inc({ code });
          log.info(
            {
              requestId: contextValue.requestId,
              workspace: contextValue.principal.workspaceId,
              operation: operationName ?? null,
              operationType: type,
              durationMs: Math.round(durationMs * 10) / 10,
              outcome,
              ...(errorCodes.length > 0 ? { errorCodes: [...new Set(errorCodes)] } : {}),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
