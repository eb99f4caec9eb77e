import net from 'node:net';
import type { ServerConfig } from '../config/config';
import { UsageError } from './args';

/** The one line a taken (or forbidden) port gets: what happened and what to do, no stack. */
export function portProblem(config: Pick<ServerConfig, 'host' | 'port'>, code: string | undefined): UsageError | null {
  if (code === 'EADDRINUSE') {
    return new UsageError(`PORT ${config.port} is in use on ${config.host}; set PORT=<another port> (PORT=0 picks a free one) or stop the other process`, '');
  }
  if (code === 'EACCES') return new UsageError(`PORT ${config.port} on ${config.host} needs privileges this process lacks; set PORT to 1024 or above`, '');
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new UsageError(`HOST ${config.host} is not an address of this machine; set HOST=127.0.0.1 or 0.0.0.0`, '');
  return null;
}

/**
 * Binds the configured port and lets it go again, so `serve` and `demo` stop before
 * opening the engine or backfilling when the gateway could not listen anyway.
 */
export async function ensurePortFree(config: Pick<ServerConfig, 'host' | 'port'>): Promise<void> {
  if (config.port === 0) return; // any free port will do
  const probe = net.createServer();
  const failure = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    probe.once('error', resolve);
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => resolve(null));
  });
  if (failure === null) {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return;
  }
  throw portProblem(config, failure.code) ?? failure;
}

/** A listen failure of the gateway itself (the port was taken after the probe) as the same one line. */
export function asPortProblem(err: unknown, config: Pick<ServerConfig, 'host' | 'port'>): unknown {
  return portProblem(config, (err as NodeJS.ErrnoException | null)?.code) ?? err;
}
