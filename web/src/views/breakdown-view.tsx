import { useEffect, useRef } from 'react';
import type { PipelineStepKind } from '../gql/graphql';
import { Chart } from '../components/chart';
import { BreakdownTable, unitOfRows } from '../components/breakdown-table';
import { setParams } from '../route';
import { granularityFor } from '../state';
import { DISCARD_STEPS } from '../steps.generated';
import { PER_BUCKET, stepOf, type DetailProps } from './detail-types';

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

export function BreakdownView({
  pipeline,
  state,
  step,
  reason,
  withChart,
  panels,
  mappingName,
  mappingNames,
}: DetailProps & { step: PipelineStepKind; reason: string | null; withChart: boolean }) {
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
      {withChart && panels.series && (
        <Chart series={panels.series} timeZone={state.timeZone} split={false} title={`${label} events ${PER_BUCKET[granularity]}`} />
      )}
      <BreakdownTable
        rows={rows}
        view={state.view}
        stepTotal={stepTotal}
        mappingName={mappingName}
        mappingNames={mappingNames}
        goodWhenUp={!DISCARD_STEPS.has(step)}
      />
    </section>
  );
}
