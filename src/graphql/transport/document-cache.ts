import { GraphQLError, parse, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { AppError, ErrorCode } from '../../domain/errors';
import { checkTokens } from './limits';
import { validateGuarded } from './operation.check';

/** What a document is checked against: the token limit and the one rule list of every transport. */
export interface DocumentChecks {
  maxTokens: number;
  rules: readonly ValidationRule[];
}

/**
 * Parsed and validated documents by query text, for both transports. A dashboard sends
 * the same few documents again and again (and opens the same subscription for many users):
 * parsing and validating each text once, and holding one AST for all of its requests,
 * saves CPU per request and memory per open subscription. Bounded: at most `maxEntries`
 * texts of at most `maxQueryLength` characters (longer ones are checked every time, never
 * kept), the least recently used dropped first. Refused documents are kept too: a client
 * retrying a bad document in a loop costs a lookup.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentNode | readonly GraphQLError[]>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly checks: DocumentChecks,
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
    const checked = parseAndValidate(this.schema, query, this.checks);
    if (query.length <= this.maxQueryLength) {
      this.entries.set(query, checked);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return checked;
  }
}

/**
 * Token count, parse and validation: everything about an operation that depends on its
 * text alone. The document, or the errors to answer with (each carrying its code).
 */
export function parseAndValidate(schema: GraphQLSchema, query: string, checks: DocumentChecks): DocumentNode | readonly GraphQLError[] {
  const tokens = checkTokens(query, checks.maxTokens);
  if (tokens) return [tokens];
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: checks.maxTokens });
  } catch (err) {
    const syntax = err instanceof GraphQLError ? err : null;
    const message = syntax?.message ?? 'Syntax error';
    return [
      new GraphQLError(message, { source: syntax?.source, positions: syntax?.positions, originalError: new AppError(ErrorCode.GRAPHQL_PARSE_FAILED, message) }),
    ];
  }
  const errors = validateGuarded(schema, document, checks.rules);
  if (errors.length === 0) return document;
  return errors.map((e) =>
    e.originalError instanceof AppError
      ? e
      : new GraphQLError(e.message, { nodes: e.nodes, originalError: new AppError(ErrorCode.GRAPHQL_VALIDATION_FAILED, e.message) }),
  );
}
