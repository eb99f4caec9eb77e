/**
 * What the destination view asks in its one request: which panels are open follows from the
 * selected step (and reason), so a live refresh asks for exactly what is on the screen.
 */
import type { DestinationViewQueryVariables, Granularity } from '../gql/graphql';
import { eventFilter } from '../filters';
import { replayInputOf } from '../replay-input';
import { granularityFor, rangeInput, rangeMinutes, type DestinationState } from '../state';
import { DISCARD_STEPS, ENTRY_STEPS, SYNC_STEPS } from '../steps.generated';

/** Sync runs in the view's first page; older ones come a page at a time. */
export const RUNS_PAGE = 50;

const NO_PANELS = {
  withInsights: false,
  withLatency: false,
  withDiscards: false,
  withBreakdown: false,
  withSeries: false,
  withSyncs: false,
  withSyncRuns: false,
};

/** The panels a step opens: its table, its chart, and the breakdown of a selected reason. */
function panelsOf(state: DestinationState): typeof NO_PANELS & { seriesGroupBy: ['REASON'] | null } {
  const step = state.step;
  const base = { ...NO_PANELS, withLatency: true, seriesGroupBy: null };
  if (step === null) return { ...base, withInsights: true };
  if (DISCARD_STEPS.has(step)) return { ...base, withDiscards: true, withSeries: true, seriesGroupBy: ['REASON'], withBreakdown: state.reason !== null };
  if (SYNC_STEPS.has(step)) return { ...base, withSyncs: true };
  if (step === 'RECORDS_EXTRACTED') return { ...base, withSyncRuns: true, withBreakdown: true };
  if (ENTRY_STEPS.has(step) || step === 'SUCCESSFUL_DELIVERY') return { ...base, withBreakdown: true, withSeries: true };
  return base;
}

function latencyGranularity(state: DestinationState): Granularity {
  return rangeMinutes(state.range) <= 240 ? 'MINUTE' : 'HOUR';
}

/**
 * The view's variables; `withPanels: false` asks for the header and the pipeline only (the first
 * draw). `mayReplay`: the token may create replays, so the failed-delivery step asks how many
 * undelivered messages its replay buttons would send (in the same request: the same moment).
 */
export function destinationViewVariables(id: string, state: DestinationState, withPanels: boolean, mayReplay = false): DestinationViewQueryVariables {
  const panels = withPanels ? panelsOf(state) : { ...NO_PANELS, seriesGroupBy: null };
  return {
    id,
    range: rangeInput(state.range, state.timeZone, state.lookback),
    mappingId: state.mapping,
    filter: eventFilter(state.filters),
    step: state.step ?? 'SUCCESSFULLY_RECEIVED',
    reason: state.step && DISCARD_STEPS.has(state.step) ? state.reason : null,
    granularity: granularityFor(state.range),
    latencyGranularity: latencyGranularity(state),
    runsFirst: RUNS_PAGE,
    replayInput: replayInputOf(id, state),
    withReplay: withPanels && mayReplay && state.step === 'FAILED_DELIVERY',
    ...panels,
  };
}

/** What the numbers are about: a change drops them (skeletons), anything else keeps them until the new answer. */
export function viewIdentity(id: string, state: DestinationState): string {
  return JSON.stringify([id, rangeInput(state.range, state.timeZone, state.lookback), state.mapping, eventFilter(state.filters)]);
}
