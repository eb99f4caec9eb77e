import type { LatencyFieldsFragment } from '../gql/graphql';
import { formatCount, formatShare, plural } from '../format';
import { Sparkline } from './sparkline';

/** Milliseconds as people read them: 840 ms, 1.9 s, 2.5 min. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms == null) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * Latency of the destination's delivered attempts in the range (reports that carry latencyMs):
 * p50, p95 and p99, and p95 over time as a sparkline. Nothing when no report carried a latency.
 */
export function LatencyLine({ latency, filtered }: { latency: LatencyFieldsFragment | undefined; filtered: boolean }) {
  if (!latency || latency.count === 0) return null;
  // Buckets without latencies are left out rather than drawn as zero.
  const p95s = latency.points.filter((p) => p.count > 0).map((p) => p.p95 ?? 0);
  return (
    <p className="range-line latency-line" data-latency-count={latency.count}>
      <strong>Delivery latency</strong>
      {(['p50', 'p95', 'p99'] as const).map((q) => (
        <span key={q} data-latency={q} data-value={latency[q] ?? ''}>
          {q} {formatLatency(latency[q])}
        </span>
      ))}
      <Sparkline values={p95s} label={`p95 latency over the range, from ${formatLatency(Math.min(...p95s))} to ${formatLatency(Math.max(...p95s))}`} />
      <span className="subtle">
        over {formatCount(latency.count)} delivered {plural(latency.count, 'event')}, within {formatShare(latency.relativeError * 100)}
        {filtered && ' (all events: the filters do not narrow latency)'}
      </span>
    </p>
  );
}
