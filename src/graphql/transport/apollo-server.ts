import { ApolloServer, type ApolloServerOptions } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { specifiedRules, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { RequestContext } from '../context';
import type { AdmissionPipeline } from './admission';
import { AdmittedDocuments } from './apollo-documents';
import { admissionPlugin } from './apollo-plugin';
import { formatError } from './format-error';
import { PREFLIGHT_HEADERS } from './http-read';
import type { OperationObserver } from './observe';
import { PersistedQueries } from './persisted-queries';

export interface ApolloDeps {
  schema: GraphQLSchema;
  admission: AdmissionPipeline;
  observer: OperationObserver;
  log: Logger;
  /** The automatic persisted query store (default: the documented bounds). */
  persisted?: PersistedQueries;
}

/**
 * Apollo Server's options, each one either the pipeline's own (rules, limits, formatter,
 * CSRF headers) or framing that has no counterpart over graphql-ws (persisted queries, cache
 * hints, no batching). `test/integration/apollo-drift.test.ts` fails on any other option, and
 * on any rule or limit that differs from what the pipeline applies over graphql-ws.
 */
export function apolloOptions(deps: ApolloDeps): ApolloServerOptions<RequestContext> & { schema: GraphQLSchema } {
  const documents = new AdmittedDocuments();
  return {
    schema: deps.schema,
    // Apollo runs graphql-js's specified rules first by itself: it is given the rest of the pipeline's list.
    validationRules: deps.admission.rules.filter((rule) => !specifiedRules.includes(rule)),
    documentStore: documents,
    parseOptions: { maxTokens: deps.admission.limits.maxTokens },
    // The pipeline's rule list refuses introspection when INTROSPECTION_ENABLED=false, on both transports.
    introspection: true,
    csrfPrevention: { requestHeaders: [...PREFLIGHT_HEADERS] },
    allowBatchedHttpRequests: false,
    persistedQueries: { cache: deps.persisted ?? new PersistedQueries(), ttl: null },
    formatError,
    includeStacktraceInErrorResponses: false,
    // The gateway stops Apollo in its own graceful shutdown.
    stopOnTerminationSignals: false,
    logger: apolloLogger(deps.log),
    plugins: [
      // The offline GraphiQL is the IDE on /graphql; nothing is reported to Apollo's cloud, whatever APOLLO_KEY says.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Hints only: the header is written by the admission plugin (cache-header.ts), always private.
      ApolloServerPluginCacheControl({ defaultMaxAge: 0, calculateHttpHeaders: false }),
      admissionPlugin({ admission: deps.admission, observer: deps.observer, documents }),
    ],
  };
}

/** A started Apollo Server for the HTTP adapter; stop it on shutdown. */
export async function startApollo(deps: ApolloDeps): Promise<ApolloServer<RequestContext>> {
  const server = new ApolloServer<RequestContext>(apolloOptions(deps));
  await server.start();
  return server;
}

function apolloLogger(log: Logger): NonNullable<ApolloServerOptions<RequestContext>['logger']> {
  const child = log.child({ component: 'apollo' });
  return {
    debug: (message: string) => child.debug(message),
    info: (message: string) => child.info(message),
    warn: (message: string) => child.warn(message),
    error: (message: string) => child.error(message),
  };
}
