import {
  GraphQLError,
  Kind,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  specifiedRules,
  TokenKind,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { OperationLimits } from '../../config/config';
import { AppError, ErrorCode } from '../../domain/errors';

export { DEFAULT_LIMITS, type OperationLimits } from '../../config/config';

/** A GraphQLError carrying an AppError, so the one formatter keeps its code and details on every transport. */
export function tooComplex(message: string, details: Record<string, unknown>): GraphQLError {
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
        if (depth > limits.maxDepth)
          context.reportError(tooComplex(`The operation is nested deeper than ${limits.maxDepth} levels`, { limit: 'maxDepth', value: limits.maxDepth }));
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
          context.reportError(
            tooComplex(`The document uses more than ${limits.maxDirectives} directives`, { limit: 'maxDirectives', value: limits.maxDirectives }),
          );
        }
      },
    };
  };
  return [depthRule, aliasRule];
}

/**
 * The one validation rule list of every transport: graphql-js's standard rules, the
 * depth/alias/directive limits and, when introspection is off, the rule refusing it.
 */
export function documentRules(limits: OperationLimits, introspection: boolean): ValidationRule[] {
  return [...specifiedRules, ...limitRules(limits), ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
}

/** The largest GraphQL request either transport reads (an HTTP body, a graphql-ws message): anything larger is an attack or a mistake. */
export const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;
