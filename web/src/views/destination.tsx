import { useState } from 'react';
import { useSubscription } from '../api/live';
import { useQuery } from '../api/use-query';
import { DestinationPageDocument, PipelineLiveDocument, type DestinationPageQuery, type PipelineFieldsFragment, type PipelineStepKind } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { Pipeline } from '../components/pipeline';
import { TimePicker } from '../components/time-picker';
import { MappingSelect } from '../components/mapping-select';
import { browserTimeZone, formatRange, formatTime } from '../format';
import { followLink, setParams, useRoute } from '../route';
import { ViewTitle } from '../components/skeleton';
import { destinationPageVariables, parseDestinationState, type DestinationState } from '../state';
import { StepDetail } from './step-detail';
import { Insights } from '../components/insights';
import { LatencyLine } from '../components/latency-line';

type Destination = NonNullable<DestinationPageQuery['destination']>;

const CLASSIC_LAYOUT: PipelineStepKind[] = ['SUCCESSFULLY_RECEIVED', 'FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'RETRY_PENDING', 'FAILED_DELIVERY', 'SUCCESSFUL_DELIVERY'];

export function DestinationPage({ id }: { id: string }) {
  const { params } = useRoute();
  const state = parseDestinationState(params);
  const variables = destinationPageVariables(id, state);
  const range = variables.range;
  const query = useQuery(DestinationPageDocument, variables);
  const key = JSON.stringify(variables);
  // The whole pipeline follows the gateway while the range is rolling (a preset).
  const [live, setLive] = useState<{ key: string; pipeline: PipelineFieldsFragment } | null>(null);
  const rolling = 'preset' in state.range && Boolean(query.data?.destination);
  useSubscription(PipelineLiveDocument, rolling ? { destinationId: id, range, mappingId: state.mapping } : null, (data) => setLive({ key, pipeline: data.pipelineUpdated }));
  const destination = query.data?.destination;
  const pipeline = live?.key === key ? live.pipeline : destination?.pipeline;

  if (query.data && !destination) {
    return (
      <section className="panel empty-state" data-view="not-found">
        <h1>No destination “{id}”</h1>
        <p>This workspace has no destination with that id. It may belong to another workspace, or it has not reported yet.</p>
        <a href="/" onClick={followLink}>
          See all destinations
        </a>
      </section>
    );
  }
  const select = (kind: PipelineStepKind) => setParams({ step: state.step === kind ? null : kind, reason: null, samples: null, sync: null, doc: null });
  return (
    <div className="destination" data-view="destination">
      <DestinationHeader id={id} destination={destination ?? undefined} state={state} />
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      <RangeLine pipeline={pipeline} state={state} />
      <Pipeline
        steps={pipeline?.steps ?? null}
        layout={pipeline?.steps.map((s) => s.kind) ?? CLASSIC_LAYOUT}
        view={state.view}
        selected={state.step}
        onSelect={select}
        destinationId={id}
        mappingId={state.mapping}
        mappingName={destination?.mappings.find((m) => m.id === state.mapping)?.name ?? null}
        retryPending={pipeline?.retryPending}
      />
      {pipeline && isEmpty(pipeline) && (
        <p className="notice" role="status">
          No reports for this destination between {formatRange(pipeline.from, pipeline.to, state.timeZone)}.
          {state.lookback && ' The last 5 minutes are held back by the lookback; include them to see the newest reports.'}
        </p>
      )}
      {destination && pipeline && destination.kind !== 'STORAGE' && <LatencyLine id={id} state={state} from={pipeline.from} to={pipeline.to} />}
      {destination && pipeline && (state.step ? <StepDetail destination={destination} pipeline={pipeline} state={state} /> : <Insights id={id} state={state} />)}
    </div>
  );
}

/** The range, zone, lookback and view of the current address, for links to another source or destination. */
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

function isEmpty(pipeline: PipelineFieldsFragment): boolean {
  return pipeline.steps.every((s) => s.count === 0);
}

function DestinationHeader({ id, destination, state }: { id: string; destination: Destination | undefined; state: DestinationState }) {
  return (
    <div className="page-head destination-head">
      <div>
        <ViewTitle name={destination?.name} badge={destination ? destination.kind.toLowerCase() : null} />
        <p className="subtle">
          <span className="mono">{id}</span>
          {destination && destination.sources.length > 0 && (
            <>
              {' '}· sources:{' '}
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
        {(destination?.kind === 'ACTIONS' || destination?.kind === 'RETL') && <MappingSelect mappings={destination.mappings} value={state.mapping ?? ''} onChange={(m) => setParams({ mapping: m || null, reason: null, samples: null })} />}
        <RangeControls state={state} />
      </div>
    </div>
  );
}

/** The time picker and the percent switch, shared by the destination and source views. */
export function RangeControls({ state }: { state: DestinationState }) {
  return (
    <>
      <TimePicker range={state.range} />
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
  const browser = browserTimeZone();
  // The answer says whether the lookback moved the end of the range.
  const lookbackApplies = pipeline?.lookback === true;
  return (
    <div className="range-line">
      <span>
        {pipeline ? (
          <>
            {formatRange(pipeline.from, pipeline.to, zone)} <span className="subtle">· compared with {formatRange(pipeline.previousFrom, pipeline.previousTo, zone)}</span>
          </>
        ) : (
          <span className="skeleton skeleton-text wide" />
        )}
      </span>
      {zone !== browser && (
        <button type="button" className="button-quiet" onClick={() => setParams({ tz: null })}>
          Show in my zone ({browser})
        </button>
      )}
      <span className="lookback">
        {pipeline && lookbackApplies && <span>Data until {formatTime(pipeline.to, zone, false)} (5-minute lookback, so late reports do not move the last minutes).</span>}
        {pipeline && !state.lookback && <span>Including the last minutes: their numbers may still grow as late reports arrive.</span>}
        <label className="checkbox">
          <input type="checkbox" checked={!state.lookback} onChange={(e) => setParams({ lookback: e.target.checked ? 'off' : null })} />
          Include the last 5 minutes
        </label>
      </span>
    </div>
  );
}
