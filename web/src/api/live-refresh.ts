/**
 * Live changes as a signal to refresh: a pushed pipeline whose counts (or retry gauge) differ
 * from the ones a view shows asks the view for a new snapshot. The pushed numbers themselves are
 * never drawn alone, so boxes and tables always come from the same answer.
 */
import { useRef } from 'react';
import { PipelineChangedDocument, type PipelineChangedSubscriptionVariables } from '../gql/graphql';
import { useSubscription } from './live';

export interface CountsLike {
  retryPending?: number | null;
  steps: { count: number }[];
}

export function countsFingerprint(pipeline: CountsLike): string {
  return JSON.stringify([pipeline.steps.map((s) => s.count), pipeline.retryPending ?? null]);
}

/** Subscribes while `variables` is set; calls `refresh` when the pushed counts differ from `shown`. */
export function usePipelineWatch(variables: PipelineChangedSubscriptionVariables | null, shown: CountsLike | undefined, refresh: () => void): void {
  const latest = useRef<string | null>(null);
  latest.current = shown ? countsFingerprint(shown) : null;
  useSubscription(PipelineChangedDocument, variables, (data) => {
    if (latest.current !== null && countsFingerprint(data.pipelineUpdated) !== latest.current) refresh();
  });
}
