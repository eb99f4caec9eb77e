/** Attribute values a span may carry (never a token, a query's text, SQL parameter values or a payload). */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** A span as the gateway's code sees it. */
export interface GatewaySpan {
  setAttributes(attributes: SpanAttributes): void;
  updateName(name: string): void;
  /** Marks the span failed: `error.type` (an error code, never a message with data in it) and ERROR status. */
  fail(errorType: string): void;
  end(): void;
}

export interface SpanOptions {
  kind?: 'server' | 'client' | 'internal';
  attributes?: SpanAttributes;
  /**
   * Headers (or a graphql-ws payload) that may carry W3C trace context (`traceparent`,
   * `tracestate`, `baggage`): the span continues that trace. Without, it is a child of the
   * current span, or a new trace.
   */
  carrier?: Record<string, unknown>;
}

/** A started span and a way to run code inside it (its children, its log lines). */
export interface ActiveSpan {
  span: GatewaySpan;
  run<T>(fn: () => T): T;
}

/** Test hook: where finished spans go instead of the configured exporters (an InMemorySpanExporter). */
export interface SpanSink {
  export(spans: unknown[], done: (result: { code: number }) => void): void;
  shutdown(): Promise<void>;
}

/**
 * The gateway's tracing. `NO_TRACING` when tracing is off: every call is a no-op and no
 * OpenTelemetry package is loaded, so the cost off is a property read and a function call.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Runs `fn` inside a new span, a child of the current one; the span ends when `fn` settles (a throw marks it failed). */
  span<T>(name: string, options: SpanOptions, fn: (span: GatewaySpan) => T): T;
  /** Starts a span without ending it: the caller ends it (an HTTP request ends when its response does). */
  start(name: string, options: SpanOptions): ActiveSpan;
  /** W3C headers (`traceparent`, …) of the current span for an outgoing request; {} when off. */
  outgoingHeaders(): Record<string, string>;
  /** `{ traceId, spanId }` of the current span for a log line; {} when off or outside a span. */
  logFields(): { traceId?: string; spanId?: string };
  /** Runs `fn` outside any span: timers it starts (a poll shared by many requests) belong to no request. */
  detached<T>(fn: () => T): T;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

const NO_SPAN: GatewaySpan = { setAttributes() {}, updateName() {}, fail() {}, end() {} };

export const NO_TRACING: Tracing = {
  enabled: false,
  span: (_name, _options, fn) => fn(NO_SPAN),
  start: () => ({ span: NO_SPAN, run: (fn) => fn() }),
  outgoingHeaders: () => ({}),
  logFields: () => ({}),
  detached: (fn) => fn(),
  shutdown: async () => {},
};
