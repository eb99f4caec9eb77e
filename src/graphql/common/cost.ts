import { Extensions } from 'type-graphql';

/**
 * What one field costs, declared on the field itself (read back from the schema's field
 * extensions by graphql/transport/cost.ts), so renaming or adding a field cannot drop it.
 */
export interface CostSpec {
  /** The field runs ClickHouse queries: it costs QUERY_BASE_COST × the days its `range` argument spans. */
  query?: boolean;
  /**
   * Its loaders batch the field across every parent in the request (one statement for
   * all of them): its query cost is counted once per operation, not once per parent.
   */
  batched?: boolean;
  /**
   * A list: everything selected below it is multiplied by its size: the value of the
   * argument `arg` when given (capped at `max`, the bound the resolver also enforces),
   * else `assumed`.
   */
  list?: {
    assumed: number;
    arg?: 'first' | 'limit';
    max?: number;
    actual?: keyof ListSizes;
    /**
     * The size computed from the field's own (coerced) arguments, or its parent field's, when
     * neither a bound nor a real count says it: a timeseries has one series unless split, and
     * each series one point per bucket of the parent's range and granularity. `now` is the
     * request's clock; undefined falls back to `assumed`.
     */
    sizeOf?: (args: Record<string, unknown>, now: number, parentArgs: Record<string, unknown>) => number | undefined;
  };
}

/**
 * The real sizes of the workspace's lists, when known (the catalog's counts): a list
 * declaring `actual` is priced at its real size instead of `assumed`, so a workspace
 * that grew its destination list by ingesting cannot slip past the cost limit.
 */
export interface ListSizes {
  destinations: number;
  sources: number;
}

export const COST_EXTENSION = 'cost';

/** Declares a field's cost (see CostSpec). */
export function Cost(spec: CostSpec): MethodDecorator & PropertyDecorator {
  return Extensions({ [COST_EXTENSION]: spec }) as MethodDecorator & PropertyDecorator;
}
