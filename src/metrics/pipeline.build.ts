import { changeOf, NO_CHANGE, shareOf, type Change } from '../domain/change';
import { PIPELINE_LAYOUT, PIPELINE_STEPS, PipelineStepKind, type DestinationKind } from '../domain/steps';
import type { ResolvedRange } from '../domain/time-range';
import type { StepCount, StepCounts, SyncCounts } from './pipeline.query';

export interface PipelineStepValue {
  kind: PipelineStepKind;
  label: string;
  count: number;
  previousCount: number | null;
  /** Percent of Successfully received; null for sync counts, the gauge, or nothing received. */
  share: number | null;
  isDiscard: boolean;
  change: Change;
}

export interface PipelineValue {
  from: Date;
  to: Date;
  previousFrom: Date;
  previousTo: Date;
  steps: PipelineStepValue[];
  retryPending: number | null;
}

const ZERO: StepCount = { now: 0, before: 0 };

/** Assembles the pipeline view of one destination from its counts. Pure. */
export function buildPipeline(kind: DestinationKind, range: ResolvedRange, counts: StepCounts, retryPending: number | null, syncs: SyncCounts | null): PipelineValue {
  const received = counts.received ?? ZERO;
  const steps = PIPELINE_LAYOUT[kind].map((stepKind): PipelineStepValue => {
    const def = PIPELINE_STEPS[stepKind];
    const base = { kind: stepKind, label: def.label, isDiscard: def.isDiscard };
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
      change: changeOf(c.now, c.before, received.now, received.before),
    };
  });
  return {
    from: new Date(range.from),
    to: new Date(range.to),
    previousFrom: new Date(range.previousFrom),
    previousTo: new Date(range.previousTo),
    steps,
    retryPending: kind === 'storage' ? null : retryPending,
  };
}
