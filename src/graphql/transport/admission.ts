import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import { authenticate } from '../../auth/authenticate';
import type { Principal } from '../../auth/scopes';
import type { TokenStore } from '../../auth/tokens';
import type { OperationLimits } from '../../config/config';
import { AppError, ErrorCode, HTTP_STATUS } from '../../domain/errors';
import { RateLimiter } from '../../domain/rate-limiter';
import type { ListSizes } from '../common/cost';
import { checkCost, costOf } from './cost';
import { DocumentCache } from './document-cache';
import { documentRules } from './limits';
import { checkVariables, resolveOperation, subscriptionOverHttp } from './operation.check';

/** The transports the gateway serves GraphQL on. */
export type Transport = 'http' | 'ws';

/** One GraphQL operation as a transport received it: untrusted, not yet checked for shape. */
export interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

export interface AdmissionOptions {
  schema: GraphQLSchema;
  tokens: TokenStore;
  limits: OperationLimits;
  /** GraphQL operations per second per workspace (0: no limit), and the burst. */
  rate: { perSecond: number; burst: number };
  /** Answer introspection (INTROSPECTION_ENABLED). */
  introspection: boolean;
  /** The real list sizes of a workspace, for the cost (see ListSizes); none: assumed sizes. */
  listSizes?: (workspaceId: string) => Promise<ListSizes>;
}

/** Who is asking: the Authorization value and the client's network address (for the failed-auth throttle). */
export interface Caller {
  authorization?: string;
  address?: string;
}

/** An operation that passed every check: ready to execute. */
export interface Admitted {
  principal: Principal;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  /** The variables as sent; execution coerces them (they are known to coerce). */
  variables: Record<string, unknown>;
}

/** An operation refused before execution, with the typed errors to answer and who asked (when known). */
export class Refusal extends Error {
  constructor(
    readonly errors: readonly GraphQLError[],
    readonly principal: Principal | null,
    /** A transport's own status for this refusal (e.g. 405); default: the status of the first error's code. */
    private readonly statusOverride?: number,
  ) {
    super(errors[0]?.message ?? 'refused');
    this.name = 'Refusal';
  }

  /** The AppError behind the first error (its code picks the HTTP status). */
  get appError(): AppError | null {
    const original = this.errors[0]?.originalError;
    return original instanceof AppError ? original : null;
  }

  get status(): number {
    return this.statusOverride ?? HTTP_STATUS[this.appError?.code ?? ErrorCode.BAD_USER_INPUT];
  }
}

/**
 * The one admission pipeline of every GraphQL transport: authenticate → rate-limit →
 * read the request → token limit → parse (cached by text) → validate with the one rule
 * list (introspection included) → resolve the operation → transport rules → coerce
 * variables → cost. HTTP and graphql-ws both call `admit` for each operation, so a check
 * added here holds on both, and nothing reaches ClickHouse before every check passed.
 */
export class AdmissionPipeline {
  readonly rules: readonly ValidationRule[];
  private readonly documents: DocumentCache;
  private readonly limiter: RateLimiter;

  constructor(private readonly options: AdmissionOptions) {
    this.rules = documentRules(options.limits, options.introspection);
    this.documents = new DocumentCache(options.schema, { maxTokens: options.limits.maxTokens, rules: this.rules });
    this.limiter = new RateLimiter(options.rate.perSecond, options.rate.burst);
  }

  /**
   * Admits one operation or throws a Refusal. `read` supplies the request only after the
   * caller is authenticated and within its rate (HTTP reads the body then). `now` is the
   * clock ranges resolve against, for the cost of ranged fields.
   */
  async admit(caller: Caller, read: () => Promise<OperationRequest> | OperationRequest, transport: Transport, now: number): Promise<Admitted> {
    const principal = await refuseOn(null, () => authenticate(this.options.tokens, caller.authorization, caller.address));
    await refuseOn(principal, () => this.takeRate(principal));
    const request = await refuseOn(principal, read);
    const { query, variables, operationName } = await refuseOn(principal, () => shapeOf(request));
    const document = this.documents.get(query);
    if (!('kind' in document)) throw new Refusal(document, principal);
    const operation = resolveOperation(document, operationName);
    if (operation instanceof GraphQLError) throw new Refusal([operation], principal);
    const transportError = transport === 'http' ? subscriptionOverHttp(operation) : null;
    if (transportError) throw new Refusal([transportError], principal);
    const coerced = checkVariables(this.options.schema, operation, variables);
    if (coerced.errors.length > 0) throw new Refusal(coerced.errors, principal);
    const sizes = await refuseOn(principal, () => this.listSizesFor(principal, query));
    const cost = checkCost(costOf(this.options.schema, document, operationName, coerced.coerced, now, sizes), this.options.limits);
    if (cost) throw new Refusal([cost], principal);
    return { principal, document, operation, operationName, variables: (variables ?? {}) as Record<string, unknown> };
  }

  /** The workspace's list sizes, looked up only for documents that select a priced list. */
  private async listSizesFor(principal: Principal, query: string): Promise<ListSizes | null> {
    if (!this.options.listSizes || principal.workspaceId === null || !/\b(destinations|sources)\b/.test(query)) return null;
    return this.options.listSizes(principal.workspaceId);
  }

  /** 429 unless the caller's workspace (or the root token) has operations left this second (the REST reads share it). */
  takeRate(principal: Principal): void {
    // The wall clock, not the request clock (tests freeze that one for ranges).
    const decision = this.limiter.take(principal.workspaceId ?? principal.tokenId, 1, Date.now());
    if (decision.ok) return;
    const perSecond = this.options.rate.perSecond;
    throw new AppError(ErrorCode.RATE_LIMITED, `Over the rate of ${perSecond} operations/s for this workspace; retry after ${decision.retryAfterSeconds} s`, {
      retryAfterSeconds: decision.retryAfterSeconds,
      limit: 'queryRatePerSecond',
      value: perSecond,
    });
  }
}

/** Runs one step; an AppError it throws becomes a Refusal carrying its code. */
async function refuseOn<T>(principal: Principal | null, step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof AppError) throw new Refusal([new GraphQLError(err.message, { originalError: err })], principal);
    throw err;
  }
}

/** The request's fields, typed: a query text, a variables object, an operation name; persisted queries are off. */
function shapeOf(request: OperationRequest): { query: string; variables: Record<string, unknown> | null | undefined; operationName: string | null } {
  const { query, variables, operationName, extensions } = request;
  if (extensions && typeof extensions === 'object' && 'persistedQuery' in extensions) {
    // No client-writable query cache: automatic persisted queries are refused, hash or not.
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'Persisted queries are not supported; send the query text', { field: 'extensions.persistedQuery' });
  }
  if (typeof query !== 'string' || query.trim() === '') throw new AppError(ErrorCode.BAD_USER_INPUT, 'The request has no query text', { field: 'query' });
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'operationName must be a string', { field: 'operationName' });
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'variables must be a JSON object', { field: 'variables' });
  }
  return { query, variables: variables as Record<string, unknown> | null | undefined, operationName: operationName ?? null };
}
