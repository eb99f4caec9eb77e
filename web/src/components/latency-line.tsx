import { useQuery } from '../api/use-query';
import { DestinationLatencyDocument } from '../gql/graphql';
import { formatCount, formatShare } from '../format';
import { rangeInput, type DestinationState } from '../state';
import { Sparkline } from './sparkline';

/** Milliseconds as people read them: 840 ms, 1.9 s, 2.5 min. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms == null) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const FOUR_HOURS = 4 * 3_600_000;

/**
 * Latency of the destination's delivered attempts in the range (reports that carry latencyMs):
 * p50, p95 and p99, and p95 over time as a sparkline. Nothing when no report carried a latency.
 */
export function LatencyLine({ id, state, from, to }: { id: string; state: DestinationState; from: string; to: string }) {
  const granularity = Date.parse(to) - Date.parse(from) <= FOUR_HOURS ? 'MINUTE' : 'HOUR';
  const query = useQuery(DestinationLatencyDocument, { id, range: rangeInput(state.range, state.timeZone, state.lookback), granularity, mappingId: state.mapping });
  const latency = query.data?.destination?.latency;
  if (!latency || latency.count === 0) return null;
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
        over {formatCount(latency.count)} delivered events, within {formatShare(latency.relativeError * 100)}
      </span>
    </p>
  );
}
