import { useState, type FormEvent } from 'react';
import { setParams } from '../route';
import { PRESETS, type RangeChoice } from '../state';

/** `datetime-local` text for an instant, in the browser's zone (what the input edits). */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Presets plus a custom range inside the last 14 days. Custom ends are typed in the browser's
 * zone and sent as instants; the gateway refuses anything outside its window.
 */
export function TimePicker({ range }: { range: RangeChoice }) {
  const custom = !('preset' in range);
  const [editing, setEditing] = useState(custom);
  const now = Date.now();
  const [from, setFrom] = useState(localInput(custom ? range.from : new Date(now - 86_400_000).toISOString()));
  const [to, setTo] = useState(localInput(custom ? range.to : new Date(now).toISOString()));
  const [problem, setProblem] = useState<string | null>(null);
  // The inputs offer only what the gateway answers: the last 14 days, up to now.
  const earliest = localInput(new Date(now - 14 * 86_400_000 + 60_000).toISOString());
  const latest = localInput(new Date(now).toISOString());
  const choose = (value: string) => {
    if (value === 'custom') return setEditing(true);
    setEditing(false);
    setParams({ range: value, from: null, to: null });
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const start = new Date(from);
    const end = new Date(to);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) return setProblem('The start must come before the end.');
    if (start.getTime() < Date.now() - 14 * 86_400_000) return setProblem('The start must lie inside the last 14 days.');
    if (end.getTime() > Date.now() + 60_000) return setProblem('The end cannot be in the future.');
    setProblem(null);
    setParams({ range: 'custom', from: start.toISOString(), to: end.toISOString() });
  };
  return (
    <div className="time-picker">
      <label className="field">
        <span>Range</span>
        <select value={editing ? 'custom' : 'preset' in range ? range.preset : 'custom'} onChange={(e) => choose(e.target.value)}>
          {PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </label>
      {editing && (
        <form className="custom-range" onSubmit={apply} aria-label="Custom range">
          <label className="field">
            <span>From</span>
            <input type="datetime-local" value={from} min={earliest} max={latest} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field">
            <span>To</span>
            <input type="datetime-local" value={to} min={earliest} max={latest} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="submit">Apply</button>
          {problem && (
            <span className="field-error" role="alert">
              {problem}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
