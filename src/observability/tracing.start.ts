import type { TracingConfig } from '../config/tracing';
import { NO_TRACING, type SpanSink, type Tracing } from './tracing';

/**
 * Tracing as configured: `NO_TRACING` unless it is on (or a test hands in a sink). Only then
 * is the OpenTelemetry SDK required, so a gateway without tracing never loads it.
 */
export function startTracing(config: TracingConfig, sink?: SpanSink): Tracing {
  if (!config.enabled && !sink) return NO_TRACING;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OtelTracing } = require('./tracing.otel') as typeof import('./tracing.otel');
  return new OtelTracing(config, sink);
}
