import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { parseAndValidate, type OperationLimits } from './limits';

/**
 * Parsed and validated documents by query text, for graphql-ws. A dashboard opens the
 * same subscription for many users and widgets: parsing and validating it once, and
 * holding one AST for all of them instead of one per subscriber, saves CPU at subscribe
 * time and memory for as long as they stay open. Bounded: at most `maxEntries` texts of at
 * most `maxQueryLength` characters (longer ones are checked every time, never kept), the
 * least recently used dropped first. Refused documents are kept too: a client retrying a
 * bad subscription in a loop costs a lookup.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentNode | readonly GraphQLError[]>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: OperationLimits,
    private readonly maxEntries = 500,
    private readonly maxQueryLength = 16_384,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The validated document for this text, or the errors to answer with. */
  get(query: string): DocumentNode | readonly GraphQLError[] {
    const known = this.entries.get(query);
    if (known !== undefined) {
      this.entries.delete(query); // re-insert: Map order is the recency order
      this.entries.set(query, known);
      return known;
    }
    const checked = parseAndValidate(this.schema, query, this.limits);
    if (query.length <= this.maxQueryLength) {
      this.entries.set(query, checked);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return checked;
  }
}
