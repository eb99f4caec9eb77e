import { useEffect, useRef, useState } from 'react';
import { useSubscription } from '../api/live';
import { RetryPendingLiveDocument } from '../gql/graphql';
import { formatCount, plural } from '../format';

export interface RetryLabelProps {
  /** The gauge as the view's snapshot read it. */
  count: number | null | undefined;
  /** Fixed (custom) ranges have no live snapshot: the label follows the gauge on its own. */
  follow?: { destinationId: string; mappingId: string | null } | null;
}

/**
 * The retry-pending gauge between filtered at destination and failed delivery: a label, not a
 * box. It shows the snapshot's value (so it moves with the boxes) and pulses when it changes.
 */
export function RetryPendingLabel({ count: snapshot, follow, loading }: RetryLabelProps & { loading: boolean }) {
  const [followed, setFollowed] = useState<number | null>(null);
  useSubscription(RetryPendingLiveDocument, follow && !loading ? follow : null, (data) => setFollowed(data.retryPendingChanged.count));
  const count = follow && followed !== null ? followed : (snapshot ?? null);
  const [pulse, setPulse] = useState(0);
  const shown = useRef(count);
  useEffect(() => {
    if (shown.current !== null && count !== null && count !== shown.current) setPulse((n) => n + 1);
    shown.current = count;
  }, [count]);
  if (loading || count === null) {
    return (
      <span className="retry-label retry-loading" aria-hidden="true">
        <span className="skeleton skeleton-text" />
      </span>
    );
  }
  return (
    <span
      key={pulse}
      className={`retry-label${pulse > 0 ? ' retry-pulse' : ''}`}
      data-live="retry-pending"
      data-count={count}
      role="status"
      aria-label={`${formatCount(count)} ${plural(count, 'event')} pending retry right now`}
    >
      <span aria-hidden="true" className="retry-icon">
        ⟳
      </span>
      <span className="retry-count">{formatCount(count)}</span>
      <span className="retry-text">pending retry</span>
    </span>
  );
}
