import { useEffect, useState } from 'react';
import { useSubscription } from '../api/live';
import { AlertEventsLiveDocument, type AlertEventsLiveSubscription } from '../gql/graphql';
import { followLink } from '../route';

type AlertEvent = AlertEventsLiveSubscription['alertEvents'];

/** Alert firings and recoveries pushed by the gateway, shown for 12 s each (or until closed). */
export function AlertToasts() {
  const [events, setEvents] = useState<AlertEvent[]>([]);
  // Subscribed a moment after the page starts, so its first poll does not queue in front of
  // the request that draws the page (the embedded engine runs one query at a time).
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setReady(true), 1500);
    return () => clearTimeout(timer);
  }, []);
  useSubscription(AlertEventsLiveDocument, ready ? {} : null, (data) => setEvents((list) => [...list.slice(-3), data.alertEvents]));
  useEffect(() => {
    if (events.length === 0) return;
    const timer = setTimeout(() => setEvents((list) => list.slice(1)), 12_000);
    return () => clearTimeout(timer);
  }, [events]);
  const close = (id: string) => setEvents((list) => list.filter((e) => e.id !== id));
  return (
    <div className="toasts" role="log" aria-live="polite" aria-label="Alert notifications">
      {events.map((event) => (
        <div key={event.id} className={`toast toast-${event.state === 'FIRING' ? 'firing' : 'resolved'}`}>
          <div>
            <strong>
              {event.state === 'RESOLVED'
                ? '✓ Resolved'
                : event.previousSeverity
                  ? `↕ Now ${event.severity.toLowerCase()}`
                  : `⚠ Firing (${event.severity.toLowerCase()})`}
              : {event.ruleName}
            </strong>
            <p>{event.message}</p>
            <a href="/alerts" onClick={followLink}>
              Alert history
            </a>
          </div>
          <button type="button" className="button-quiet" aria-label={`Dismiss ${event.ruleName}`} onClick={() => close(event.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
