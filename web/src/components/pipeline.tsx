import { Fragment } from 'react';
import type { PipelineStepKind, StepFieldsFragment } from '../gql/graphql';
import { formatCount, formatShare, plural } from '../format';
import { ChangeText } from './change-text';
import { RetryPendingLabel, type RetryLabelProps } from './retry-label';
import { ENTRY_STEPS, MAPPING_NARROWED_STEPS, STEP_LABELS } from '../steps.generated';

type Step = StepFieldsFragment;

export interface PipelineProps {
  steps: Step[] | null;
  /** Kinds in order, for skeletons before the steps arrive. */
  layout: PipelineStepKind[];
  view: 'percent' | 'counts';
  selected: PipelineStepKind | null;
  onSelect: (kind: PipelineStepKind) => void;
  mappingName: string | null;
  /** The retry label: the snapshot's gauge, or (fixed ranges) one followed live by the label itself. */
  retry: RetryLabelProps | null;
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
  const hasRetry = props.layout.includes('RETRY_PENDING') && props.retry !== null;
  const mappingPoints = props.steps && props.mappingName ? mappingSharePoints(props.steps) : null;
  return (
    <section className="pipeline-wrap" aria-label="Pipeline">
      <ol className="pipeline">
        {kinds.map((kind, i) => (
          <Fragment key={kind}>
            {i > 0 && <Arrow />}
            {kind === 'FAILED_DELIVERY' && hasRetry && (
              <>
                <li className="pipeline-retry">
                  <RetryPendingLabel {...props.retry!} loading={!props.steps} />
                </li>
                <Arrow />
              </>
            )}
            <li className="pipeline-item">
              <StepBox
                kind={kind}
                step={byKind.get(kind) ?? null}
                loading={!props.steps}
                {...props}
                largest={marked === kind}
                mappingPoints={mappingPoints?.get(kind) ?? null}
              />
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
      <span className="pipeline-arrow">→</span>
    </li>
  );
}

/**
 * Points of the mapping share against the previous period, per destination-side step: the
 * previous share is the step's previous count out of the previous events that reached the mapping.
 */
function mappingSharePoints(steps: Step[]): Map<PipelineStepKind, number> {
  const outcomes = steps.filter((s) => s.mappingShare !== null);
  const before = outcomes.reduce((sum, s) => sum + (s.previousCount ?? 0), 0);
  const points = new Map<PipelineStepKind, number>();
  if (before === 0) return points;
  for (const s of outcomes) points.set(s.kind, s.mappingShare! - ((s.previousCount ?? 0) / before) * 100);
  return points;
}

interface StepBoxProps extends PipelineProps {
  kind: PipelineStepKind;
  step: Step | null;
  loading: boolean;
  largest: boolean;
  /** With a mapping: points of its mapping share against the previous period. */
  mappingPoints: number | null;
}

/** The percentage a box shows in percent mode: of the events that reached the mapping when one is selected, else of the first box. */
function shownShare(step: Step, mappingName: string | null): { share: number; of: string } | null {
  if (mappingName && step.mappingShare !== null) return { share: step.mappingShare, of: `of the events that reached ${mappingName}` };
  if (step.share === null || ENTRY_STEPS.has(step.kind)) return null;
  return { share: step.share, of: '' };
}

function stepValue(step: Step, view: 'percent' | 'counts', mappingName: string | null): { main: string; unit: string } {
  if (SYNC_COUNTED.has(step.kind)) return { main: formatCount(step.count), unit: plural(step.count, 'sync') };
  const unit = unitOf(step.kind, step.count);
  const shown = shownShare(step, mappingName);
  if (view === 'counts' || shown === null) return { main: formatCount(step.count), unit };
  return { main: formatShare(shown.share), unit: `${formatCount(step.count)} ${unit}` };
}

/** What a box counts: events, a Reverse ETL run's records, or an audience's membership changes. */
const RECORD_STEPS = new Set<PipelineStepKind>(['RECORDS_EXTRACTED', 'FAILED_TO_EXTRACT', 'FILTERED_AT_MAPPING']);
function unitOf(kind: PipelineStepKind, count: number): string {
  if (RECORD_STEPS.has(kind)) return plural(count, 'record');
  return kind === 'MEMBERSHIP_CHANGES_COMPUTED' ? plural(count, 'change') : plural(count, 'event');
}

function accessibleLabel(step: Step, mappingName: string | null, largest: boolean): string {
  const parts = [`${step.label}: ${formatCount(step.count)} ${SYNC_COUNTED.has(step.kind) ? plural(step.count, 'sync') : unitOf(step.kind, step.count)}`];
  if (mappingName && step.mappingShare !== null) parts.push(`${formatShare(step.mappingShare)} of the events that reached ${mappingName}`);
  else if (step.share !== null && !ENTRY_STEPS.has(step.kind)) parts.push(`${formatShare(step.share)} of the first step`);
  if (step.previousCount !== null && step.previousCount !== undefined) parts.push(`${formatCount(step.previousCount)} in the previous period`);
  if (step.isDiscard) parts.push('discard step');
  if (mappingName && MAPPING_NARROWED_STEPS.has(step.kind)) parts.push(`mapping ${mappingName} only`);
  if (largest) parts.push('largest change');
  return parts.join(', ');
}

function StepChange({
  step,
  view,
  discard,
  mappingName,
  mappingPoints,
}: {
  step: Step;
  view: 'percent' | 'counts';
  discard: boolean;
  mappingName: string | null;
  mappingPoints: number | null;
}) {
  if (view === 'counts' || step.share === null) return <ChangeText count={step.change.count} goodWhenUp={!discard} />;
  if (ENTRY_STEPS.has(step.kind)) return <ChangeText relative={step.change.relativePercent} goodWhenUp />;
  if (mappingName && step.mappingShare !== null) return <ChangeText points={mappingPoints} goodWhenUp={!discard} />;
  return <ChangeText points={step.change.percentagePoints} goodWhenUp={!discard} />;
}

function StepBox({ kind, step, loading, view, selected, onSelect, mappingName, largest, mappingPoints, readOnly: allReadOnly }: StepBoxProps) {
  const readOnly = allReadOnly || kind === 'EVENTS_TO_WAREHOUSE_ROWS';
  const discard =
    step?.isDiscard ??
    [
      'FAILED_ON_INGEST',
      'FILTERED_AT_SOURCE',
      'FAILED_TO_EXTRACT',
      'FILTERED_AT_DESTINATION',
      'FILTERED_AT_MAPPING',
      'FAILED_DELIVERY',
      'FAILED_TO_SYNC',
    ].includes(kind);
  const className = [
    'step',
    discard ? 'step-discard' : 'step-pass',
    readOnly ? 'step-readonly' : '',
    selected === kind ? 'step-selected' : '',
    largest ? 'step-largest' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const label = step?.label ?? STEP_LABELS[kind];
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
          <span className="step-value">{stepValue(step, view, mappingName).main}</span>
          <span className="step-unit">{stepValue(step, view, mappingName).unit}</span>
          <span className="step-change">
            <StepChange step={step} view={view} discard={discard} mappingName={mappingName} mappingPoints={mappingPoints} />
          </span>
          {mappingName && MAPPING_NARROWED_STEPS.has(kind) && (
            <span className="step-note">
              {view === 'percent' && step.mappingShare !== null ? `of the events that reached ${mappingName}` : `mapping: ${mappingName}`}
            </span>
          )}
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
  const shown = step && view === 'percent' ? shownShare(step, mappingName) : null;
  const common = { className, 'data-step': kind, 'data-count': step?.count, 'data-share': shown?.share };
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
