import {
  getArgumentValues,
  GraphQLError,
  isListType,
  isNonNullType,
  Kind,
  Lexer,
  Source,
  TokenKind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  getNamedType,
  isObjectType,
  isInterfaceType,
  parse,
} from 'graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { resolveTimeRange } from '../../domain/time-range';
import { checkVariables, resolveOperation, validateGuarded } from './operation.check';

/** Limits on one GraphQL operation, enforced identically on HTTP and graphql-ws, before any ClickHouse query. */
export interface OperationLimits {
  /** Most lexical tokens in a document. */
  maxTokens: number;
  /** Deepest field nesting, introspection included (the IDE's introspection query is 13 deep). */
  maxDepth: number;
  /** Most aliased fields in an operation. */
  maxAliases: number;
  /** Most directives in a document. */
  maxDirectives: number;
  /** Highest estimated cost (see costOf). */
  maxCost: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxTokens: 5000, maxDepth: 15, maxAliases: 30, maxDirectives: 20, maxCost: 20_000 };

/** A GraphQLError carrying an AppError, so the one formatter keeps its code and details on every transport. */
function tooComplex(message: string, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    originalError: new AppError(ErrorCode.QUERY_TOO_COMPLEX, message, details),
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, ...details, http: { status: 400 } },
  });
}

/**
 * Counts tokens with graphql's own lexer and stops at the limit, so a huge document
 * costs at most `max` tokens of work. Returns an error when over; syntax errors are
 * left to the parser.
 */
export function checkTokens(query: string, max: number): GraphQLError | null {
  const lexer = new Lexer(new Source(query));
  let n = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++n > max) return tooComplex(`The document has more than ${max} tokens`, { limit: 'maxTokens', value: max });
    }
  } catch {
    return null;
  }
  return null;
}

/** Validation rules for depth, aliases and directives. */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  const depthRule: ValidationRule = (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    // Each fragment's depth is computed once: a chain of fragments that each spread the
    // previous one twice would otherwise cost 2^n walks (a cheap way to stall the server).
    const fragmentDepths = new Map<string, number>();
    const inProgress = new Set<string>();
    const fragmentDepth = (name: string): number => {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const f = fragments.get(name);
      if (!f || inProgress.has(name)) return 0; // unknown fragments and cycles are reported by the standard rules
      inProgress.add(name);
      const depth = depthOf(f.selectionSet);
      inProgress.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };
    const depthOf = (set: SelectionSetNode | undefined): number => {
      if (!set) return 0;
      let max = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) max = Math.max(max, 1 + depthOf(sel.selectionSet));
        else if (sel.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, depthOf(sel.selectionSet));
        else max = Math.max(max, fragmentDepth(sel.name.value));
        if (max > limits.maxDepth) return max;
      }
      return max;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet);
        if (depth > limits.maxDepth) context.reportError(tooComplex(`The operation is nested deeper than ${limits.maxDepth} levels`, { limit: 'maxDepth', value: limits.maxDepth }));
      },
    };
  };
  const aliasRule: ValidationRule = (context) => {
    let aliases = 0;
    let directives = 0;
    let reportedAliases = false;
    let reportedDirectives = false;
    return {
      Field(node) {
        if (node.alias && ++aliases > limits.maxAliases && !reportedAliases) {
          reportedAliases = true;
          context.reportError(tooComplex(`The document uses more than ${limits.maxAliases} aliases`, { limit: 'maxAliases', value: limits.maxAliases }));
        }
      },
      Directive() {
        if (++directives > limits.maxDirectives && !reportedDirectives) {
          reportedDirectives = true;
          context.reportError(tooComplex(`The document uses more than ${limits.maxDirectives} directives`, { limit: 'maxDirectives', value: limits.maxDirectives }));
        }
      },
    };
  };
  return [depthRule, aliasRule];
}

/** How many items a list field is assumed to return when no argument bounds it. */
const LIST_SIZE: Record<string, number> = {
  destinations: 20, sources: 20, mappings: 10, steps: 10, discards: 20, discardReasons: 80,
  collections: 10, contributors: 6, trace: 100, alertRules: 50, alertHistory: 100,
};
/** Fields that run ClickHouse queries: their cost grows with the width of their range. */
const QUERY_FIELDS = new Set(['pipeline', 'breakdown', 'discards', 'syncs', 'timeseries', 'insights', 'trace', 'samples', 'pipelineUpdated', 'alertHistory']);
const QUERY_BASE_COST = 10;
const DAY = 86_400_000;

/**
 * Estimated cost of an operation: every field costs 1, query fields cost 10 × the
 * days their range spans (a 14-day range weighs 14 times a 1-day one), and each cost
 * is multiplied by the sizes of the lists above it (`first`/`limit` when given,
 * else an assumed size). Variables are taken into account.
 */
export function costOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined, now = Date.now()): number {
  const op = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!op) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;

  // Cost is linear in the multiplier, so each (fragment, parent type) is walked once at
  // multiplier 1 and scaled: fragments fanning out to each other stay linear to estimate.
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLType): number => {
    if (!set) return 0;
    const named = getNamedType(parent);
    if (!isObjectType(named) && !isInterfaceType(named)) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const field = named.getFields()[sel.name.value];
        if (!field) continue;
        const args = safeArgs(field, sel, variables);
        const own = 1 + (QUERY_FIELDS.has(field.name) ? QUERY_BASE_COST * rangeDays(args.range, now) : 0);
        const size = isList(field.type) ? listSize(field.name, args) : 1;
        total += own + size * walk(sel.selectionSet, field.type);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += walk(sel.selectionSet, parent);
      } else {
        const key = `${sel.name.value}@${named.name}`;
        let cost = fragmentCosts.get(key);
        if (cost === undefined) {
          const f = fragments.get(sel.name.value);
          if (!f || inProgress.has(key)) continue; // cycles are refused by validation
          inProgress.add(key);
          cost = walk(f.selectionSet, parent);
          inProgress.delete(key);
          fragmentCosts.set(key, cost);
        }
        total += cost;
      }
    }
    return Math.min(total, Number.MAX_SAFE_INTEGER);
  };
  return walk(op.selectionSet, root);
}

export function checkCost(cost: number, limits: OperationLimits): GraphQLError | null {
  // `!(cost <= max)`: a NaN estimate is refused, not waved through.
  return !(cost <= limits.maxCost) ? tooComplex(`The operation is too expensive (estimated cost ${Math.round(cost)}, limit ${limits.maxCost}); ask for fewer items or narrower ranges`, { limit: 'maxCost', value: limits.maxCost, cost: Math.round(cost) }) : null;
}

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The most a bounded list field can return (its argument's own upper bound; larger values are refused by validation). */
const LIST_MAX: Record<string, number> = { breakdown: 1000, syncs: 500, samples: 10, insights: 20 };

function listSize(name: string, args: Record<string, unknown>): number {
  for (const key of ['first', 'limit']) {
    const v = args[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.max(1, Math.min(v, LIST_MAX[name] ?? v));
  }
  return LIST_SIZE[name] ?? 10;
}

function safeArgs(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown> | null | undefined): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables ?? {}) as Record<string, unknown>;
  } catch {
    return {}; // invalid arguments are reported by validation/execution
  }
}

/** Days a range argument spans (at least 1); the widest allowed when it cannot be resolved. */
function rangeDays(range: unknown, now: number): number {
  if (range === undefined || range === null) return 1;
  try {
    const r = resolveTimeRange(range as Parameters<typeof resolveTimeRange>[0], now);
    return Math.max(1, Math.ceil((r.to - r.from) / DAY));
  } catch {
    return 14;
  }
}

/**
 * Token count, parse and validation: everything about an operation that depends on its
 * text alone (so graphql-ws can share the result between subscribers; see
 * document-cache.ts). The document, or the errors to answer with.
 */
export function parseAndValidate(schema: GraphQLSchema, query: string, limits: OperationLimits): DocumentNode | readonly GraphQLError[] {
  const tokens = checkTokens(query, limits.maxTokens);
  if (tokens) return [tokens];
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens });
  } catch (err) {
    return [err instanceof GraphQLError ? new GraphQLError(err.message, { extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED }, originalError: new AppError(ErrorCode.GRAPHQL_PARSE_FAILED, err.message) }) : new GraphQLError('Syntax error')];
  }
  const errors = validateGuarded(schema, document, limitRules(limits));
  if (errors.length > 0) {
    return errors.map((e) =>
      e.originalError instanceof AppError ? e : new GraphQLError(e.message, { nodes: e.nodes, originalError: new AppError(ErrorCode.GRAPHQL_VALIDATION_FAILED, e.message) }),
    );
  }
  return document;
}

/**
 * Resolve the operation, coerce the variables and cost-check a validated document, for
 * transports that do not go through Apollo (graphql-ws): the document, or the errors.
 */
export function checkRequest(
  schema: GraphQLSchema,
  document: DocumentNode,
  payload: { operationName?: string | null; variables?: Record<string, unknown> | null },
  limits: OperationLimits,
  now: number,
): DocumentNode | readonly GraphQLError[] {
  const operation = resolveOperation(document, payload.operationName);
  if (operation instanceof GraphQLError) return [operation];
  const variables = checkVariables(schema, operation, payload.variables);
  if (variables.errors.length > 0) return variables.errors;
  const cost = checkCost(costOf(schema, document, payload.operationName, variables.coerced, now), limits);
  return cost ? [cost] : document;
}
