import { useQuery } from '../api/use-query';
import { BreakdownDocument, DiscardsDocument, type DestinationPageQuery, type PipelineFieldsFragment, type PipelineStepKind } from '../gql/graphql';
import { Chart } from '../components/chart';
import { ErrorNotice } from '../components/error-notice';
import { DiscardTable } from '../components/discard-table';
import { BreakdownTable, unitOfRows } from '../components/breakdown-table';
import { SamplesPanel } from '../components/samples-panel';
import { DocsPanel } from '../components/docs-panel';
import { SyncsView } from '../components/syncs';
import { SyncRunsView } from '../components/sync-runs';
import { formatCount } from '../format';
import { setParams, useRoute } from '../route';
import { DISCARD_STEPS, ENTRY_STEPS, SYNC_STEPS, granularityFor, rangeInput, type DestinationState } from '../state';

type Destination = NonNullable<DestinationPageQuery['destination']>;

export interface DetailProps {
  destination: Destination;
  pipeline: PipelineFieldsFragment;
  state: DestinationState;
}

const PER_BUCKET = { MINUTE: 'per minute', HOUR: 'per hour', DAY: 'per day' } as const;

/** The selected step's table (and chart): discards, a breakdown, or the syncs. */
export function StepDetail(props: DetailProps) {
  const step = props.state.step!;
  if (DISCARD_STEPS.has(step)) return <DiscardView {...props} step={step} />;
  if (SYNC_STEPS.has(step)) return <SyncsView id={props.destination.id} state={props.state} step={step} />;
  if (step === 'RECORDS_EXTRACTED') {
    // A Reverse ETL destination's first box: its sync runs, then the records by operation and mapping.
    return (
      <>
        <SyncRunsView id={props.destination.id} state={props.state} />
        <BreakdownView {...props} step={step} reason={null} withChart={false} />
      </>
    );
  }
  if (ENTRY_STEPS.has(step) || step === 'SUCCESSFUL_DELIVERY') return <BreakdownView {...props} step={step} reason={null} withChart />;
  return null;
}

function stepLabel(pipeline: PipelineFieldsFragment, step: PipelineStepKind): string {
  return pipeline.steps.find((s) => s.kind === step)?.label ?? step;
}

function DiscardView({ destination, pipeline, state, step }: DetailProps & { step: PipelineStepKind }) {
  const { params } = useRoute();
  const granularity = granularityFor(state.range);
  const query = useQuery(DiscardsDocument, { id: destination.id, step, range: rangeInput(state.range, state.timeZone, state.lookback), mappingId: state.mapping, granularity });
  const rows = query.data?.destination?.discards ?? null;
  const label = stepLabel(pipeline, step);
  const total = pipeline.steps.find((s) => s.kind === step)?.count ?? 0;
  const split = params.get('split') !== 'off';
  const sampleRow = rows?.find((r) => r.reason.code === state.samples);
  return (
    <>
      <section className="panel detail" aria-labelledby="detail-title" data-detail="discards">
        <div className="detail-head">
          <h2 id="detail-title">
            {label} · {formatCount(total)} events · by reason
          </h2>
          <label className="checkbox">
            <input type="checkbox" checked={split} onChange={(e) => setParams({ split: e.target.checked ? null : 'off' }, { replace: true })} />
            Split the chart by reason
          </label>
        </div>
        {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
        {query.data?.destination && <Chart series={query.data.destination.timeseries} timeZone={state.timeZone} split={split} title={`${label} events ${PER_BUCKET[granularity]}`} />}
        <DiscardTable rows={rows} view={state.view} selectedReason={state.reason} />
      </section>
      {state.reason && <BreakdownView destination={destination} pipeline={pipeline} state={state} step={step} reason={state.reason} withChart={false} />}
      {sampleRow && <SamplesPanel row={sampleRow} timeZone={state.timeZone} onClose={() => setParams({ samples: null })} />}
      {state.doc && <DocsPanel anchor={state.doc} onClose={() => setParams({ doc: null })} />}
    </>
  );
}

function BreakdownView({ destination, pipeline, state, step, reason, withChart }: DetailProps & { step: PipelineStepKind; reason: string | null; withChart: boolean }) {
  const granularity = granularityFor(state.range);
  const query = useQuery(BreakdownDocument, { id: destination.id, step, reason, range: rangeInput(state.range, state.timeZone, state.lookback), mappingId: state.mapping, granularity, withSeries: withChart });
  const label = stepLabel(pipeline, step);
  const series = query.data?.destination?.timeseries;
  const rows = query.data?.destination?.breakdown ?? null;
  const by = { events: 'by event type, name and app version', records: 'by operation and mapping', changes: 'by audience and change' }[unitOfRows(rows)];
  return (
    <section className="panel detail" aria-labelledby="breakdown-title" data-detail="breakdown">
      <div className="detail-head">
        <h2 id="breakdown-title">
          {label}
          {reason && (
            <>
              {' '}
              · reason <code>{reason}</code>
            </>
          )}{' '}
          · {by}
        </h2>
        {reason && (
          <button type="button" className="button-quiet" onClick={() => setParams({ reason: null })}>
            Close breakdown
          </button>
        )}
      </div>
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      {withChart && series && <Chart series={series} timeZone={state.timeZone} split={false} title={`${label} events ${PER_BUCKET[granularity]}`} />}
      <BreakdownTable rows={rows} view={state.view} />
    </section>
  );
}
