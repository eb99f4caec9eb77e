import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from '../config/config';
import type { ApolloServer } from '@apollo/server';
import type { RequestContext } from '../graphql/context';
import type { GraphQLWsServer } from '../graphql/transport/ws';
import type { Services } from './services';

/**
 * The HTTP server with its socket limits: a client that trickles its headers (slow-loris)
 * or its body is cut at the timeouts, idle kept-alive sockets close, and past
 * `maxConnections` new sockets are refused. Node checks the timeouts on an interval, so
 * the interval is kept well under the headers timeout.
 */
export function createHttpServer(config: { server: ServerConfig }, handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const s = config.server;
  const server = http.createServer(
    {
      headersTimeout: s.headersTimeoutMs,
      requestTimeout: s.requestTimeoutMs,
      keepAliveTimeout: s.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.floor(s.headersTimeoutMs / 2)),
    },
    handler,
  );
  server.maxConnections = s.maxConnections;
  return server;
}

/** Listens on the configured host and port; the base URL clients use (0.0.0.0 shown as loopback). */
export async function listen(server: Server, config: Pick<ServerConfig, 'host' | 'port'>): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}

export interface Running {
  server: Server;
  /** The METRICS_PORT server, when there is one. */
  metricsServer: Server | null;
  ws: GraphQLWsServer;
  /** Apollo Server behind /graphql over HTTP: stopped once requests in flight were answered. */
  apollo: ApolloServer<RequestContext>;
  services: Services;
  /** The Db was opened by the gateway (not handed to it), so it closes it too. */
  ownDb: boolean;
}

/**
 * Graceful shutdown: stop accepting, let in-flight requests (ingest included) finish,
 * complete every live subscription, stop alert evaluation, then close ClickHouse. After
 * `graceMs` the remaining sockets are cut.
 */
export async function closeGateway({ server, metricsServer, ws, apollo, services, ownDb }: Running, graceMs: number): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  metricsServer?.close();
  metricsServer?.closeAllConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  services.hub.close();
  services.graphql.tail.close();
  await services.alerts.stop();
  // A batch in flight is abandoned, its lease released: the next sender resends it, same webhook-id.
  await services.replaySender.stop();
  await new Promise((r) => setTimeout(r, 50)); // let graphql-ws send each subscription's complete
  await ws.dispose();
  server.closeIdleConnections();
  await stopped;
  await apollo.stop();
  // Requests answered or cut: what they handed the coalescer is stored before ClickHouse
  // closes, and saved flushes still refused get one more try (what is left is written at the next start).
  await services.ingest.coalescer.close();
  clearInterval(idle);
  clearTimeout(force);
  services.stopMetrics();
  services.metrics.close();
  await services.tokens.usage.stop();
  // The last spans are exported, for at most 2 s (a collector that is away must not hold up a shutdown).
  await Promise.race([services.tracing.shutdown().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  if (ownDb) await services.db.close();
}
