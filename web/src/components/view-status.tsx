import { liveStatus } from '../api/live';
import { useStore } from '../api/store';
import type { ApiError } from '../api/client';

function clock(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone }).format(at);
}

export interface ViewStatusProps {
  asOf: Date | null;
  updating: boolean;
  /** The newest request failed while older numbers stay on screen. */
  error: ApiError | undefined;
  retry: () => void;
  timeZone: string;
  /** Whether the view follows live changes (rolling presets), and why not when it does not. */
  live: true | string;
}

/**
 * The moment every panel of the view shows ("as of 14:32:05"), whether a newer one is on its
 * way, and whether live updates reach the view at all: numbers are never silently stale.
 */
export function ViewStatus({ asOf, updating, error, retry, timeZone, live }: ViewStatusProps) {
  const socket = useStore(liveStatus);
  const paused = live === true && socket !== 'connected' && socket !== 'idle';
  return (
    <div className="view-status" data-as-of={asOf?.toISOString() ?? ''} data-updating={updating ? 'true' : 'false'}>
      <span className="as-of">{asOf ? <>As of {clock(asOf, timeZone)}</> : 'Loading…'}</span>
      {updating && asOf && (
        <span className="updating" aria-hidden="true">
          updating…
        </span>
      )}
      {live === true ? (
        paused ? (
          <span className="live-note live-note-warn" role="status">
            Live updates paused ({socket}): these numbers may be older than they look.
          </span>
        ) : (
          <span className="live-note">Refreshes by itself when new reports change the numbers.</span>
        )
      ) : (
        <span className="live-note">{live}</span>
      )}
      {error && asOf && error.kind !== 'rate' && (
        <span className="live-note live-note-warn" role="alert">
          Could not update: {error.message}{' '}
          <button type="button" className="button-small" onClick={retry}>
            Try again
          </button>
        </span>
      )}
    </div>
  );
}
