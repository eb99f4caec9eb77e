import { isObjectType, type GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { getMetadataStorage } from 'type-graphql';
import type { Principal } from '../../auth/scopes';
import { ErrorCode } from '../../domain/errors';
import type { GatewayMetrics } from '../../observability/prometheus';
import { NO_TRACING, type Tracing } from '../../observability/tracing';
import type { RequestContext, ResolverObserver } from '../context';
import type { Transport } from './admission';
import { formatError } from './format-error';

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

const instrumented = new WeakSet<GraphQLSchema>();

/**
 * Wraps the resolvers of the timed fields once per schema: each call reports its duration
 * to the observer of the request's services (none in a bare schema test, so nothing then).
 * In the schema, not in a transport, so both transports are timed the same way.
 */
export function instrumentResolvers(schema: GraphQLSchema): void {
  if (instrumented.has(schema)) return;
  instrumented.add(schema);
  const timed = timedFields(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const resolve = field.resolve;
      if (!timed.has(coordinate) || !resolve) continue;
      field.resolve = (source, args, context: RequestContext | undefined, info) => {
        const observer: ResolverObserver | undefined = context?.services?.observer;
        if (!observer) return resolve(source, args, context, info);
        const started = performance.now();
        const done = () => observer.resolved(info.operation.name?.value, coordinate, (performance.now() - started) / 1000);
        const result = resolve(source, args, context, info);
        if (result instanceof Promise) return result.finally(done);
        done();
        return result;
      };
    }
  }
}

/** What one GraphQL operation came to, for its log line and metrics. */
export interface OperationOutcome {
  requestId: string;
  transport: Transport;
  principal: Principal | null;
  operationName: string | null;
  operationType: string;
  durationMs: number;
  errors: readonly GraphQLFormattedError[];
  /** Refused before execution: the HTTP status of the refusal. */
  refusedWith?: number;
}

/**
 * One JSON log line and one histogram observation per GraphQL operation:
 * `{ requestId, workspace, operation, operationType, durationMs, outcome, errorCodes }`
 * (plus `status` and `code` when refused before execution). Never the query text,
 * variables, token or result.
 */
export class OperationObserver implements ResolverObserver {
  constructor(
    private readonly log: Logger,
    private readonly metrics: GatewayMetrics,
    /** The trace and span ids of the operation's span go into its log line. */
    private readonly tracing: Tracing = NO_TRACING,
  ) {}

  /**
   * Formats errors through the one formatter and logs the ones it had to mask (server
   * faults: error level, with the cause); client mistakes are only counted in `finished`.
   */
  format(errors: readonly GraphQLError[], requestId: string, operationName: string | null): GraphQLFormattedError[] {
    return errors.map((e) => {
      const formatted = formatError(e.toJSON(), e);
      if (formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR)
        this.log.error({ requestId, operationName, err: e.originalError ?? e }, 'graphql error');
      return formatted;
    });
  }

  resolved(operationName: string | undefined, field: string, seconds: number): void {
    this.metrics.graphqlResolverDuration.observe({ operation: this.metrics.operationLabel(operationName), field }, seconds);
  }

  finished(o: OperationOutcome): void {
    const errorCodes = o.errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
    const outcome = errorCodes.length > 0 ? 'error' : 'ok';
    for (const code of errorCodes) this.metrics.graphqlErrors.inc({ code });
    this.metrics.graphqlRequestDuration.observe(
      { operation: this.metrics.operationLabel(o.operationName ?? undefined), type: o.operationType, outcome },
      o.durationMs / 1000,
    );
    const refused = o.refusedWith === undefined ? {} : { status: o.refusedWith, code: errorCodes[0] };
    this.log.info(
      {
        requestId: o.requestId,
        transport: o.transport,
        workspace: o.principal?.workspaceId ?? null,
        operation: o.operationName,
        operationType: o.operationType,
        durationMs: Math.round(o.durationMs * 10) / 10,
        outcome,
        ...(errorCodes.length > 0 ? { errorCodes: [...new Set(errorCodes)] } : {}),
        ...refused,
        ...this.tracing.logFields(),
      },
      'graphql request',
    );
  }
}
