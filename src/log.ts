import pino, { type Logger } from 'pino';
import type { LogLevel } from './config/config';

/**
 * JSON lines by default; pretty in the demo. Tokens and payloads never reach the
 * log: the authorization header is redacted and ingest bodies are never logged.
 */
export function createLogger(level: LogLevel, pretty = false): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', '*.authorization', 'authorization', 'token'], censor: '[redacted]' },
    base: undefined,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
export type { Logger };
