import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, HTTP_STATUS } from '../../domain/errors';
import { readBody } from '../../http/respond';
import type { RequestContext } from '../context';
import { formatError } from './format-error';
import { checkCost, checkTokens, costOf, limitRules, type OperationLimits } from './limits';
import { checkVariables, resolveOperation, subscriptionOverHttp, validationCrash } from './operation.check';

/** GraphQL request bodies are small; anything larger is an attack or a mistake. */
export const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;

/** Adds the request id to every error and logs errors the caller cannot see in full. */
function errorReporting(log: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const err of errors) {
            const cause = err.originalError ?? err;
            const internal = !(cause as { code?: unknown }).code || (cause as { code?: unknown }).code === ErrorCode.INTERNAL_SERVER_ERROR;
            log[internal ? 'error' : 'debug']({ requestId: contextValue.requestId, operationName, err: cause }, 'graphql error');
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          for (const e of errors ?? []) {
            (e.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
          // A request that failed before execution (no data at all) gets its first error's
          // status: Apollo answers some of its own request errors with 200.
          const code = errors?.[0]?.extensions?.code as ErrorCode | undefined;
          if (data === undefined && code && HTTP_STATUS[code] && (response.http.status === undefined || response.http.status === 200)) {
            response.http.status = HTTP_STATUS[code];
          }
        },
      };
    },
  };
}

/**
 * Variable coercion once per request: the cost check (didResolveOperation) and the
 * variable check (responseForOperation) both need it, and Apollo hands both the same
 * request object.
 */
const coercions = new WeakMap<object, ReturnType<typeof checkVariables>>();
function variablesOf(schema: GraphQLSchema, operation: OperationDefinitionNode, request: { variables?: Record<string, unknown> }): ReturnType<typeof checkVariables> {
  let result = coercions.get(request);
  if (!result) coercions.set(request, (result = checkVariables(schema, operation, request.variables)));
  return result;
}

/** Refuses operations whose estimated cost (with their variables) is over the limit, before execution. */
function costLimit(schema: GraphQLSchema, limits: OperationLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName, request, contextValue }) {
          // Costed on the coerced variables (declared defaults applied); variables that do not
          // coerce are reported by requestChecks, so their raw values are good enough here.
          const variables = (operation ? variablesOf(schema, operation, request).coerced : null) ?? request.variables;
          const error = checkCost(costOf(schema, document, operationName, variables, contextValue.now), limits);
          if (error) throw error;
        },
      };
    },
  };
}

/**
 * The request checks graphql-ws runs in onSubscribe (see operation.check.ts), for HTTP:
 * subscriptions are refused, and variables that do not coerce are answered with typed
 * errors before execution.
 */
function requestChecks(schema: GraphQLSchema): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          const error = operation ? subscriptionOverHttp(operation) : null;
          if (error) throw error;
        },
        async responseForOperation({ operation, document, request }) {
          // Apollo hands over an unresolved operation too; answer it like graphql-ws does.
          const resolved = operation ?? resolveOperation(document, request.operationName);
          const errors = resolved instanceof GraphQLError ? [resolved] : variablesOf(schema, resolved, request).errors;
          if (errors.length === 0) return null;
          return {
            http: { status: 400, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { errors: errors.map((e) => formatError(e.toJSON(), e)) } },
          };
        },
      };
    },
  };
}

export async function createApollo(
  schema: GraphQLSchema,
  log: Logger,
  options: { introspection: boolean; limits: OperationLimits; plugins?: ApolloServerPlugin<RequestContext>[] },
): Promise<ApolloServer<RequestContext>> {
  const server = new ApolloServer<RequestContext>({
    schema,
    formatError,
    validationRules: limitRules(options.limits),
    parseOptions: { maxTokens: options.limits.maxTokens },
    introspection: options.introspection,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Automatic persisted queries are off: the gateway keeps no client-writable query cache
    // (a request carrying extensions.persistedQuery is answered BAD_USER_INPUT).
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), errorReporting(log), requestChecks(schema), costLimit(schema, options.limits), ...(options.plugins ?? [])],
  });
  await server.start();
  return server;
}

/** Thin adapter from node's http to Apollo's transport-neutral request API. */
/**
 * Refused before Apollo sees the request: token bombs (before anything is parsed, as on
 * graphql-ws), and documents graphql-js cannot validate without throwing (Apollo would
 * answer those with a 500; see validationCrash).
 */
function precheck(query: string, schema: GraphQLSchema, limits: OperationLimits): GraphQLError | null {
  const tokens = checkTokens(query, limits.maxTokens);
  if (tokens) return tokens;
  if (!query.includes('subscription')) return null; // the only operation type the crash concerns
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens });
  } catch {
    return null; // Apollo reports syntax errors
  }
  return validationCrash(schema, document);
}

export async function handleGraphQLHttp(
  server: ApolloServer<RequestContext>,
  schema: GraphQLSchema,
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  limits: OperationLimits,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown = undefined;
  if (req.method === 'POST') {
    const raw = await readBody(req, MAX_GRAPHQL_BODY_BYTES);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'application/json') {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    } else {
      body = raw.toString('utf8');
    }
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query = typeof (body as { query?: unknown } | undefined)?.query === 'string' ? (body as { query: string }).query : url.searchParams.get('query');
  const refused = typeof query === 'string' ? precheck(query, schema, limits) : null;
  if (refused) {
    const formatted = formatError(refused.toJSON(), refused);
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': context.requestId });
    res.end(JSON.stringify({ errors: [{ ...formatted, extensions: { ...formatted.extensions, requestId: context.requestId } }] }));
    return;
  }
  const result = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: async () => context,
  });
  const outHeaders: Record<string, string> = { 'x-request-id': context.requestId };
  for (const [k, v] of result.headers) outHeaders[k] = v;
  res.writeHead(result.status ?? 200, outHeaders);
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}
