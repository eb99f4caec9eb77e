import type { DestinationViewQuery, PipelineFieldsFragment } from '../gql/graphql';
import { TimePicker } from '../components/time-picker';
import { MappingSelect } from '../components/mapping-select';
import { ZonePicker } from '../components/zone-picker';
import { FilterBar } from '../components/filter-bar';
import { ViewTitle } from '../components/skeleton';
import { formatRange, formatTime } from '../format';
import { followLink, setParams } from '../route';
import type { DestinationState } from '../state';

type Destination = NonNullable<DestinationViewQuery['destination']>;

/** The range, zone, lookback, view and filters of the current address, for links to another source or destination. */
export function rangeQuery(state: DestinationState): string {
  const params = new URLSearchParams();
  if ('preset' in state.range) params.set('range', state.range.preset);
  else {
    params.set('range', 'custom');
    params.set('from', state.range.from);
    params.set('to', state.range.to);
  }
  const current = new URLSearchParams(location.search);
  for (const name of ['tz', 'lookback', 'view']) {
    const value = current.get(name);
    if (value) params.set(name, value);
  }
  return `?${params.toString()}`;
}

/** `failed`: the view shows a problem instead of numbers, so the title is the id, not a skeleton. */
export function DestinationHeader({
  id,
  destination,
  state,
  failed,
}: {
  id: string;
  destination: Destination | undefined;
  state: DestinationState;
  failed: boolean;
}) {
  return (
    <div className="page-head destination-head">
      <div>
        <ViewTitle name={destination?.name ?? (failed ? id : undefined)} badge={destination ? destination.kind.toLowerCase() : null} />
        <p className="subtle">
          {destination && destination.name !== id && <span className="mono">{id}</span>}
          {destination && destination.sources.length > 0 && (
            <>
              {destination.name !== id && ' · '}
              sources:{' '}
              {destination.sources.map((s, i) => (
                <span key={s.id}>
                  {i > 0 && ', '}
                  <a href={`/sources/${encodeURIComponent(s.id)}${rangeQuery(state)}`} onClick={followLink} data-source={s.id}>
                    {s.name}
                  </a>
                </span>
              ))}
            </>
          )}
        </p>
      </div>
      <div className="controls">
        {(destination?.kind === 'ACTIONS' || destination?.kind === 'RETL') && (
          <MappingSelect
            mappings={destination.mappings}
            value={state.mapping ?? ''}
            onChange={(m) => setParams({ mapping: m || null, reason: null, samples: null })}
          />
        )}
        <RangeControls state={state} />
      </div>
      <FilterBar id={id} state={state} />
    </div>
  );
}

/** The time picker, the zone picker and the percent switch, shared by the destination and source views. */
export function RangeControls({ state }: { state: DestinationState }) {
  return (
    <>
      <TimePicker range={state.range} />
      <ZonePicker zone={state.timeZone} />
      <label className="switch">
        <input type="checkbox" role="switch" checked={state.view === 'percent'} onChange={(e) => setParams({ view: e.target.checked ? null : 'counts' })} />
        <span className="switch-track" aria-hidden="true" />
        Show percent
      </label>
    </>
  );
}

export function RangeLine({ pipeline, state }: { pipeline: PipelineFieldsFragment | undefined; state: DestinationState }) {
  const zone = state.timeZone;
  // The answer says whether the lookback moved the end of the range.
  const lookbackApplies = pipeline?.lookback === true;
  return (
    <div className="range-line">
      <span>
        {pipeline ? (
          <>
            {formatRange(pipeline.from, pipeline.to, zone)}{' '}
            <span className="subtle">· compared with {formatRange(pipeline.previousFrom, pipeline.previousTo, zone)}</span>
          </>
        ) : (
          <span className="skeleton skeleton-text wide" />
        )}
      </span>
      <span className="lookback">
        {pipeline && lookbackApplies && (
          <span>Data until {formatTime(pipeline.to, zone, false)} (5-minute lookback, so late reports do not move the last minutes).</span>
        )}
        {pipeline && !state.lookback && <span>Including the last minutes: their numbers may still grow as late reports arrive.</span>}
        <label className="checkbox">
          <input type="checkbox" checked={!state.lookback} onChange={(e) => setParams({ lookback: e.target.checked ? 'off' : null })} />
          Include the last 5 minutes
        </label>
      </span>
    </div>
  );
}
