import { useState } from 'react';
import type { PipelineStepKind, ReplayPreviewFieldsFragment } from '../gql/graphql';
import { Chart } from '../components/chart';
import { DiscardTable } from '../components/discard-table';
import { SamplesPanel } from '../components/samples-panel';
import { DocsPanel } from '../components/docs-panel';
import { countOf } from '../format';
import { replayInputOf, type ReplayNarrowing } from '../replay-input';
import { setParams, useRoute } from '../route';
import { granularityFor } from '../state';
import { BreakdownView } from './breakdown-view';
import { PER_BUCKET, stepOf, type DetailProps } from './detail-types';
import { ReplayDialog } from './replay-dialog';
import { UndeliveredPanel } from './undelivered';

/** What a replay button asked for: the narrowing of the view's selection, and how to say it. */
interface ReplayAsk {
  narrowing: ReplayNarrowing;
  what: string;
}

/** A discard step: its chart and reasons; for failed deliveries the undelivered list and, with the replay scope, replays. */
export function DiscardView(props: DetailProps & { step: PipelineStepKind }) {
  const { pipeline, state, step, panels, mappingName, sourceNames, destinationId, mappingNames } = props;
  const { params } = useRoute();
  const [replaying, setReplaying] = useState<ReplayAsk | null>(null);
  const granularity = granularityFor(state.range);
  const rows = panels.discards ?? null;
  const label = stepOf(pipeline, step)?.label ?? step;
  const total = stepOf(pipeline, step)?.count ?? 0;
  const split = params.get('split') !== 'off';
  const sampleRow = rows?.find((r) => r.reason.code === state.samples);
  const rowsTotal = rows?.reduce((sum, r) => sum + r.count, 0);
  // Present only on the failed-delivery step, for a token that may replay (the view asked for it).
  const replay = panels.replay;
  const replayCounts = replay ? new Map(replay.byReason.map((r) => [r.reason, r.count])) : undefined;
  return (
    <>
      <section className="panel detail" aria-labelledby="detail-title" data-detail="discards" data-count={total} data-rows-total={rowsTotal ?? ''}>
        <div className="detail-head">
          <h2 id="detail-title">
            {label} · {countOf(total, 'event')} · by reason
          </h2>
          <div className="detail-actions">
            {replay && replay.total > 0 && (
              <StepReplayButton preview={replay} onReplay={() => setReplaying({ narrowing: {}, what: `${label}, every reason` })} />
            )}
            <label className="checkbox">
              <input type="checkbox" checked={split} onChange={(e) => setParams({ split: e.target.checked ? null : 'off' }, { replace: true })} />
              Split the chart by reason
            </label>
          </div>
        </div>
        {panels.series && <Chart series={panels.series} timeZone={state.timeZone} split={split} title={`${label} events ${PER_BUCKET[granularity]}`} />}
        <DiscardTable
          rows={rows}
          view={state.view}
          selectedReason={state.reason}
          stepTotal={total}
          mappingName={mappingName}
          replayCounts={replayCounts}
          onReplay={(code, title) => setReplaying({ narrowing: { reason: code }, what: `${label}, reason ${title} (${code})` })}
        />
      </section>
      {state.reason && <BreakdownView {...props} reason={state.reason} withChart={false} />}
      {step === 'FAILED_DELIVERY' && (
        <UndeliveredPanel
          destinationId={destinationId}
          state={state}
          mappingNames={mappingNames}
          onReplay={
            replay
              ? (messageIds) =>
                  setReplaying({
                    narrowing: { reason: state.reason, messageIds },
                    what: `${countOf(messageIds.length, 'selected message')} of the undelivered list`,
                  })
              : undefined
          }
        />
      )}
      {replaying && (
        <ReplayDialog
          input={replayInputOf(destinationId, state, replaying.narrowing)}
          what={replaying.what}
          mappingNames={mappingNames}
          timeZone={state.timeZone}
          onClose={() => setReplaying(null)}
        />
      )}
      {sampleRow && <SamplesPanel row={sampleRow} timeZone={state.timeZone} sourceNames={sourceNames} onClose={() => setParams({ samples: null })} />}
      {state.doc && <DocsPanel anchor={state.doc} onClose={() => setParams({ doc: null })} />}
    </>
  );
}

function StepReplayButton({ preview, onReplay }: { preview: ReplayPreviewFieldsFragment; onReplay: () => void }) {
  return (
    <button type="button" className="button-replay" data-replay-step data-replay-count={preview.total} onClick={onReplay}>
      ↻ Replay {countOf(preview.total, 'message')}
    </button>
  );
}
