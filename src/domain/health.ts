/**
 * A destination's health over a range, by one rule a person can check by hand (docs/api.md,
 * "Health"). Purposeful filtering is never ill health; failing more than before, failing a
 * lot, delivering nothing while events arrive, a growing retry queue and a firing alert are.
 * Pure: the caller reads the counts.
 */
import type { Period } from './change';
import { PIPELINE_LAYOUT, PipelineStepKind, type DestinationKind } from './steps';

export type HealthStatus = 'healthy' | 'attention' | 'idle';
export type HealthReasonKind = 'FAILURE_RATE_ROSE' | 'FAILURE_RATE_HIGH' | 'GOING_QUIET' | 'RETRY_BACKLOG' | 'ALERT_FIRING' | 'NO_EVENTS';

export interface HealthReason {
  kind: HealthReasonKind;
  /** One short sentence: "failure rate 6 % vs 2 % before". */
  message: string;
}

export interface HealthFacts {
  /** The kind's first box: what arrived (Successfully received, Records extracted, Membership changes computed). */
  arrived: Period;
  /** What filters took on purpose (at source, at destination, at mapping): never counted against health. */
  filtered: Period;
  /** What failed before it could be delivered (failed on ingest, failed to extract). */
  failedUpstream: Period;
  /** Delivered events (or rows loaded, for storage). */
  delivered: Period;
  /** Outcomes the failure rate is read from: failed out of failed + succeeded (events, or syncs for storage). */
  failed: Period;
  succeeded: Period;
  /** What the failure rate counts: 'events' (or records, changes) or 'syncs'. */
  failureUnit: 'events' | 'syncs';
  /** The live retry gauge, null where there is none (storage). */
  retryPending: number | null;
  /** Names of this destination's alert rules that are firing now. */
  firingAlerts: string[];
}

export interface Health {
  status: HealthStatus;
  /** Why it needs attention (empty when healthy or idle, except NO_EVENTS for idle). */
  reasons: HealthReason[];
  /** One sentence that explains the status, whatever it is. */
  summary: string;
  /** failed / (failed + succeeded) × 100 in the range and the period before; null without outcomes. */
  failureRate: number | null;
  previousFailureRate: number | null;
}

/** The thresholds of the rule, named so the docs and the tests quote the same numbers. */
export const HEALTH_RULE = {
  /** The failure rate must at least double against the previous period … */
  riseFactor: 2,
  /** … and grow by at least this many points … */
  riseMinPoints: 1,
  /** … over at least this many failed events (or failed syncs). */
  minFailedEvents: 10,
  minFailedSyncs: 2,
  /** A failure rate at or above this percent needs attention even when it did not move. */
  ceilingPercent: 20,
  /** Going quiet: at least this many events were expected (arrived − filtered − failed upstream) … */
  quietMinExpected: 100,
  /** … and less than this percent of them was delivered. */
  quietDeliveredPercent: 1,
  /** Retry backlog: at least this many events wait for a retry … */
  backlogMin: 100,
  /** … and they are more than this percent of the events expected in the range. */
  backlogPercent: 5,
} as const;

export function failureRateOf(failed: number, succeeded: number): number | null {
  const outcomes = failed + succeeded;
  return outcomes > 0 ? (failed / outcomes) * 100 : null;
}

/** 6.04 → "6 %", 0.43 → "0.4 %", 12.6 → "13 %": one decimal under 10 %, as the page shows shares. */
export function percentText(value: number): string {
  if (value === 0) return '0 %';
  if (value < 0.1) return '< 0.1 %';
  return value < 10 ? `${(Math.round(value * 10) / 10).toString()} %` : `${Math.round(value)} %`;
}

function expectedOf(facts: HealthFacts, period: keyof Period): number {
  return Math.max(0, facts.arrived[period] - facts.filtered[period] - facts.failedUpstream[period]);
}

function failureReasons(facts: HealthFacts, rate: number | null, previous: number | null): HealthReason[] {
  if (rate === null) return [];
  const enough = facts.failed.now >= (facts.failureUnit === 'syncs' ? HEALTH_RULE.minFailedSyncs : HEALTH_RULE.minFailedEvents);
  if (!enough) return [];
  const unit = facts.failureUnit === 'syncs' ? 'sync failure rate' : 'failure rate';
  // Without outcomes in the previous period there is nothing to compare with: only the ceiling applies.
  const rose = previous !== null && rate >= previous * HEALTH_RULE.riseFactor && rate - previous >= HEALTH_RULE.riseMinPoints;
  if (rose) return [{ kind: 'FAILURE_RATE_ROSE', message: `${unit} ${percentText(rate)} vs ${percentText(previous)} before` }];
  if (rate >= HEALTH_RULE.ceilingPercent) {
    return [{ kind: 'FAILURE_RATE_HIGH', message: `${unit} ${percentText(rate)}, at or above ${HEALTH_RULE.ceilingPercent} %` }];
  }
  return [];
}

function flowReasons(facts: HealthFacts): HealthReason[] {
  const reasons: HealthReason[] = [];
  const expected = expectedOf(facts, 'now');
  if (expected >= HEALTH_RULE.quietMinExpected && facts.delivered.now < (expected * HEALTH_RULE.quietDeliveredPercent) / 100) {
    reasons.push({
      kind: 'GOING_QUIET',
      message: `delivered ${facts.delivered.now.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} events that arrived and were not filtered`,
    });
  }
  const pending = facts.retryPending ?? 0;
  if (pending >= HEALTH_RULE.backlogMin && pending > (expected * HEALTH_RULE.backlogPercent) / 100) {
    reasons.push({
      kind: 'RETRY_BACKLOG',
      message: `${pending.toLocaleString('en-US')} events wait for a retry, more than ${HEALTH_RULE.backlogPercent} % of the range's ${expected.toLocaleString('en-US')}`,
    });
  }
  for (const name of facts.firingAlerts) reasons.push({ kind: 'ALERT_FIRING', message: `alert “${name}” is firing` });
  return reasons;
}

/**
 * healthy | attention | idle. Idle: nothing arrived, nothing was delivered or failed, nothing
 * waits for a retry and no alert fires. Attention: any of the reasons of failureReasons and
 * flowReasons. Healthy otherwise, however much was filtered on purpose.
 */
export function destinationHealth(facts: HealthFacts): Health {
  const rate = failureRateOf(facts.failed.now, facts.succeeded.now);
  const previous = failureRateOf(facts.failed.before, facts.succeeded.before);
  const reasons = [...failureReasons(facts, rate, previous), ...flowReasons(facts)];
  const rates = { failureRate: rate, previousFailureRate: previous };
  if (reasons.length > 0) return { status: 'attention', reasons, summary: reasons.map((r) => r.message).join('; '), ...rates };
  const quietRange =
    facts.arrived.now === 0 && facts.delivered.now === 0 && facts.failed.now === 0 && facts.succeeded.now === 0 && (facts.retryPending ?? 0) === 0;
  if (quietRange) {
    const reason: HealthReason = { kind: 'NO_EVENTS', message: 'no events arrived in the range' };
    return { status: 'idle', reasons: [reason], summary: reason.message, ...rates };
  }
  return { status: 'healthy', reasons: [], summary: healthySummary(facts, rate, previous), ...rates };
}

function healthySummary(facts: HealthFacts, rate: number | null, previous: number | null): string {
  const unit = facts.failureUnit === 'syncs' ? 'sync failure rate' : 'failure rate';
  if (rate === null) return 'no delivery outcomes in the range yet; nothing failed';
  return `${unit} ${percentText(rate)}${previous === null ? '' : ` vs ${percentText(previous)} before`}; delivering`;
}

/** A pipeline box as the health rule reads it. */
export interface HealthStep {
  kind: PipelineStepKind;
  count: number;
  previousCount: number | null;
}

const FILTER_STEPS: readonly PipelineStepKind[] = [
  PipelineStepKind.FILTERED_AT_SOURCE,
  PipelineStepKind.FILTERED_AT_DESTINATION,
  PipelineStepKind.FILTERED_AT_MAPPING,
];
const UPSTREAM_FAILURES: readonly PipelineStepKind[] = [PipelineStepKind.FAILED_ON_INGEST, PipelineStepKind.FAILED_TO_EXTRACT];

/**
 * The facts of the rule from a destination's pipeline boxes: its first box arrived; storage
 * destinations fail and succeed by syncs and deliver rows, the others by events.
 */
export function healthFactsOf(kind: DestinationKind, steps: readonly HealthStep[], retryPending: number | null, firingAlerts: string[]): HealthFacts {
  const period = (kinds: readonly PipelineStepKind[]): Period =>
    steps
      .filter((s) => kinds.includes(s.kind))
      .reduce((sum, s) => ({ now: sum.now + s.count, before: sum.before + (s.previousCount ?? 0) }), { now: 0, before: 0 });
  const storage = kind === 'storage';
  return {
    arrived: period([PIPELINE_LAYOUT[kind][0]]),
    filtered: period(FILTER_STEPS),
    failedUpstream: period(UPSTREAM_FAILURES),
    delivered: period([storage ? PipelineStepKind.EVENTS_TO_WAREHOUSE_ROWS : PipelineStepKind.SUCCESSFUL_DELIVERY]),
    failed: period([storage ? PipelineStepKind.FAILED_TO_SYNC : PipelineStepKind.FAILED_DELIVERY]),
    succeeded: period([storage ? PipelineStepKind.SUCCESSFULLY_SYNCED : PipelineStepKind.SUCCESSFUL_DELIVERY]),
    failureUnit: storage ? 'syncs' : 'events',
    retryPending,
    firingAlerts,
  };
}
