import { useState, type FormEvent } from 'react';
import { useQuery } from '../api/use-query';
import { FilterValuesDocument } from '../gql/graphql';
import { FILTER_DIMENSIONS, filterHref, hasFilters, type EventFilters, type FilterDimension } from '../filters';
import { navigate } from '../route';
import { rangeInput, type DestinationState } from '../state';

type Choice = FilterDimension | 'enriched';

/**
 * Chips for the filters on Successfully received (event type, name, app version, enrichment):
 * each narrows every panel and the live updates; a chip's × removes it. Values are offered from
 * the received events of the range, asked for only when the form opens.
 */
export function FilterBar({ id, state }: { id: string; state: DestinationState }) {
  const [adding, setAdding] = useState(false);
  const filters = state.filters;
  return (
    <div className="filter-bar" role="group" aria-label="Filters on Successfully received">
      <span className="filter-bar-title">Filters</span>
      <ul className="chips">
        {chipsOf(filters).map((chip) => (
          <li key={`${chip.dimension}:${chip.value}`} className="chip" data-filter={chip.dimension} data-value={chip.value}>
            <span>
              {chip.label}: <strong>{chip.text}</strong>
            </span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove the filter ${chip.label} ${chip.text}`}
              onClick={() => navigate(filterHref(location, chip.dimension, chip.value, false))}
            >
              ×
            </button>
          </li>
        ))}
        {!hasFilters(filters) && <li className="muted">none: every received event counts</li>}
      </ul>
      {adding ? (
        <AddFilter id={id} state={state} onDone={() => setAdding(false)} />
      ) : (
        <button type="button" className="button-small" onClick={() => setAdding(true)}>
          + Add a filter
        </button>
      )}
    </div>
  );
}

function chipsOf(filters: EventFilters): { dimension: Choice; value: string; label: string; text: string }[] {
  const chips = FILTER_DIMENSIONS.flatMap((d) => filters[d.key].map((value) => ({ dimension: d.key as Choice, value, label: d.label, text: value })));
  if (filters.enriched !== null)
    chips.push({ dimension: 'enriched', value: filters.enriched ? 'yes' : 'no', label: 'Enrichment', text: filters.enriched ? 'enriched' : 'not enriched' });
  return chips;
}

function AddFilter({ id, state, onDone }: { id: string; state: DestinationState; onDone: () => void }) {
  const [dimension, setDimension] = useState<Choice>('eventName');
  const [value, setValue] = useState('');
  const values = useQuery(FilterValuesDocument, { id, range: rangeInput(state.range, state.timeZone, state.lookback) });
  const known = values.data?.destination;
  const options =
    dimension === 'eventType'
      ? known?.types.map((r) => r.eventType)
      : dimension === 'eventName'
        ? known?.names.map((r) => r.eventName)
        : dimension === 'appVersion'
          ? known?.versions.map((r) => r.appVersion)
          : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = dimension === 'enriched' ? (value === 'no' ? 'no' : 'yes') : value.trim();
    if (!chosen) return;
    navigate(filterHref(location, dimension, chosen, true));
    onDone();
  };
  return (
    <form className="add-filter" onSubmit={submit} aria-label="Add a filter">
      <label className="field">
        <span>On</span>
        <select
          value={dimension}
          onChange={(e) => {
            setDimension(e.target.value as Choice);
            setValue('');
          }}
        >
          {FILTER_DIMENSIONS.map((d) => (
            <option key={d.key} value={d.key}>
              {d.label}
            </option>
          ))}
          <option value="enriched">Enrichment</option>
        </select>
      </label>
      {dimension === 'enriched' ? (
        <label className="field">
          <span>Events</span>
          <select value={value || 'yes'} onChange={(e) => setValue(e.target.value)}>
            <option value="yes">enriched</option>
            <option value="no">not enriched</option>
          </select>
        </label>
      ) : (
        <label className="field">
          <span>Value</span>
          <input
            value={value}
            onChange={(e) => setValue(e.target.value)}
            list="filter-values"
            autoComplete="off"
            spellCheck={false}
            placeholder={known ? 'type or pick' : 'loading values…'}
          />
          <datalist id="filter-values">
            {options?.filter(Boolean).map((o) => (
              <option key={o} value={o ?? ''} />
            ))}
          </datalist>
        </label>
      )}
      <button type="submit" className="button-primary button-small">
        Add
      </button>
      <button type="button" className="button-quiet button-small" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
