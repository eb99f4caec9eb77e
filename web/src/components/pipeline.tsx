import { Fragment } from 'react';
import type { PipelineStepKind, StepFieldsFragment } from '../gql/graphql';
import { formatCount, formatShare } from '../format';
import { ChangeText } from './change-text';
import { RetryPendingLabel } from './retry-label';
import { DESTINATION_SIDE_STEPS, ENTRY_STEPS, STEP_LABELS } from '../state';

type Step = StepFieldsFragment;

export interface PipelineProps {
  steps: Step[] | null;
  /** Kinds in order, for skeletons before the steps arrive. */
  layout: PipelineStepKind[];
  view: 'percent' | 'counts';
  selected: PipelineStepKind | null;
  onSelect: (kind: PipelineStepKind) => void;
  destinationId: string;
  mappingId: string | null;
  mappingName: string | null;
  retryPending: number | null | undefined;
  /** Boxes that open nothing (a source's own steps): shown as groups, not buttons. */
  readOnly?: boolean;
}

/** Counts of syncs, not events: no share, and the unit says so. */
const SYNC_COUNTED = new Set<PipelineStepKind>(['FAILED_TO_SYNC', 'SUCCESSFULLY_SYNCED']);

/** The step whose share moved most against the previous period (the page's headline). */
export function largestChange(steps: Step[]): PipelineStepKind | null {
  let best: Step | null = null;
  for (const step of steps) {
    const moved = Math.abs(step.change.percentagePoints ?? 0);
    if (!ENTRY_STEPS.has(step.kind) && moved >= 0.05 && moved > Math.abs(best?.change.percentagePoints ?? 0)) best = step;
  }
  return best?.kind ?? null;
}

export function Pipeline(props: PipelineProps) {
  const kinds = props.layout.filter((k) => k !== 'RETRY_PENDING');
  const byKind = new Map(props.steps?.map((s) => [s.kind, s]));
  const marked = props.steps ? largestChange(props.steps) : null;
  const hasRetry = props.layout.includes('RETRY_PENDING');
  return (
    <section className="pipeline-wrap" aria-label="Pipeline">
      <ol className="pipeline">
        {kinds.map((kind, i) => (
          <Fragment key={kind}>
            {i > 0 && <Arrow />}
            {kind === 'FAILED_DELIVERY' && hasRetry && (
              <>
                <li className="pipeline-retry">
                  <RetryPendingLabel destinationId={props.destinationId} mappingId={props.mappingId} initial={props.retryPending} loading={!props.steps} />
                </li>
                <Arrow />
              </>
            )}
            <li className="pipeline-item">
              <StepBox kind={kind} step={byKind.get(kind) ?? null} loading={!props.steps} {...props} largest={marked === kind} />
            </li>
          </Fragment>
        ))}
      </ol>
    </section>
  );
}

function Arrow() {
  return (
    <li className="pipeline-link" aria-hidden="true">
      →
    </li>
  );
}


interface StepBoxProps extends PipelineProps {
  kind: PipelineStepKind;
  step: Step | null;
  loading: boolean;
  largest: boolean;
}

function stepValue(step: Step, view: 'percent' | 'counts'): { main: string; unit: string } {
  if (SYNC_COUNTED.has(step.kind)) return { main: formatCount(step.count), unit: step.count === 1 ? 'sync' : 'syncs' };
  const unit = unitOf(step.kind);
  if (view === 'counts' || ENTRY_STEPS.has(step.kind) || step.share === null) return { main: formatCount(step.count), unit };
  return { main: formatShare(step.share), unit: `${formatCount(step.count)} ${unit}` };
}

/** What a box counts: events, a Reverse ETL run's records, or an audience's membership changes. */
const RECORD_STEPS = new Set<PipelineStepKind>(['RECORDS_EXTRACTED', 'FAILED_TO_EXTRACT', 'FILTERED_AT_MAPPING']);
function unitOf(kind: PipelineStepKind): string {
  if (RECORD_STEPS.has(kind)) return 'records';
  return kind === 'MEMBERSHIP_CHANGES_COMPUTED' ? 'changes' : 'events';
}

function accessibleLabel(step: Step, mappingName: string | null, largest: boolean): string {
  const parts = [`${step.label}: ${formatCount(step.count)} ${SYNC_COUNTED.has(step.kind) ? 'syncs' : unitOf(step.kind)}`];
  if (step.share !== null && !ENTRY_STEPS.has(step.kind)) parts.push(`${formatShare(step.share)} of the first step`);
  if (step.previousCount !== null && step.previousCount !== undefined) parts.push(`${formatCount(step.previousCount)} in the previous period`);
  if (step.isDiscard) parts.push('discard step');
  if (mappingName && DESTINATION_SIDE_STEPS.has(step.kind)) parts.push(`mapping ${mappingName} only`);
  if (largest) parts.push('largest change');
  return parts.join(', ');
}

function StepBox({ kind, step, loading, view, selected, onSelect, mappingName, largest, readOnly: allReadOnly }: StepBoxProps) {
  const readOnly = allReadOnly || kind === 'EVENTS_TO_WAREHOUSE_ROWS';
  const discard = step?.isDiscard ?? ['FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FAILED_TO_EXTRACT', 'FILTERED_AT_DESTINATION', 'FILTERED_AT_MAPPING', 'FAILED_DELIVERY', 'FAILED_TO_SYNC'].includes(kind);
  const className = ['step', discard ? 'step-discard' : 'step-pass', readOnly ? 'step-readonly' : '', selected === kind ? 'step-selected' : '', largest ? 'step-largest' : ''].filter(Boolean).join(' ');
  const label = step?.label ?? STEP_LABELS[kind] ?? kind;
  const body = (
    <>
      <span className="step-label">
        {discard && (
          <span className="step-tag" aria-hidden="true">
            ⊘ discard
          </span>
        )}
        {kind === 'EVENTS_TO_WAREHOUSE_ROWS' && (
          <span className="step-tag step-tag-muted" aria-hidden="true">
            read-only
          </span>
        )}
        <span className="step-name">{label}</span>
      </span>
      {loading || !step ? (
        <span className="skeleton skeleton-number" aria-hidden="true" />
      ) : (
        <>
          <span className="step-value">{stepValue(step, view).main}</span>
          <span className="step-unit">{stepValue(step, view).unit}</span>
          <span className="step-change">
            {ENTRY_STEPS.has(step.kind) || step.share === null || view === 'counts' ? (
              view === 'counts' || step.share === null ? <ChangeText count={step.change.count} goodWhenUp={!discard} /> : <ChangeText relative={step.change.relativePercent} goodWhenUp />
            ) : (
              <ChangeText points={step.change.percentagePoints} goodWhenUp={!discard} />
            )}
          </span>
          {mappingName && DESTINATION_SIDE_STEPS.has(kind) && <span className="step-note">mapping: {mappingName}</span>}
          {largest && (
            <span className="step-largest-tag" aria-hidden="true">
              ★ largest change
            </span>
          )}
        </>
      )}
    </>
  );
  // The visible text stays the accessible name (what a voice user says); a hidden sentence
  // adds the full integer and what colour and icons show.
  const common = { className, 'data-step': kind, 'data-count': step?.count };
  const details = <span className="visually-hidden">{step ? ` (${accessibleLabel(step, mappingName, largest)})` : ' loading'}</span>;
  if (readOnly) {
    return (
      <div {...common} role="group" aria-label={label}>
        {body}
        {details}
      </div>
    );
  }
  return (
    <button type="button" {...common} aria-pressed={selected === kind} disabled={loading} onClick={() => onSelect(kind)}>
      {body}
      {details}
    </button>
  );
}
