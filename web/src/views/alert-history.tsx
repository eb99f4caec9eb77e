import type { AlertsPageQuery } from '../gql/graphql';
import { SkeletonTableRows } from '../components/skeleton';
import { TableScroller } from '../components/table-parts';
import { formatTime } from '../format';

type AlertEvent = AlertsPageQuery['alertHistory'][number];

const SEVERITY = { WARNING: 'warning', CRITICAL: 'critical' } as const;

/** A transition in words: firing at a severity, a change of severity, or the recovery. */
function transitionText(event: AlertEvent): { text: string; tone: string } {
  if (event.state === 'RESOLVED') return { text: `✓ Resolved (was ${SEVERITY[event.severity]})`, tone: 'success' };
  if (event.previousSeverity)
    return { text: `↕ ${SEVERITY[event.previousSeverity]} → ${SEVERITY[event.severity]}`, tone: event.severity === 'CRITICAL' ? 'critical' : 'failed' };
  return { text: `⚠ Firing · ${SEVERITY[event.severity]}`, tone: event.severity === 'CRITICAL' ? 'critical' : 'failed' };
}

function notificationsText(event: AlertEvent, zone: string): string {
  if (event.muted) return `muted${event.mutedUntil ? ` until ${formatTime(event.mutedUntil, zone)}` : ''}: not notified`;
  return event.notifications.map((n) => `${n.channel.toLowerCase()} ${n.outcome.toLowerCase()}`).join(', ') || '–';
}

/** What fired, changed severity and recovered in the last 7 days, and how each notification went. */
export function AlertHistory({ history, zone }: { history: AlertEvent[] | null; zone: string }) {
  return (
    <TableScroller label="Alert history" className="panel">
      <table className="table">
        <caption>History, last 7 days ({zone})</caption>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Rule</th>
            <th scope="col">Transition</th>
            <th scope="col">What happened</th>
            <th scope="col">Notifications</th>
          </tr>
        </thead>
        <tbody>
          {!history && <SkeletonTableRows columns={5} rows={2} />}
          {history?.map((event) => {
            const transition = transitionText(event);
            return (
              <tr key={event.id} data-alert-event={event.id} data-severity={event.severity} data-muted={event.muted ? 'true' : 'false'}>
                <td>{formatTime(event.at, zone)}</td>
                <td>{event.ruleName}</td>
                <td>
                  <span className={`status status-${transition.tone}`}>{transition.text}</span>
                </td>
                <td>{event.message}</td>
                <td>{notificationsText(event, zone)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {history && history.length === 0 && <p className="empty-state">Nothing fired in the last 7 days.</p>}
    </TableScroller>
  );
}
