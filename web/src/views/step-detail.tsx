import { SyncsView } from '../components/syncs';
import { SyncRunsView } from '../components/sync-runs';
import { DISCARD_STEPS, ENTRY_STEPS, SYNC_STEPS } from '../steps.generated';
import { BreakdownView } from './breakdown-view';
import type { DetailProps } from './detail-types';
import { DiscardView } from './discard-view';

export type { DetailProps, Panels } from './detail-types';

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
