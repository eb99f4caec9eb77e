/**
 * How a replay reads on the page: its status in words (with a symbol, never colour alone), its
 * progress (batches and messages sent and acknowledged) and its outcome from later reports.
 */
import type { ReplayFieldsFragment, ReplayStatus } from '../gql/graphql';
import { countOf, formatCount, formatRange } from '../format';

const STATUS: Record<ReplayStatus, { text: string; tone: string }> = {
  PENDING: { text: '◌ Pending', tone: 'neutral' },
  SENDING: { text: '↻ Sending', tone: 'partial' },
  SENT: { text: '✓ Sent', tone: 'success' },
  CANCELLED: { text: '⊘ Cancelled', tone: 'neutral' },
  FAILED: { text: '✕ Failed', tone: 'failed' },
};

export function isActive(status: ReplayStatus): boolean {
  return status === 'PENDING' || status === 'SENDING';
}

export function ReplayStatusText({ status }: { status: ReplayStatus }) {
  return (
    <span className={`status status-${STATUS[status].tone}`} data-replay-status={status}>
      {STATUS[status].text}
    </span>
  );
}

/** What the replay was created from (its `selection`, as JSON), in words. */
export function selectionWords(selection: string, mappingNames: Map<string, string>, timeZone: string): string {
  let s: { from?: string; to?: string; mappingId?: string; reason?: string; filter?: Record<string, unknown>; messageIds?: number };
  try {
    s = JSON.parse(selection) as typeof s;
  } catch {
    return '';
  }
  const parts = [
    s.reason ? `reason ${s.reason}` : 'every reason',
    s.mappingId ? `mapping ${mappingNames.get(s.mappingId) ?? s.mappingId}` : null,
    s.filter ? 'event filter' : null,
    s.messageIds ? countOf(s.messageIds, 'listed message') : null,
    s.from && s.to ? `failed ${formatRange(s.from, s.to, timeZone)}` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

function Bar({ label, done, of, name }: { label: string; done: number; of: number; name: string }) {
  return (
    <div className="replay-bar" data-progress={name} data-done={done} data-of={of}>
      <span className="replay-bar-label">
        {label}: <strong>{formatCount(done)}</strong> of {formatCount(of)}
      </span>
      <progress value={done} max={Math.max(of, 1)} aria-label={`${label}: ${done} of ${of}`} />
    </div>
  );
}

/** Batches and messages handed to the delivery system: sent, then acknowledged (2xx, or pulled past). */
export function ReplayProgressBars({ replay }: { replay: ReplayFieldsFragment }) {
  const p = replay.progress;
  return (
    <div className="replay-progress">
      <Bar label="Batches sent" done={p.batchesSent} of={replay.batches} name="batches-sent" />
      <Bar label="Batches acknowledged" done={p.batchesAcknowledged} of={replay.batches} name="batches-acknowledged" />
      <Bar label="Messages acknowledged" done={p.messagesAcknowledged} of={replay.messages} name="messages-acknowledged" />
    </div>
  );
}

/** Recovered, failed again and waiting as one bar (with the numbers in words beside it). */
export function ReplayOutcomeBar({ replay }: { replay: ReplayFieldsFragment }) {
  const o = replay.outcome;
  const total = Math.max(o.recovered + o.failedAgain + o.waiting, 1);
  const parts = [
    { name: 'recovered', label: '✓ Recovered', count: o.recovered },
    { name: 'failed-again', label: '✕ Failed again', count: o.failedAgain },
    { name: 'waiting', label: '◌ Still waiting', count: o.waiting },
  ];
  return (
    <div className="replay-outcome">
      <div className="outcome-bar" aria-hidden="true">
        {parts.map((p) => p.count > 0 && <span key={p.name} className={`outcome-${p.name}`} style={{ width: `${(p.count / total) * 100}%` }} />)}
      </div>
      <ul className="outcome-legend">
        {parts.map((p) => (
          <li key={p.name} data-outcome={p.name} data-count={p.count}>
            <span className={`outcome-swatch outcome-${p.name}`} aria-hidden="true" />
            {p.label}: <strong>{formatCount(p.count)}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
