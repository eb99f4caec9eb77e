import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config/tracing';
import { PACKAGE_ROOT } from '../package-root';
import type { ActiveSpan, GatewaySpan, SpanOptions, SpanSink, Tracing } from './tracing';

const KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL } as const;

/** Reads a header from Node's headers (lower-case keys, a value or a list) or from a graphql-ws payload. */
const getter = {
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
  get(carrier: Record<string, unknown>, key: string): string | undefined {
    const v = carrier[key] ?? carrier[key.toLowerCase()];
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first : undefined;
  },
};
const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };

/**
 * Tracing with the OpenTelemetry SDK: one provider per gateway (several gateways in one
 * process, as in the tests, keep their spans apart), never registered globally. The current
 * span travels in this gateway's own AsyncLocalStorage, so a ClickHouse call finds its
 * request's span without anything passing it along.
 */
export class OtelTracing implements Tracing {
  readonly enabled = true;
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator: TextMapPropagator;
  private readonly current = new AsyncLocalStorage<Context>();

  constructor(config: TracingConfig, sink?: SpanSink) {
    this.provider = new BasicTracerProvider({
      resource: defaultResource().merge(
        resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName, 'service.version': packageVersion() }),
      ),
      sampler: samplerOf(config),
      spanProcessors: sink ? [new SimpleSpanProcessor(sink as unknown as SpanExporter)] : processorsOf(config),
    });
    this.tracer = this.provider.getTracer('delivery-overview-gateway', packageVersion());
    const propagators = config.propagators.map((p) => (p === 'baggage' ? new W3CBaggagePropagator() : new W3CTraceContextPropagator()));
    this.propagator = new CompositePropagator({ propagators });
  }

  span<T>(name: string, options: SpanOptions, fn: (span: GatewaySpan) => T): T {
    const { span, run } = this.start(name, options);
    return run(() => {
      let result: T;
      try {
        result = fn(span);
      } catch (err) {
        failOn(span, err);
        span.end();
        throw err;
      }
      if (!(result instanceof Promise)) {
        span.end();
        return result;
      }
      return result.then(
        (value) => (span.end(), value),
        (err: unknown) => {
          failOn(span, err);
          span.end();
          throw err;
        },
      ) as T;
    });
  }

  start(name: string, options: SpanOptions): ActiveSpan {
    const parent = options.carrier ? this.propagator.extract(ROOT_CONTEXT, options.carrier, getter) : (this.current.getStore() ?? ROOT_CONTEXT);
    const span = this.tracer.startSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: clean(options.attributes) }, parent);
    const context = trace.setSpan(parent, span);
    return { span: wrap(span), run: (fn) => this.current.run(context, fn) };
  }

  outgoingHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    const context = this.current.getStore();
    if (context) this.propagator.inject(context, headers, setter);
    return headers;
  }

  logFields(): { traceId?: string; spanId?: string } {
    const span = trace.getSpan(this.current.getStore() ?? ROOT_CONTEXT);
    if (!span) return {};
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  }

  detached<T>(fn: () => T): T {
    return this.current.exit(fn);
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

function wrap(span: Span): GatewaySpan {
  return {
    setAttributes: (attributes) => void span.setAttributes(clean(attributes)),
    updateName: (name) => void span.updateName(name),
    fail(errorType) {
      span.setAttribute('error.type', errorType);
      span.setStatus({ code: SpanStatusCode.ERROR });
    },
    end: () => span.end(),
  };
}

/** A throw: its error code when it has one, else its class name (never its message, which may hold data). */
function failOn(span: GatewaySpan, err: unknown): void {
  const code = (err as { code?: unknown } | null)?.code;
  span.fail(typeof code === 'string' ? code : ((err as Error | null)?.name ?? 'Error'));
}

function clean(attributes: Record<string, string | number | boolean | undefined> = {}): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** OTLP over HTTP (protobuf or JSON) batched; `console` one span at a time on stdout. */
function processorsOf(config: TracingConfig): SpanProcessor[] {
  return config.exporters.map((name) => {
    if (name === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
    const options = { url: config.otlp.url, headers: config.otlp.headers, timeoutMillis: config.otlp.timeoutMs };
    /* eslint-disable @typescript-eslint/no-require-imports */
    const exporter: SpanExporter =
      config.otlp.protocol === 'http/json'
        ? new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(options)
        : new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(options);
    /* eslint-enable @typescript-eslint/no-require-imports */
    return new BatchSpanProcessor(exporter);
  });
}

let version: string | undefined;
function packageVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
