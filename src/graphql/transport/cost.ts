import {
  TypeInfo,
  visit,
  visitWithTypeInfo,
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type GraphQLError,
} from 'graphql';
import type { OperationLimits } from '../../config/config';
import { resolveTimeRange } from '../../domain/time-range';
import { COST_EXTENSION, type CostSpec, type ListSizes } from '../common/cost';
import { tooComplex } from './limits';
import { compoundKey } from '../../domain/compound-key';

/** What a query field costs per day of its range. */
export const QUERY_BASE_COST = 10;
/** The size assumed for a list without a declared one (every list field declares one; a test checks). */
const DEFAULT_LIST_SIZE = 10;
const DAY = 86_400_000;

export function costSpecOf(field: GraphQLField<unknown, unknown>): CostSpec | undefined {
  return (field.extensions as Record<string, unknown> | undefined)?.[COST_EXTENSION] as CostSpec | undefined;
}

/**
 * Whether the document selects a list whose cost is priced by the workspace's real size
 * (`@Cost({ list: { actual } })`, e.g. `destinations`): only then are the sizes looked up.
 * Read from the declarations, not from the query's text.
 */
export function selectsSizedList(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: () => void (found ||= costSpecOf(typeInfo.getFieldDef() as GraphQLField<unknown, unknown>)?.list?.actual !== undefined),
    }),
  );
  return found;
}

/**
 * Estimated cost of an operation: every field costs 1, query fields cost 10 × the days
 * their range spans (a 14-day range weighs 14 times a 1-day one), and each cost is
 * multiplied by the sizes of the lists above it (`first`/`limit` when given, the real
 * size for lists that declare one, else the size the field declares). A batched query
 * field's query cost counts once, however many parents select it. Variables count.
 */
export function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  now = Date.now(),
  sizes: ListSizes | null = null,
): number {
  const op = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!op) return 0;
  const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;
  const walker = new CostWalker(document, variables ?? {}, now, sizes);
  return Math.min(walker.walk(op.selectionSet, root) + walker.batchedCost(), Number.MAX_SAFE_INTEGER);
}

class CostWalker {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  // Cost is linear in the multiplier, so each (fragment, parent type) is walked once at
  // multiplier 1 and scaled: fragments fanning out to each other stay linear to estimate.
  private readonly fragmentCosts = new Map<string, number>();
  private readonly inProgress = new Set<string>();
  /**
   * Query costs of batched fields, once per field and arguments: the loader makes one
   * statement per distinct argument set (aliases with other ranges are other statements).
   */
  private readonly batched = new Map<string, number>();

  constructor(
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
    private readonly now: number,
    private readonly sizes: ListSizes | null,
  ) {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d);
  }

  /** The cost of a selection set under `parent`; `parentArgs` are the arguments of the field that holds it. */
  walk(set: SelectionSetNode | undefined, parent: GraphQLType, parentArgs: Record<string, unknown> = {}): number {
    if (!set) return 0;
    const named = getNamedType(parent);
    if (!isObjectType(named) && !isInterfaceType(named)) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (!this.runs(sel)) continue;
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const field = named.getFields()[sel.name.value];
        if (field) total += this.fieldCost(field, sel, parentArgs);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += this.walk(sel.selectionSet, parent, parentArgs);
      } else {
        total += this.fragmentCost(sel.name.value, named.name, parent, parentArgs);
      }
    }
    return Math.min(total, Number.MAX_SAFE_INTEGER);
  }

  /** False for a selection that @include(if: false) or @skip(if: true) leaves out: what does not run costs nothing. */
  private runs(sel: SelectionNode): boolean {
    for (const directive of sel.directives ?? []) {
      const name = directive.name.value;
      if (name !== 'include' && name !== 'skip') continue;
      const arg = directive.arguments?.find((a) => a.name.value === 'if')?.value;
      const value = arg?.kind === Kind.VARIABLE ? this.variables[arg.name.value] : arg?.kind === Kind.BOOLEAN ? arg.value : undefined;
      if (typeof value !== 'boolean') continue; // invalid: validation reports it
      if (name === 'include' ? !value : value) return false;
    }
    return true;
  }

  batchedCost(): number {
    let total = 0;
    for (const cost of this.batched.values()) total += cost;
    return total;
  }

  private fieldCost(field: GraphQLField<unknown, unknown>, node: FieldNode, parentArgs: Record<string, unknown>): number {
    const spec = costSpecOf(field);
    const args = safeArgs(field, node, this.variables);
    const queryCost = spec?.query ? QUERY_BASE_COST * rangeDays(args.range, this.now) : 0;
    if (spec?.batched) this.batched.set(compoundKey(field.name, JSON.stringify(args)), queryCost);
    const own = 1 + (spec?.batched ? 0 : queryCost);
    const size = isList(field.type) ? listSize(spec, args, this.sizes, this.now, parentArgs) : 1;
    return own + size * this.walk(node.selectionSet, field.type, args);
  }

  private fragmentCost(name: string, typeName: string, parent: GraphQLType, parentArgs: Record<string, unknown>): number {
    // Keyed by the holder's arguments too: a fragment on Series costs per its timeseries' buckets.
    const key = `${name}@${typeName}@${JSON.stringify(parentArgs)}`;
    let cost = this.fragmentCosts.get(key);
    if (cost === undefined) {
      const f = this.fragments.get(name);
      if (!f || this.inProgress.has(key)) return 0; // cycles are refused by validation
      this.inProgress.add(key);
      cost = this.walk(f.selectionSet, parent, parentArgs);
      this.inProgress.delete(key);
      this.fragmentCosts.set(key, cost);
    }
    return cost;
  }
}

export function checkCost(cost: number, limits: OperationLimits): GraphQLError | null {
  // `!(cost <= max)`: a NaN estimate is refused, not waved through.
  return !(cost <= limits.maxCost)
    ? tooComplex(`The operation is too expensive (estimated cost ${Math.round(cost)}, limit ${limits.maxCost}); ask for fewer items or narrower ranges`, {
        limit: 'maxCost',
        value: limits.maxCost,
        cost: Math.round(cost),
      })
    : null;
}

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function listSize(
  spec: CostSpec | undefined,
  args: Record<string, unknown>,
  sizes: ListSizes | null,
  now: number,
  parentArgs: Record<string, unknown>,
): number {
  const list = spec?.list;
  if (list?.actual && sizes) return Math.max(1, sizes[list.actual]);
  const computed = list?.sizeOf?.(args, now, parentArgs);
  if (computed !== undefined && Number.isFinite(computed)) return Math.max(1, computed);
  const v = list?.arg ? args[list.arg] : undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.max(1, Math.min(v, list?.max ?? v));
  return list?.assumed ?? DEFAULT_LIST_SIZE;
}

function safeArgs(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables) as Record<string, unknown>;
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
