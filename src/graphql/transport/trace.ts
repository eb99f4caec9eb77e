import type { GraphQLFormattedError } from 'graphql';
import type { ActiveSpan, GatewaySpan } from '../../observability/tracing';
import type { Admitted, Transport } from './admission';

/** The span of one GraphQL operation starts as `graphql`, before anything is known of it. */
export const OPERATION_SPAN = 'graphql';

export function operationAttributes(transport: Transport): Record<string, string> {
  return { 'graphql.transport': transport };
}

/**
 * Names the span after the admitted operation (`query Pipeline`, as the semantic conventions
 * name GraphQL spans) and records its type, name and workspace. Never the document or its
 * variables: they may hold a customer's data.
 */
export function describeOperation(span: GatewaySpan, admitted: Admitted): void {
  const type = admitted.operation.operation;
  const name = admitted.operation.name?.value;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttributes({
    'graphql.operation.type': type,
    'graphql.operation.name': name,
    'delivery_overview.workspace': admitted.principal.workspaceId ?? undefined,
  });
}

/** An operation that answered errors (refused, or field errors) is a failed span, with the first error's code. */
export function failOperation(span: GatewaySpan, errors: readonly GraphQLFormattedError[]): void {
  if (errors.length > 0) span.fail(String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}

/** A graphql-ws `connection_init` payload or an operation's `extensions` that carries W3C trace context. */
export function traceCarrier(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && typeof (value as { traceparent?: unknown }).traceparent === 'string'
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The spans of graphql-ws operations: found again by the operation's context value when
 * graphql-ws executes it (so its ClickHouse calls are its children) and by id when it
 * completes; each ends once. A subscription's span covers admission and setup: the values it
 * then receives come from polls shared by every subscriber, traced on their own.
 */
export class OperationSpans {
  private readonly byContext = new WeakMap<object, ActiveSpan>();
  private readonly ended = new WeakSet<ActiveSpan>();

  bind(contextValue: object, active: ActiveSpan): void {
    this.byContext.set(contextValue, active);
  }

  run<T>(contextValue: unknown, fn: () => T): T {
    const active = contextValue !== null && typeof contextValue === 'object' ? this.byContext.get(contextValue) : undefined;
    return active ? active.run(fn) : fn();
  }

  /** Runs a subscription's setup inside its span, then ends the span. */
  setUp<T>(contextValue: unknown, fn: () => T): T {
    const result = this.run(contextValue, fn);
    const active = contextValue !== null && typeof contextValue === 'object' ? this.byContext.get(contextValue) : undefined;
    if (active) void Promise.resolve(result).finally(() => this.end(active));
    return result;
  }

  end(active: ActiveSpan | undefined): void {
    if (!active || this.ended.has(active)) return;
    this.ended.add(active);
    active.span.end();
  }
}
