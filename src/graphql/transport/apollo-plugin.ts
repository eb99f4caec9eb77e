import type {
  ApolloServerPlugin,
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestContextDidResolveSource,
  GraphQLRequestContextWillSendResponse,
  GraphQLRequestListener,
} from '@apollo/server';
import type { RequestContext } from '../context';
import { Refusal, type AdmissionPipeline } from './admission';
import type { AdmittedDocuments } from './apollo-documents';
import { REFUSED_DOCUMENT } from './apollo-documents';
import { cacheControlHeader } from './cache-header';
import { asApolloError, exchangeOf, withRequestId, type HttpExchange } from './http-exchange';
import type { OperationObserver } from './observe';
import { describeOperation, failOperation } from './trace';

export interface AdmissionPluginDeps {
  admission: AdmissionPipeline;
  observer: OperationObserver;
  /** Apollo's documentStore: the document phase hands each request's outcome over here. */
  documents: AdmittedDocuments;
}

/**
 * The admission pipeline inside Apollo Server's request pipeline, one hook per phase:
 * - didResolveSource (the text is known, from the body or the persisted-query store): the
 *   document phase; its outcome is handed to Apollo through the documentStore, so Apollo never
 *   parses or validates by itself;
 * - didResolveOperation: the operation phase (operation, transport rule, variables, cost), or
 *   the refusal of either phase; Apollo registers a persisted query only after this passed;
 * - executionDidStart: the operation's deadline starts (the adapter answers it if it fires);
 * - willSendResponse: every error of a refusal, request ids, the Cache-Control header, one log
 *   line and metric, the span's outcome.
 * The caller phase ran before Apollo, in the HTTP adapter.
 */
export function admissionPlugin(deps: AdmissionPluginDeps): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }): Promise<GraphQLRequestListener<RequestContext>> {
      const exchange = exchangeOf(contextValue);
      return {
        didResolveSource: async (ctx) => documentPhase(deps, exchange, ctx),
        didResolveOperation: async (ctx) => operationPhase(deps, exchange, ctx),
        executionDidStart: async () => {
          exchange.deadline.arm();
        },
        willSendResponse: async (ctx) => report(deps, exchange, ctx),
      };
    },
  };
}

function documentPhase(deps: AdmissionPluginDeps, exchange: HttpExchange, { source, queryHash }: GraphQLRequestContextDidResolveSource<RequestContext>): void {
  try {
    deps.documents.hold(queryHash, deps.admission.admitDocument(source, exchange.principal));
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    exchange.documentRefusal = err;
    deps.documents.hold(queryHash, REFUSED_DOCUMENT);
  }
}

async function operationPhase(deps: AdmissionPluginDeps, exchange: HttpExchange, ctx: GraphQLRequestContextDidResolveOperation<RequestContext>): Promise<void> {
  let refusal = exchange.documentRefusal;
  if (!refusal) {
    try {
      const request = { query: ctx.source, operationName: ctx.request.operationName ?? null, variables: ctx.request.variables };
      exchange.admitted = await deps.admission.admitOperation(exchange.principal, ctx.document, request, 'http', ctx.contextValue.now);
      describeOperation(exchange.span, exchange.admitted);
      return;
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      refusal = err;
    }
  }
  exchange.refusal = refusal;
  throw asApolloError(refusal);
}

/** The answer's last touches and its report; nothing when the deadline already answered. */
function report(deps: AdmissionPluginDeps, exchange: HttpExchange, ctx: GraphQLRequestContextWillSendResponse<RequestContext>): void {
  exchange.deadline.clear();
  if (exchange.reported) return;
  exchange.reported = true;
  const operationName = exchange.admitted?.operationName ?? ctx.operationName ?? null;
  // Apollo takes one error from a hook: a refusal is answered with all of its errors here.
  const raw = exchange.refusal?.errors ?? ctx.errors ?? [];
  const errors = deps.observer.format(raw, exchange.requestId, operationName).map((e) => withRequestId(e, exchange.requestId));
  const body = ctx.response.body;
  if (body.kind === 'single') body.singleResult.errors = errors.length > 0 ? errors : undefined;
  const operationType = exchange.admitted?.operation.operation ?? null;
  ctx.response.http.headers.set(
    'cache-control',
    cacheControlHeader({ operationType, hasErrors: errors.length > 0, policy: ctx.overallCachePolicy, rangeMaxAge: ctx.contextValue.maxAgeFromRanges }),
  );
  failOperation(exchange.span, errors);
  const refused = exchange.refusal ?? (exchange.admitted ? null : errors.length > 0 ? { status: ctx.response.http.status ?? 500 } : null);
  deps.observer.finished({
    requestId: exchange.requestId,
    transport: 'http',
    principal: exchange.principal,
    operationName: exchange.admitted?.operation.name?.value ?? null,
    operationType: operationType ?? 'unknown',
    durationMs: performance.now() - exchange.started,
    errors,
    ...(refused ? { refusedWith: refused.status } : {}),
  });
}
