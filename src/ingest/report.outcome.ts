/**
 * The fields only delivered and failed_delivery reports may carry: which attempt this was and how
 * long it took. Both optional; a report without `attempt` counts as "attempt unknown" (never as a
 * first attempt), one without `latencyMs` is left out of the latency quantiles. Storage
 * destinations take neither: their `delivered` counts events converted to warehouse rows, which
 * no delivery attempt carried (issue 23: a storage destination answered latency no one measured).
 */
import { MAX_ATTEMPT, MAX_LATENCY_MS } from '../domain/latency-buckets';
import type { DestinationKind, ReportStep } from '../domain/steps';

type Fail = (field: string, reason: string) => void;

/** A validated report's attempt (1-100) and latency (ms), when it carried them. */
export interface OutcomeFields {
  attempt?: number;
  latencyMs?: number;
}

export const OUTCOME_FIELDS = ['attempt', 'latencyMs'] as const;
/** The steps that carry an attempt and a latency: the two outcomes of a delivery attempt. */
export const OUTCOME_STEPS: readonly ReportStep[] = ['delivered', 'failed_delivery'];

const present = (v: unknown) => v !== undefined && v !== null;
const isIntIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Why `field` is refused at `step` for `kind`, or null when it may be there. */
function refusal(field: string, step: ReportStep | undefined, kind: DestinationKind | ''): string | null {
  if (step === undefined || !OUTCOME_STEPS.includes(step)) return `is only allowed on ${OUTCOME_STEPS.join(' and ')} reports${step ? `, not on ${step}` : ''}`;
  if (kind === 'storage') return `storage destinations report events converted to warehouse rows, not delivery attempts: leave ${field} out`;
  return null;
}

/** Checks `attempt` and `latencyMs` of a report at `step` for a destination of `kind` (undefined and '' when invalid or absent). */
export function outcomeFieldsOf(r: Record<string, unknown>, step: ReportStep | undefined, kind: DestinationKind | '', fail: Fail): OutcomeFields {
  const out: OutcomeFields = {};
  if (present(r.attempt)) {
    const refused = refusal('attempt', step, kind);
    if (refused) fail('attempt', refused);
    else if (!isIntIn(r.attempt, 1, MAX_ATTEMPT)) fail('attempt', `must be an integer from 1 (the first attempt) to ${MAX_ATTEMPT}`);
    else out.attempt = r.attempt;
  }
  if (present(r.latencyMs)) {
    const refused = refusal('latencyMs', step, kind);
    if (refused) fail('latencyMs', refused);
    else if (!isIntIn(r.latencyMs, 0, MAX_LATENCY_MS)) fail('latencyMs', `must be an integer number of milliseconds from 0 to ${MAX_LATENCY_MS} (24 hours)`);
    else out.latencyMs = r.latencyMs;
  }
  return out;
}
