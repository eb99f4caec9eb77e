import { liveStatus } from '../api/live';
import { useStore } from '../api/store';

const TEXT = { idle: 'Live off', connecting: 'Connecting', connected: 'Live', reconnecting: 'Reconnecting' } as const;

/** The socket's state in words and a dot (the word carries the meaning, the dot echoes it). */
export function LiveIndicator() {
  const status = useStore(liveStatus);
  return (
    <span className={`live live-${status}`} role="status" data-live-status={status}>
      <span className="live-dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
