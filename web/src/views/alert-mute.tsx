import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../api/client';
import { MuteAlertRuleDocument } from '../gql/graphql';
import { SidePanel } from '../components/side-panel';
import { browserTimeZone, formatTime } from '../format';
import { MutationProblem } from './alert-kinds';
import type { Rule } from './alert-rules';

const HOUR = 3_600_000;
const DURATIONS = [
  { label: '1 hour', ms: HOUR },
  { label: '4 hours', ms: 4 * HOUR },
  { label: '24 hours', ms: 24 * HOUR },
  { label: '3 days', ms: 72 * HOUR },
  { label: '7 days', ms: 168 * HOUR },
];

/** `<input type="datetime-local">` speaks the browser's zone: its value as an instant. */
function instantOf(local: string): number {
  return local ? new Date(local).getTime() : NaN;
}

/**
 * Mute a rule until a time (at most 30 days away, as the gateway allows): it is still evaluated
 * and its history kept; notifications are withheld, except the recovery of a firing announced before.
 */
export function MutePanel({ rule, zone, onDone }: { rule: Rule; zone: string; onDone: (changed: boolean) => void }) {
  const [choice, setChoice] = useState(String(DURATIONS[0].ms));
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const until = choice === 'custom' ? instantOf(custom) : Date.now() + Number(choice);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (Number.isNaN(until)) return;
    setBusy(true);
    try {
      await request(MuteAlertRuleDocument, { id: rule.id, until: new Date(until).toISOString() });
      onDone(true);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <SidePanel title={`Mute “${rule.name}”`} onClose={() => onDone(false)}>
      <form className="alert-form" onSubmit={submit} data-mute-form={rule.id}>
        <p className="subtle">
          The rule keeps being evaluated and its history kept; its notifications are withheld until then. A firing announced before the mute still gets its
          recovery announced.
        </p>
        <label className="field">
          <span>Mute for</span>
          <select value={choice} onChange={(e) => setChoice(e.target.value)}>
            {DURATIONS.map((d) => (
              <option key={d.ms} value={String(d.ms)}>
                {d.label}
              </option>
            ))}
            <option value="custom">until a time…</option>
          </select>
        </label>
        {choice === 'custom' && (
          <label className="field">
            <span>Until (this browser’s time, {browserTimeZone()})</span>
            <input type="datetime-local" required value={custom} onChange={(e) => setCustom(e.target.value)} />
          </label>
        )}
        {!Number.isNaN(until) && (
          <p>
            Muted until {formatTime(new Date(until).toISOString(), zone)} ({zone}).
          </p>
        )}
        {error && <MutationProblem error={error} />}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy || Number.isNaN(until)}>
            Mute
          </button>
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
        </div>
      </form>
    </SidePanel>
  );
}
