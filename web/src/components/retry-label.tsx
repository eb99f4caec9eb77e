import { useEffect, useRef, useState } from 'react';
import { useSubscription } from '../api/live';
import { RetryPendingLiveDocument } from '../gql/graphql';
import { formatCount } from '../format';

/**
 * The live retry-pending gauge between filtered at destination and failed delivery: a label,
 * not a box, fed by retryPendingChanged; it pulses briefly when the value changes.
 */
export function RetryPendingLabel({ destinationId, mappingId, initial, loading }: { destinationId: string; mappingId: string | null; initial: number | null | undefined; loading: boolean }) {
  const [count, setCount] = useState<number | null>(initial ?? null);
  // The gauge arrives by two roads (the live subscription and each pushed pipeline); either
  // changing it makes the label pulse once.
  const [pulse, setPulse] = useState(0);
  const shown = useRef(count);
  useEffect(() => {
    if (initial !== null && initial !== undefined) setCount(initial);
  }, [initial]);
  useEffect(() => {
    if (shown.current !== null && count !== null && count !== shown.current) setPulse((n) => n + 1);
    shown.current = count;
  }, [count]);
  useSubscription(RetryPendingLiveDocument, loading ? null : { destinationId, mappingId }, (data) => setCount(data.retryPendingChanged.count));
  if (loading || count === null) {
    return (
      <span className="retry-label retry-loading" aria-hidden="true">
        <span className="skeleton skeleton-text" />
      </span>
    );
  }
  return (
    <span key={pulse} className={`retry-label${pulse > 0 ? ' retry-pulse' : ''}`} data-live="retry-pending" data-count={count} role="status" aria-label={`${formatCount(count)} events pending retry right now`}>
      <span aria-hidden="true" className="retry-icon">
        ⟳
      </span>
      <span className="retry-count">{formatCount(count)}</span>
      <span className="retry-text">pending retry</span>
    </span>
  );
}
