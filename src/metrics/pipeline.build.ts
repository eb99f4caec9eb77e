import { changeOf, NO_CHANGE, shareOf, type Change } from '../domain/change';
import {
  entryStepOf,
  PIPELINE_LAYOUT,
  PIPELINE_STEPS,
  PipelineStepKind,
  SOURCE_LAYOUT,
  sourceNarrowedLayout,
  type DestinationKind,
  type ReportStep,
} from '../domain/steps';
import type { ResolvedRange } from '../domain/time-range';
import type { StepCount, StepCounts, SyncCounts } from './pipeline.query';

export interface PipelineStepValue {
  kind: PipelineStepKind;
  label: string;
  count: number;
  previousCount: number | null;
  /** Percent of the kind's first step (Successfully received, Records extracted, Membership changes computed); null for sync counts, the gauge, or an empty first step. */
  share: number | null;
  /** With a mapping selected, destination-side steps: percent of the events that reached it (see mappingShareOf). */
  mappingShare: number | null;
  isDiscard: boolean;
  change: Change;
}

export interface PipelineValue {
  from: Date;
  to: Date;
  /** The 5-minute lookback set `to` (see ResolvedRange.lookback). */
  lookback: boolean;
  previousFrom: Date;
  previousTo: Date;
  steps: PipelineStepValue[];
  retryPending: number | null;
}

const ZERO: StepCount = { now: 0, before: 0 };

/** The steps that split what reached an Actions mapping: each event that reached it ends in one of them. */
export const MAPPING_OUTCOME_STEPS: readonly ReportStep[] = ['filtered_destination', 'failed_delivery', 'delivered'];

/**
 * Events that reached the selected mapping in the range: its filtered, failed and delivered
 * events (counts read with that mapping; events still waiting for a retry are not in it yet).
 */
export function reachedMapping(counts: StepCounts): number {
  return MAPPING_OUTCOME_STEPS.reduce((sum, step) => sum + (counts[step]?.now ?? 0), 0);
}

/**
 * Percent of the events that reached the selected mapping: for a purchase-only mapping
 * "94 % delivered" where `share` (of everything the sources received) says 5.6 %. Null
 * without a mapping (`reached` null), on source-side steps, or when nothing reached it.
 */
export function mappingShareOf(step: ReportStep, count: number, reached: number | null): number | null {
  return reached !== null && MAPPING_OUTCOME_STEPS.includes(step) ? shareOf(count, reached) : null;
}

/** Assembles the pipeline view of one destination from its counts (`mappingSelected`: they are one mapping's). Pure. */
export function buildPipeline(
  kind: DestinationKind,
  range: ResolvedRange,
  counts: StepCounts,
  retryPending: number | null,
  syncs: SyncCounts | null,
  mappingSelected = false,
): PipelineValue {
  // Shares are of the kind's first box: what the sources received, or what the sync run extracted or the audience computed.
  const steps = buildSteps(PIPELINE_LAYOUT[kind], entryStepOf(kind), counts, retryPending, syncs, mappingSelected);
  return { ...periodOf(range), steps, retryPending: kind === 'storage' ? null : retryPending };
}

/** A source's own pipeline: its source-side boxes, shares of what it received. Pure. */
export function buildSourcePipeline(range: ResolvedRange, counts: StepCounts): PipelineValue {
  return { ...periodOf(range), steps: buildSteps(SOURCE_LAYOUT, 'received', counts, null, null, false), retryPending: null };
}

/**
 * A destination's pipeline as if one source were its only one (`counts` narrowed to it): the
 * kind's boxes that count reports, shares of the kind's first box (that source's received, or
 * a Reverse ETL or audience destination's own first step). No gauge: it is not kept per source. Pure.
 */
export function buildNarrowedPipeline(kind: DestinationKind, range: ResolvedRange, counts: StepCounts): PipelineValue {
  return { ...periodOf(range), steps: buildSteps(sourceNarrowedLayout(kind), entryStepOf(kind), counts, null, null, false), retryPending: null };
}

function periodOf(range: ResolvedRange): Omit<PipelineValue, 'steps' | 'retryPending'> {
  return {
    from: new Date(range.from),
    to: new Date(range.to),
    lookback: range.lookback,
    previousFrom: new Date(range.previousFrom),
    previousTo: new Date(range.previousTo),
  };
}

function buildSteps(
  layout: readonly PipelineStepKind[],
  entry: ReportStep,
  counts: StepCounts,
  retryPending: number | null,
  syncs: SyncCounts | null,
  mappingSelected: boolean,
): PipelineStepValue[] {
  const received = counts[entry] ?? ZERO;
  const reached = mappingSelected ? reachedMapping(counts) : null;
  return layout.map((stepKind): PipelineStepValue => {
    const def = PIPELINE_STEPS[stepKind];
    const base = { kind: stepKind, label: def.label, isDiscard: def.isDiscard, mappingShare: null };
    if (stepKind === PipelineStepKind.RETRY_PENDING) {
      return { ...base, count: retryPending ?? 0, previousCount: null, share: null, change: NO_CHANGE };
    }
    if (stepKind === PipelineStepKind.FAILED_TO_SYNC || stepKind === PipelineStepKind.SUCCESSFULLY_SYNCED) {
      const c = (stepKind === PipelineStepKind.FAILED_TO_SYNC ? syncs?.failed : syncs?.succeeded) ?? ZERO;
      return { ...base, count: c.now, previousCount: c.before, share: null, change: { ...changeOf(c.now, c.before, 0, 0), percentagePoints: null } };
    }
    const c = (def.reportStep && counts[def.reportStep]) || ZERO;
    return {
      ...base,
      count: c.now,
      previousCount: c.before,
      share: shareOf(c.now, received.now),
      mappingShare: def.reportStep ? mappingShareOf(def.reportStep, c.now, reached) : null,
      change: changeOf(c.now, c.before, received.now, received.before),
    };
  });
}
