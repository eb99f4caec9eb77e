import crypto from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { execute, subscribe, type GraphQLSchema } from 'graphql';
import { CloseCode, type Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate } from '../../auth/authenticate';
import { bearerToken, TOKEN_CACHE_TTL_MS, type TokenStore } from '../../auth/tokens';
import type { LiveConfig } from '../../config/config';
import { AppError, ErrorCode } from '../../domain/errors';
import { RequestContext, type ConnectionState, type GatewayServices } from '../context';
import { Refusal, type AdmissionPipeline, type Caller } from './admission';
import type { Cors } from '../../http/cors';
import { MAX_GRAPHQL_BODY_BYTES } from './limits';
import type { OperationObserver } from './observe';
import { guardProtocol } from './ws-guard';
import { Operations } from './ws-operations';
import type { ActiveSpan, Tracing } from '../../observability/tracing';
import { describeOperation, failOperation, OPERATION_SPAN, operationAttributes, OperationSpans, traceCarrier } from './trace';

export interface GraphQLWsDeps {
  schema: GraphQLSchema;
  admission: AdmissionPipeline;
  services: GatewayServices;
  observer: OperationObserver;
  /** A span per operation; trace context from the operation's `extensions`, `connection_init` or the upgrade request's headers. */
  tracing: Tracing;
  /** Refuses handshakes from origins the CORS allowlist does not name (none when unset). */
  cors: Cors;
  live: Pick<LiveConfig, 'connectionInitTimeoutMs' | 'keepAliveMs' | 'maxSubscriptionsPerConnection' | 'maxConnectionsPerToken' | 'maxConnectionsPerAddress'>;
}

/** What a socket keeps between its operations. */
type SocketState = {
  /** The credential of connection_init and the client's address: every operation is admitted with them again. */
  caller?: Caller;
  connection?: ConnectionState;
  /** Where operations without trace context of their own continue a trace from (connection_init, else the upgrade's headers). */
  traceCarrier?: Record<string, unknown>;
  /** Operations running on this socket, by id, with their spans. */
  spans?: Map<string, ActiveSpan>;
};

export interface GraphQLWsServer {
  dispose(): Promise<void>;
}

/**
 * graphql-ws (graphql-transport-ws) on `/graphql` of `server`, a thin adapter: the
 * handshake authenticates (a bad token closes with 4403), and every operation goes
 * through the same admission pipeline as HTTP before it runs, the token included.
 */
export function attachGraphQLWs(server: Server, deps: GraphQLWsDeps): GraphQLWsServer {
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: MAX_GRAPHQL_BODY_BYTES,
    // A page on another site must not open a socket in its visitor's name: 403 at the handshake.
    verifyClient: (info: { origin: string; req: IncomingMessage }, done: (ok: boolean, status?: number, reason?: string) => void) => {
      if (!deps.cors.checksWebSockets || deps.cors.allows(info.origin || undefined, info.req.headers.host)) done(true);
      else done(false, 403, 'Origin not allowed');
    },
  });
  guardProtocol(wss);
  const sockets = new Map<WebSocket, Caller>();
  const perAddress = new Counter();
  const perToken = new Counter();
  // Counted from the upgrade on: an address cannot hold more sockets, initialised or not.
  wss.on('connection', (socket, request) => {
    const address = request.socket.remoteAddress ?? '';
    if (!perAddress.add(address, deps.live.maxConnectionsPerAddress)) return closeTooMany(socket, 'address');
    socket.once('close', () => perAddress.remove(address));
  });
  const recheck = setInterval(() => void closeRevoked(sockets, deps.services.tokens), TOKEN_CACHE_TTL_MS);
  recheck.unref();
  const ops = new Operations(deps.observer);
  const spans = new OperationSpans();
  const ws = useServer<Record<string, unknown> | undefined, SocketState>(
    {
      schema: deps.schema,
      connectionInitWaitTimeout: deps.live.connectionInitTimeoutMs,
      execute: (args) => spans.run(args.contextValue, () => execute(args)),
      subscribe: (args) => spans.setUp(args.contextValue, () => subscribe(args)),
      onConnect: (ctx) => connect(ctx, deps, sockets, perToken),
      onSubscribe: admitOperation(deps, spans, ops),
      // Errors of every operation, and of every pushed value, go through the one formatter.
      onError: (ctx, id, _payload, errors) => {
        const formatted = ops.failed(ctx.extra.socket, id, errors);
        const active = ctx.extra.spans?.get(id);
        if (active) failOperation(active.span, formatted);
        endSpan(ctx.extra, id, spans);
        return formatted;
      },
      onNext: (ctx, id, _payload, _args, result) => (result.errors ? { ...result, errors: ops.format(ctx.extra.socket, id, result.errors) } : undefined),
      onComplete: (ctx, id) => {
        ops.completed(ctx.extra.socket, id);
        endSpan(ctx.extra, id, spans);
      },
    },
    wss,
    deps.live.keepAliveMs,
  );
  return {
    async dispose() {
      clearInterval(recheck);
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

type SubscribeHandler = NonNullable<Parameters<typeof useServer<Record<string, unknown> | undefined, SocketState>>[0]['onSubscribe']>;

/**
 * Every `subscribe` message: a span (continuing the operation's or the connection's trace
 * context), admission by the one pipeline with the connection's credential, and a fresh
 * context per operation; a refusal is answered by onError with its errors, and an unknown
 * token closes the socket with 4403.
 */
function admitOperation(deps: GraphQLWsDeps, spans: OperationSpans, ops: Operations): SubscribeHandler {
  return (ctx, id, payload) => {
    const active = deps.tracing.start(OPERATION_SPAN, {
      attributes: operationAttributes('ws'),
      carrier: traceCarrier(payload.extensions) ?? ctx.extra.traceCarrier,
    });
    (ctx.extra.spans ??= new Map()).set(id, active);
    return active.run(async () => {
      const requestId = crypto.randomUUID();
      try {
        const admitted = await deps.admission.admit(ctx.extra.caller ?? {}, () => payload, 'ws', deps.services.now());
        describeOperation(active.span, admitted);
        ops.started(ctx.extra.socket, id, requestId, admitted);
        // A fresh context per operation, so loaders never outlive one operation.
        const contextValue = new RequestContext(deps.services, admitted.principal, requestId, ctx.extra.connection);
        spans.bind(contextValue, active);
        return { schema: deps.schema, document: admitted.document, variableValues: admitted.variables, operationName: admitted.operationName, contextValue };
      } catch (err) {
        if (!(err instanceof Refusal)) {
          active.span.fail(ErrorCode.INTERNAL_SERVER_ERROR);
          endSpan(ctx.extra, id, spans);
          throw err;
        }
        ops.refused(ctx.extra.socket, id, requestId, err);
        if (err.appError?.code === ErrorCode.UNAUTHENTICATED) closeForbidden(ctx.extra.socket);
        return [...err.errors];
      }
    });
  };
}

function endSpan(extra: SocketState, id: string, spans: OperationSpans): void {
  spans.end(extra.spans?.get(id));
  extra.spans?.delete(id);
}

/**
 * connection_init: the token must verify (else 4403), the socket must still be open, and
 * the token within its socket cap (else 4429); the socket is then tracked until it closes.
 */
async function connect(
  ctx: Context<Record<string, unknown> | undefined, Extra & SocketState>,
  deps: GraphQLWsDeps,
  sockets: Map<WebSocket, Caller>,
  perToken: Counter,
): Promise<boolean> {
  const socket = ctx.extra.socket;
  const auth = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  const caller: Caller = { authorization: typeof auth === 'string' ? auth : undefined, address: ctx.extra.request.socket.remoteAddress };
  let tokenId: string;
  try {
    tokenId = (await authenticate(deps.services.tokens, caller.authorization, caller.address)).tokenId;
  } catch (err) {
    // An address throttled for failed authentications may retry later (4429); a bad token may not (4403).
    if (err instanceof AppError && err.code === ErrorCode.RATE_LIMITED)
      socket.close(CloseCode.TooManyInitialisationRequests, 'Too many failed authentications from this address');
    return false;
  }
  // The client may have gone while its token was looked up: its close already fired.
  if (socket.readyState !== socket.OPEN) return false;
  // Per token, not per Authorization spelling ("bearer x" and "Bearer  x" are one token).
  if (!perToken.add(tokenId, deps.live.maxConnectionsPerToken)) {
    closeTooMany(socket, 'token');
    return false;
  }
  ctx.extra.caller = caller;
  ctx.extra.traceCarrier = traceCarrier(ctx.connectionParams) ?? ctx.extra.request.headers;
  sockets.set(socket, caller);
  socket.once('close', () => {
    sockets.delete(socket);
    perToken.remove(tokenId);
  });
  ctx.extra.connection = { subscriptions: 0, maxSubscriptions: deps.live.maxSubscriptionsPerConnection };
  return true;
}

/**
 * Running subscriptions do not pass admission again, so every open socket's token is
 * verified once per cache period (one lookup per distinct token, through the token cache):
 * a revoked token's sockets end with 4403 within about twice that period.
 */
async function closeRevoked(sockets: ReadonlyMap<WebSocket, Caller>, tokens: TokenStore): Promise<void> {
  const byToken = new Map<string, WebSocket[]>();
  for (const [socket, caller] of sockets) {
    const key = caller.authorization ?? '';
    const group = byToken.get(key);
    if (group) group.push(socket);
    else byToken.set(key, [socket]);
  }
  for (const [authorization, group] of byToken) {
    const token = bearerToken(authorization);
    const principal = token === null ? null : await tokens.verify(token).catch(() => undefined);
    // undefined: the lookup failed (ClickHouse away); keep the sockets rather than guess.
    if (principal === null) for (const socket of group) closeForbidden(socket);
  }
}

/** Open sockets per key (an address, a token), within a cap. */
class Counter {
  private readonly counts = new Map<string, number>();
  /** Counts one more for `key`, unless that would pass `max`. */
  add(key: string, max: number): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= max) return false;
    this.counts.set(key, n + 1);
    return true;
  }
  remove(key: string): void {
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}

function closeTooMany(socket: WebSocket, per: 'address' | 'token'): void {
  socket.close(CloseCode.TooManyInitialisationRequests, `Too many open connections for this ${per}`);
}

/** The token no longer verifies (revoked): the socket and its subscriptions end with 4403. */
function closeForbidden(socket: WebSocket): void {
  socket.close(CloseCode.Forbidden, 'Forbidden');
}
