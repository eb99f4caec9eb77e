import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import { authenticate } from '../../auth/authenticate';
import type { Principal } from '../../auth/scopes';
import type { TokenStore } from '../../auth/tokens';
import type { OperationLimits } from '../../config/config';
import { AppError, ErrorCode, HTTP_STATUS } from '../../domain/errors';
import { RateLimiter } from '../../domain/rate-limiter';
import type { ListSizes } from '../common/cost';
import { checkCost, costOf, selectsSizedList } from './cost';
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

/** An operation request of the right shape: a query text (or, over HTTP, only a persisted query's hash). */
export interface ShapedRequest {
  query: string | null;
  variables: Record<string, unknown> | null | undefined;
  operationName: string | null;
  /** The SHA-256 of the text, when the client sent an automatic persisted query (HTTP only). */
  persistedHash: string | null;
}

/** What the operation phase reads besides the document: its text (list pricing), name and variables. */
export type OperationText = Pick<ShapedRequest, 'variables' | 'operationName'> & { query: string };

/**
 * The one admission pipeline of every GraphQL transport, in three phases:
 * - caller: authenticate → rate-limit (before any byte of the request is read);
 * - document: token limit → parse → validate with the one rule list (introspection
 *   included), cached by text: everything that depends on the text alone;
 * - operation: resolve the operation → transport rule → coerce variables → cost.
 * graphql-ws calls `admit` (all three in order) for each operation; over HTTP the router
 * runs the caller phase and Apollo Server's hooks run the other two (transport/apollo-plugin.ts).
 * A check added here holds on both, and nothing reaches ClickHouse before every check passed.
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

  /** The limits the pipeline applies (the test that keeps Apollo's options in step reads them). */
  get limits(): OperationLimits {
    return this.options.limits;
  }

  /**
   * Admits one operation or throws a Refusal: the three phases in order. `read` supplies
   * the request only after the caller is authenticated and within its rate. `now` is the
   * clock ranges resolve against, for the cost of ranged fields.
   */
  async admit(caller: Caller, read: () => Promise<OperationRequest> | OperationRequest, transport: Transport, now: number): Promise<Admitted> {
    const principal = await this.admitCaller(caller);
    const request = await refuseOn(principal, read);
    const shaped = await refuseOn(principal, () => requestShape(request, transport));
    // Only Apollo looks a persisted hash up (HTTP); here the text is the request.
    const query = await refuseOn(principal, () => shaped.query ?? noQueryText());
    const document = this.admitDocument(query, principal);
    return this.admitOperation(principal, document, { ...shaped, query }, transport, now);
  }

  /** Caller phase: who is asking (401 otherwise), and whether their workspace has an operation left this second (429). */
  async admitCaller(caller: Caller): Promise<Principal> {
    const principal = await refuseOn(null, () => authenticate(this.options.tokens, caller.authorization, caller.address));
    await refuseOn(principal, () => this.takeRate(principal));
    return principal;
  }

  /** Document phase: the validated document for this text (cached), or a Refusal with every error. */
  admitDocument(query: string, principal: Principal | null): DocumentNode {
    const document = this.documents.get(query);
    if (!('kind' in document)) throw new Refusal(document, principal);
    return document;
  }

  /** Operation phase: which operation runs, the transport's own rule, the variables and the cost. */
  async admitOperation(principal: Principal, document: DocumentNode, request: OperationText, transport: Transport, now: number): Promise<Admitted> {
    const { variables, operationName } = request;
    const operation = resolveOperation(document, operationName);
    if (operation instanceof GraphQLError) throw new Refusal([operation], principal);
    const transportError = transport === 'http' ? subscriptionOverHttp(operation) : null;
    if (transportError) throw new Refusal([transportError], principal);
    const coerced = checkVariables(this.options.schema, operation, variables);
    if (coerced.errors.length > 0) throw new Refusal(coerced.errors, principal);
    const sizes = await refuseOn(principal, () => this.listSizesFor(principal, document));
    const cost = checkCost(costOf(this.options.schema, document, operationName, coerced.coerced, now, sizes), this.options.limits);
    if (cost) throw new Refusal([cost], principal);
    return { principal, document, operation, operationName, variables: (variables ?? {}) as Record<string, unknown> };
  }

  /** The workspace's list sizes, looked up only for documents that select a list priced by them. */
  private async listSizesFor(principal: Principal, document: DocumentNode): Promise<ListSizes | null> {
    if (!this.options.listSizes || principal.workspaceId === null || !selectsSizedList(this.options.schema, document)) return null;
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
export async function refuseOn<T>(principal: Principal | null, step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof AppError) throw new Refusal([new GraphQLError(err.message, { originalError: err })], principal);
    throw err;
  }
}

/**
 * The request's fields, typed: a query text, a variables object, an operation name. Over
 * HTTP an automatic persisted query may leave the text out (Apollo then looks its hash up);
 * graphql-ws always carries the text.
 */
export function requestShape(request: OperationRequest, transport: Transport): ShapedRequest {
  const { query, variables, operationName } = request;
  const persistedHash = persistedQueryHash(request.extensions, transport);
  const hasText = typeof query === 'string' && query.trim() !== '';
  if (!hasText && (persistedHash === null || (query !== undefined && query !== null))) noQueryText();
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'operationName must be a string', { field: 'operationName' });
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'variables must be a JSON object', { field: 'variables' });
  }
  return { query: hasText ? (query as string) : null, variables: variables as ShapedRequest['variables'], operationName: operationName ?? null, persistedHash };
}

function noQueryText(): never {
  throw new AppError(ErrorCode.BAD_USER_INPUT, 'The request has no query text', { field: 'query' });
}

/** `extensions.persistedQuery.sha256Hash`, checked for shape; null when the request has none. */
function persistedQueryHash(extensions: unknown, transport: Transport): string | null {
  const persisted = extensions !== null && typeof extensions === 'object' ? (extensions as { persistedQuery?: unknown }).persistedQuery : undefined;
  if (persisted === undefined || persisted === null) return null;
  const field = { field: 'extensions.persistedQuery' };
  if (transport !== 'http') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Persisted queries are served over HTTP; send the query text over WebSocket', field);
  const { version, sha256Hash } = persisted as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1 || typeof sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(sha256Hash)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'extensions.persistedQuery must be { version: 1, sha256Hash: <64 lowercase hex digits> }', field);
  }
  return sha256Hash;
}
