import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { WebSocket } from 'ws';
import type { Admitted, Refusal } from './admission';
import type { OperationObserver, OperationOutcome } from './observe';

/**
 * The operations of every socket between subscribe and complete: their request id (in
 * every error they send, as over HTTP) and one log line and metric each when they end,
 * like an HTTP request's.
 */
export class Operations {
  private readonly open = new WeakMap<WebSocket, Map<string, OperationOutcome & { started: number }>>();

  constructor(private readonly observer: OperationObserver) {}

  started(socket: WebSocket, id: string, requestId: string, admitted: Admitted): void {
    this.of(socket).set(id, {
      requestId,
      transport: 'ws',
      principal: admitted.principal,
      operationName: admitted.operation.name?.value ?? null,
      operationType: admitted.operation.operation,
      durationMs: 0,
      errors: [],
      started: performance.now(),
    });
  }

  /** A refusal is answered by onError next, which logs and formats it once. */
  refused(socket: WebSocket, id: string, requestId: string, refusal: Refusal): void {
    this.of(socket).set(id, {
      requestId,
      transport: 'ws',
      principal: refusal.principal,
      operationName: null,
      operationType: 'unknown',
      durationMs: 0,
      errors: [],
      refusedWith: refusal.status,
      started: performance.now(),
    });
  }

  format(socket: WebSocket, id: string, errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    const op = this.of(socket).get(id);
    const formatted = this.observer
      .format(errors, op?.requestId ?? '', op?.operationName ?? null)
      .map((e) => ({ ...e, extensions: { ...e.extensions, requestId: op?.requestId } }));
    if (op) op.errors = [...op.errors, ...formatted];
    return formatted;
  }

  /** Errors instead of a result (refused, or failed before it ran): the operation ends here. */
  failed(socket: WebSocket, id: string, errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    const formatted = this.format(socket, id, errors);
    this.completed(socket, id);
    return formatted;
  }

  completed(socket: WebSocket, id: string): void {
    const ops = this.of(socket);
    const op = ops.get(id);
    if (!op) return;
    ops.delete(id);
    const { started, ...outcome } = op;
    this.observer.finished({ ...outcome, durationMs: performance.now() - started });
  }

  private of(socket: WebSocket): Map<string, OperationOutcome & { started: number }> {
    let ops = this.open.get(socket);
    if (!ops) this.open.set(socket, (ops = new Map()));
    return ops;
  }
}
