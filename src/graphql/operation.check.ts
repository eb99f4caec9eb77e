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
} from 'graphql';
import { AppError, ErrorCode } from '../domain/errors';

/**
 * Request-level checks that graphql-js would otherwise make inside `execute`, where its
 * errors carry no code (and so would be masked as internal): which operation to run and
 * whether the variables coerce. HTTP (an Apollo plugin) and graphql-ws (onSubscribe)
 * both run them, so both answer the same typed BAD_USER_INPUT errors before execution.
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

/** Subscriptions are streams: they are served over graphql-ws on the same path, not over HTTP. */
export function subscriptionOverHttp(op: OperationDefinitionNode): GraphQLError | null {
  return op.operation === 'subscription'
    ? badInput('Subscriptions are served over WebSocket (the graphql-transport-ws protocol) on this path, not over HTTP')
    : null;
}

/** Every variable value that does not coerce to its declared type (at most MAX_VARIABLE_ERRORS, plus one saying more were cut). */
export function variableErrors(schema: GraphQLSchema, op: OperationDefinitionNode, variables: unknown): GraphQLError[] {
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return [badInput('variables must be a JSON object', undefined, { field: 'variables' })];
  }
  const result = getVariableValues(schema, op.variableDefinitions ?? [], (variables ?? {}) as Record<string, unknown>, { maxErrors: MAX_VARIABLE_ERRORS });
  if (!result.errors) return [];
  // graphql-js appends one error (no nodes, no code) once the limit is reached: the position tells it apart.
  return result.errors.map((e, i) =>
    i >= MAX_VARIABLE_ERRORS
      ? badInput(`More than ${MAX_VARIABLE_ERRORS} variable values are invalid; the rest were not checked`, undefined, { limit: 'maxVariableErrors', value: MAX_VARIABLE_ERRORS })
      : badInput(e.message, e.nodes),
  );
}

/**
 * graphql-js's single-field-subscription rule evaluates @skip/@include while validating
 * and throws, instead of reporting, when their `if` is not a Boolean: Apollo would answer
 * that with a 500. Run before validation, this finds such documents and answers them as
 * the validation error they are.
 */
export function validationCrash(schema: GraphQLSchema, document: DocumentNode): GraphQLError | null {
  if (!document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'subscription')) return null;
  try {
    validate(schema, document, [SingleFieldSubscriptionsRule]);
    return null;
  } catch (err) {
    return invalidDocument(err);
  }
}

/** A typed GRAPHQL_VALIDATION_FAILED error for an exception thrown while validating. */
export function invalidDocument(err: unknown): GraphQLError {
  const message = err instanceof GraphQLError ? err.message : 'The document does not validate';
  return new GraphQLError(message, { originalError: new AppError(ErrorCode.GRAPHQL_VALIDATION_FAILED, message), extensions: { http: { status: 400 } } });
}
