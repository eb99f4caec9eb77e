import { HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Principal } from '../../auth/scopes';
import { AppError, ErrorCode } from '../../domain/errors';
import type { GatewaySpan } from '../../observability/tracing';
import { RequestContext, type GatewayServices } from '../context';
import { Refusal, type Admitted } from './admission';

/**
 * One GraphQL request over HTTP, shared by the HTTP adapter (which starts it after the
 * caller phase) and the admission plugin (which runs the other phases inside Apollo):
 * who asked, what admission decided, the operation's deadline, and whether it was answered.
 */
export class HttpExchange {
  readonly started = performance.now();
  /** What the document phase refused, to be answered at didResolveOperation. */
  documentRefusal: Refusal | null = null;
  /** The refusal the answer carries (document or operation phase), every error of it. */
  refusal: Refusal | null = null;
  admitted: Admitted | null = null;
  /** The answer was reported (by the plugin, or by the adapter when the deadline came first): once only. */
  reported = false;
  readonly deadline: Deadline;

  constructor(
    readonly requestId: string,
    readonly principal: Principal,
    readonly span: GatewaySpan,
    timeoutMs: number,
  ) {
    this.deadline = new Deadline(timeoutMs, principal);
  }
}

/**
 * The context of an HTTP operation: the resolvers' RequestContext, carrying its exchange.
 * A property, not a side table: Apollo hands hooks and resolvers a shallow copy of the
 * context it was given (one per operation), which keeps own properties and the prototype.
 */
export class HttpRequestContext extends RequestContext {
  constructor(
    services: GatewayServices,
    readonly exchange: HttpExchange,
  ) {
    super(services, exchange.principal, exchange.requestId);
  }
}

export function exchangeOf(contextValue: RequestContext): HttpExchange {
  if (!(contextValue instanceof HttpRequestContext)) throw new Error('a GraphQL request reached Apollo without passing the HTTP adapter');
  return contextValue.exchange;
}

/**
 * The operation's deadline: armed when execution starts (admission is not counted), it
 * settles `expired` with a QUERY_TIMEOUT refusal once `ms` have passed. The adapter answers
 * whichever comes first; the ClickHouse reads still running end at their own max_execution_time.
 */
export class Deadline {
  readonly expired: Promise<Refusal>;
  private fire!: (refusal: Refusal) => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly principal: Principal,
  ) {
    this.expired = new Promise((resolve) => (this.fire = resolve));
  }

  arm(): void {
    if (this.timer) return;
    const ms = this.ms;
    const message = `The operation did not finish within ${ms} ms; ask for less (a narrower range, fewer items) or retry`;
    this.timer = setTimeout(
      () => this.fire(new Refusal([requestError(ErrorCode.QUERY_TIMEOUT, message, { limit: 'operationTimeoutMs', value: ms })], this.principal)),
      ms,
    );
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

export function requestError(code: ErrorCode, message: string, details?: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { originalError: new AppError(code, message, details) });
}

export function withRequestId(e: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  return { ...e, extensions: { ...e.extensions, requestId } };
}

/** The headers a refusal's status calls for: a challenge with 401, when to retry with 429. */
export function refusalHeaders(refusal: Refusal): Record<string, string> {
  if (refusal.status === 401) return { 'www-authenticate': 'Bearer' };
  const retryAfter = refusal.appError?.details?.retryAfterSeconds;
  return typeof retryAfter === 'number' ? { 'retry-after': String(Math.ceil(retryAfter)) } : {};
}

/**
 * A refusal as the one error Apollo takes from a hook: its first error, with the status
 * and headers on `extensions.http`, as Apollo's own request errors carry them.
 */
export function asApolloError(refusal: Refusal): GraphQLError {
  const first = refusal.errors[0];
  const http = { status: refusal.status, headers: new HeaderMap(Object.entries(refusalHeaders(refusal))) };
  return new GraphQLError(first.message, { nodes: first.nodes, originalError: first.originalError ?? first, extensions: { ...first.extensions, http } });
}
