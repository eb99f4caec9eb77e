import { useEffect, useRef } from 'react';
import type { BreakdownFieldsFragment, DiscardFieldsFragment, PipelineFieldsFragment, PipelineStepKind, SeriesFieldsFragment, SyncFieldsFragment, SyncRunFieldsFragment } from '../gql/graphql';
import { Chart } from '../components/chart';
import { DiscardTable } from '../components/discard-table';
import { BreakdownTable, unitOfRows } from '../components/breakdown-table';
import { SamplesPanel } from '../components/samples-panel';
import { DocsPanel } from '../components/docs-panel';
import { SyncsView } from '../components/syncs';
import { SyncRunsView } from '../components/sync-runs';
import { countOf } from '../format';
import { setParams, useRoute } from '../route';
import { DISCARD_STEPS, ENTRY_STEPS, SYNC_STEPS, granularityFor, type DestinationState } from '../state';

/** The open panels' numbers, each only when the snapshot answered this step (and reason). */
export interface Panels {
  discards?: DiscardFieldsFragment[];
  breakdown?: BreakdownFieldsFragment[];
  series?: SeriesFieldsFragment[];
  syncs?: SyncFieldsFragment[];
  syncRuns?: SyncRunFieldsFragment[];
}

export interface DetailProps {
  destinationId: string;
  pipeline: PipelineFieldsFragment;
  state: DestinationState;
  panels: Panels;
  mappingName: string | null;
  mappingNames: Map<string, string>;
  sourceNames: Map<string, string>;
}

const PER_BUCKET = { MINUTE: 'per minute', HOUR: 'per hour', DAY: 'per day' } as const;

/** The selected step's table (and chart): discards, a breakdown, or the syncs. */
export function StepDetail(props: DetailProps) {
  const step = props.state.step!;
  if (DISCARD_STEPS.has(step)) return <DiscardView {...props} step={step} />;
  if (SYNC_STEPS.has(step)) return <SyncsView all={props.panels.syncs} state={props.state} step={step} />;
  if (step === 'RECORDS_EXTRACTED') {
    // A Reverse ETL destination's first box: its sync runs, then the records by operation and mapping.
    return (
      <>
        <SyncRunsView id={props.destinationId} state={props.state} newest={props.panels.syncRuns} />
        <BreakdownView {...props} step={step} reason={null} withChart={false} />
      </>
    );
  }
  if (ENTRY_STEPS.has(step) || step === 'SUCCESSFUL_DELIVERY') return <BreakdownView {...props} step={step} reason={null} withChart />;
  return null;
}

function stepOf(pipeline: PipelineFieldsFragment, step: PipelineStepKind) {
  return pipeline.steps.find((s) => s.kind === step);
}

function DiscardView({ pipeline, state, step, panels, mappingName, mappingNames, sourceNames, destinationId }: DetailProps & { step: PipelineStepKind }) {
  const { params } = useRoute();
  const granularity = granularityFor(state.range);
  const rows = panels.discards ?? null;
  const label = stepOf(pipeline, step)?.label ?? step;
  const total = stepOf(pipeline, step)?.count ?? 0;
  const split = params.get('split') !== 'off';
  const sampleRow = rows?.find((r) => r.reason.code === state.samples);
  const rowsTotal = rows?.reduce((sum, r) => sum + r.count, 0);
  return (
    <>
      <section className="panel detail" aria-labelledby="detail-title" data-detail="discards" data-count={total} data-rows-total={rowsTotal ?? ''}>
        <div className="detail-head">
          <h2 id="detail-title">
            {label} · {countOf(total, 'event')} · by reason
          </h2>
          <label className="checkbox">
            <input type="checkbox" checked={split} onChange={(e) => setParams({ split: e.target.checked ? null : 'off' }, { replace: true })} />
            Split the chart by reason
          </label>
        </div>
        {panels.series && <Chart series={panels.series} timeZone={state.timeZone} split={split} title={`${label} events ${PER_BUCKET[granularity]}`} />}
        <DiscardTable rows={rows} view={state.view} selectedReason={state.reason} stepTotal={total} mappingName={mappingName} />
      </section>
      {state.reason && (
        <BreakdownView destinationId={destinationId} pipeline={pipeline} state={state} panels={panels} mappingName={mappingName} mappingNames={mappingNames} sourceNames={sourceNames} step={step} reason={state.reason} withChart={false} />
      )}
      {sampleRow && <SamplesPanel row={sampleRow} timeZone={state.timeZone} sourceNames={sourceNames} onClose={() => setParams({ samples: null })} />}
      {state.doc && <DocsPanel anchor={state.doc} onClose={() => setParams({ doc: null })} />}
    </>
  );
}

/** Moves focus (and the screen) to a reason's breakdown once it shows, so selecting a reason lands on it. */
function useFocusOnArrival(reason: string | null, ready: boolean) {
  const heading = useRef<HTMLHeadingElement>(null);
  const focused = useRef<string | null>(null);
  useEffect(() => {
    if (!reason || !ready || focused.current === reason) return;
    focused.current = reason;
    heading.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    heading.current?.focus({ preventScroll: true });
  }, [reason, ready]);
  return heading;
}

function BreakdownView({ pipeline, state, step, reason, withChart, panels, mappingName, mappingNames }: DetailProps & { step: PipelineStepKind; reason: string | null; withChart: boolean }) {
  const granularity = granularityFor(state.range);
  const label = stepOf(pipeline, step)?.label ?? step;
  const rows = panels.breakdown ?? null;
  const heading = useFocusOnArrival(reason, rows !== null);
  const by = { events: 'by event type, name and app version', records: 'by operation and mapping', changes: 'by audience and change' }[unitOfRows(rows)];
  // A reason's rows are a share of that reason's events; otherwise of the step's.
  const reasonTotal = reason ? panels.discards?.find((d) => d.reason.code === reason)?.count : undefined;
  const stepTotal = reason ? (reasonTotal ?? null) : (stepOf(pipeline, step)?.count ?? null);
  return (
    <section className="panel detail" aria-labelledby="breakdown-title" data-detail="breakdown" data-reason-detail={reason ?? ''}>
      <div className="detail-head">
        <h2 id="breakdown-title" ref={heading} tabIndex={-1}>
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
      {withChart && panels.series && <Chart series={panels.series} timeZone={state.timeZone} split={false} title={`${label} events ${PER_BUCKET[granularity]}`} />}
      <BreakdownTable rows={rows} view={state.view} stepTotal={stepTotal} mappingName={mappingName} mappingNames={mappingNames} goodWhenUp={!DISCARD_STEPS.has(step)} />
    </section>
  );
}
