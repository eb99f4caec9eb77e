import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from './config/config';

/**
 * JSON lines by default; pretty in the demo. Tokens and payloads never reach the
 * log: the authorization header is redacted and ingest bodies are never logged.
 */
export function createLogger(level: LogLevel, pretty = false, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: ['req.headers.authorization', '*.authorization', 'authorization', 'token'], censor: '[redacted]' },
    base: undefined,
    ...(pretty && !destination
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
      : {}),
  };
  // `destination`: where JSON lines go instead of stdout (tests capture them).
  return destination ? pino(options, destination) : pino(options);
}
export type { Logger };
