import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  SingleFieldSubscriptionsRule,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import { AppError, ErrorCode } from '../../domain/errors';

/**
 * Request-level checks that graphql-js would otherwise make inside `execute`, where its
 * errors carry no code (and so would be masked as internal): which operation to run and
 * whether the variables coerce. The admission pipeline runs them for both transports, so
 * both answer the same typed BAD_USER_INPUT errors before execution.
 */

/** At most this many invalid variable values are listed; one more error says the list was cut. */
export const MAX_VARIABLE_ERRORS = 20;

function badInput(message: string, nodes?: GraphQLError['nodes'], details?: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { nodes, originalError: new AppError(ErrorCode.BAD_USER_INPUT, message, details), extensions: { http: { status: 400 } } });
}

/** The operation to run, or why there is none (no operation, several and none named, an unknown name). */
export function resolveOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | GraphQLError {
  const op = getOperationAST(document, operationName ?? undefined);
  if (op) return op;
  const named = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  if (named === 0) return badInput('The document contains no operation');
  if (operationName) return badInput(`The document has no operation named "${operationName}"`, undefined, { field: 'operationName' });
  return badInput('The document has several operations: say which one to run with operationName', undefined, { field: 'operationName' });
}

const SUBSCRIPTIONS_OVER_WS = 'Subscriptions are served over WebSocket (the graphql-transport-ws protocol) on this path, not over HTTP';

/** Subscriptions are streams: they are served over graphql-ws on the same path, not over HTTP. */
export function subscriptionOverHttp(op: OperationDefinitionNode): GraphQLError | null {
  return op.operation === 'subscription' ? badInput(SUBSCRIPTIONS_OVER_WS) : null;
}

/**
 * The variables coerced to their declared types (defaults applied), or every value that
 * does not coerce (at most MAX_VARIABLE_ERRORS, plus one saying more were cut). The cost
 * estimate reads the coerced values, so a declared default counts like a sent value.
 */
export function checkVariables(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  variables: unknown,
): { errors: GraphQLError[]; coerced: Record<string, unknown> | null } {
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return { errors: [badInput('variables must be a JSON object', undefined, { field: 'variables' })], coerced: null };
  }
  const result = getVariableValues(schema, op.variableDefinitions ?? [], (variables ?? {}) as Record<string, unknown>, { maxErrors: MAX_VARIABLE_ERRORS });
  if (!result.errors) return { errors: [], coerced: result.coerced };
  // graphql-js appends one error (no nodes, no code) once the limit is reached: the position tells it apart.
  const errors = result.errors.map((e, i) =>
    i >= MAX_VARIABLE_ERRORS
      ? badInput(`More than ${MAX_VARIABLE_ERRORS} variable values are invalid; the rest were not checked`, undefined, {
          limit: 'maxVariableErrors',
          value: MAX_VARIABLE_ERRORS,
        })
      : badInput(e.message, e.nodes),
  );
  return { errors, coerced: null };
}

/**
 * graphql-js's single-field-subscription rule evaluates @skip/@include while validating,
 * without variables: it throws (instead of reporting) on `if: "yes"`, and also on
 * `if: $flag`, which is legitimate. Validates with `rules`, and when that throws, with
 * `rules` minus that one (the single root field is then left to graphql-ws, whose
 * subscribe takes the first): the validation errors, or [] when valid.
 */
export function validateGuarded(schema: GraphQLSchema, document: DocumentNode, rules: readonly ValidationRule[]): readonly GraphQLError[] {
  try {
    return validate(schema, document, rules);
  } catch {
    try {
      return validate(
        schema,
        document,
        rules.filter((r) => r !== SingleFieldSubscriptionsRule),
      );
    } catch (err) {
      return [invalidDocument(err)];
    }
  }
}

/** A typed GRAPHQL_VALIDATION_FAILED error for an exception thrown while validating. */
export function invalidDocument(err: unknown): GraphQLError {
  const message = err instanceof GraphQLError ? err.message : 'The document does not validate';
  return new GraphQLError(message, {
    nodes: err instanceof GraphQLError ? err.nodes : undefined,
    originalError: new AppError(ErrorCode.GRAPHQL_VALIDATION_FAILED, message),
    extensions: { http: { status: 400 } },
  });
}
