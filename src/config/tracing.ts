import type { ConfigReader } from './reader';

/**
 * OpenTelemetry tracing, configured by the standard variables of the OpenTelemetry
 * environment-variable specification. Opt-in: tracing is on only when `OTEL_TRACES_EXPORTER`
 * names an exporter, or an OTLP endpoint is set (then the exporter is `otlp`), and
 * `OTEL_SDK_DISABLED` is not true. Off, no OpenTelemetry package is loaded.
 */
export interface TracingConfig {
  enabled: boolean;
  /** `OTEL_TRACES_EXPORTER`: `otlp`, `console` or `none`, comma-separated. Default: `otlp` when an endpoint is set, else none. */
  exporters: TraceExporterName[];
  otlp: OtlpConfig;
  /** `OTEL_SERVICE_NAME`, default `delivery-overview`. */
  serviceName: string;
  /** `OTEL_RESOURCE_ATTRIBUTES`: `key=value,…` added to every span's resource. Default none. */
  resourceAttributes: Record<string, string>;
  /** `OTEL_TRACES_SAMPLER`, default `parentbased_always_on`. */
  sampler: SamplerName;
  /** `OTEL_TRACES_SAMPLER_ARG`: the ratio of the `traceidratio` samplers, 0 – 1, default 1. */
  samplerRatio: number;
  /** `OTEL_PROPAGATORS`, default `tracecontext,baggage`: how trace context travels in and out (`none`: not at all). */
  propagators: PropagatorName[];
}

export interface OtlpConfig {
  /**
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, or `OTEL_EXPORTER_OTLP_ENDPOINT` with
   * `/v1/traces` appended; default `http://localhost:4318/v1/traces`.
   */
  url: string;
  /** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` (default) or `http/json`. */
  protocol: OtlpProtocol;
  /** `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (which wins per key): `key=value,…`, values URL-encoded. */
  headers: Record<string, string>;
  /** `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` or `OTEL_EXPORTER_OTLP_TIMEOUT`, default 10000 ms per export. */
  timeoutMs: number;
}

export const TRACE_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type TraceExporterName = Exclude<(typeof TRACE_EXPORTERS)[number], 'none'>;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof SAMPLERS)[number];
export const PROPAGATORS = ['tracecontext', 'baggage', 'none'] as const;
export type PropagatorName = Exclude<(typeof PROPAGATORS)[number], 'none'>;

const DEFAULT_OTLP_BASE = 'http://localhost:4318';

export function readTracing(r: ConfigReader): TracingConfig {
  const disabled = r.bool('OTEL_SDK_DISABLED', false);
  const tracesEndpoint = r.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = r.url('OTEL_EXPORTER_OTLP_ENDPOINT');
  const named = r.list('OTEL_TRACES_EXPORTER', TRACE_EXPORTERS, (tracesEndpoint ?? endpoint) ? 'otlp' : 'none');
  const exporters = named.filter((e): e is TraceExporterName => e !== 'none');
  const propagators = r.list('OTEL_PROPAGATORS', PROPAGATORS, 'tracecontext,baggage');
  return {
    enabled: !disabled && exporters.length > 0,
    exporters,
    otlp: {
      url: tracesEndpoint ?? `${(endpoint ?? DEFAULT_OTLP_BASE).replace(/\/+$/, '')}/v1/traces`,
      protocol: protocolOf(r),
      headers: { ...r.pairs('OTEL_EXPORTER_OTLP_HEADERS'), ...r.pairs('OTEL_EXPORTER_OTLP_TRACES_HEADERS') },
      timeoutMs:
        r.optional('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') === null
          ? r.int('OTEL_EXPORTER_OTLP_TIMEOUT', 10_000, 1, 600_000)
          : r.int('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 10_000, 1, 600_000),
    },
    serviceName: r.string('OTEL_SERVICE_NAME', 'delivery-overview'),
    resourceAttributes: r.pairs('OTEL_RESOURCE_ATTRIBUTES'),
    sampler: r.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on'),
    samplerRatio: ratio(r),
    propagators: propagators.includes('none') ? [] : (propagators as PropagatorName[]),
  };
}

/** The signal-specific protocol variable wins over the general one; grpc is named as unsupported. */
function protocolOf(r: ConfigReader): OtlpProtocol {
  const choices = [...OTLP_PROTOCOLS, 'grpc'] as const;
  const value =
    r.optional('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') === null
      ? r.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', choices, 'http/protobuf')
      : r.oneOf('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', choices, 'http/protobuf');
  if (value !== 'grpc') return value;
  r.problems.push("OTLP over grpc is not supported: set the protocol to http/protobuf or http/json (the collector's port 4318)");
  return 'http/protobuf';
}

function ratio(r: ConfigReader): number {
  const raw = r.optional('OTEL_TRACES_SAMPLER_ARG');
  if (raw === null) return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    r.problems.push(`OTEL_TRACES_SAMPLER_ARG=${JSON.stringify(raw)} must be a number from 0 to 1`);
    return 1;
  }
  return n;
}
