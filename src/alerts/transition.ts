import type { Measurement } from './measure.types';
import type { AlertRuleValue, AlertTransition } from './rules';
import type { AlertEventValue, AlertSeverity, RuleStateValue } from './values';

/** What a rule's next transition is: it fires, changes severity while firing, or resolves. */
export interface TransitionPlan {
  next: AlertTransition;
  /** The severity it fires or changes to; for a recovery, the one it recovers from. */
  severity: AlertSeverity;
  /** Set for a change of severity: the one it leaves. */
  previousSeverity: AlertSeverity | null;
}

/** The transition from `current` that a measurement of `severity` (null: no breach) calls for; null when none. */
export function planTransition(current: RuleStateValue, severity: AlertSeverity | null): TransitionPlan | null {
  const currentSeverity = current.severity ?? 'warning';
  if (severity !== null && current.state === 'ok') return { next: 'firing', severity, previousSeverity: null };
  if (severity === null && current.state === 'firing') return { next: 'resolved', severity: currentSeverity, previousSeverity: null };
  if (severity !== null && current.state === 'firing' && severity !== currentSeverity) return { next: 'firing', severity, previousSeverity: currentSeverity };
  return null;
}

/**
 * The transition's idempotency key, `<rule>:<since of the state it leaves>:<what happens>`:
 * `firing` and `resolved` as before severities existed, `critical` or `warning` for a change
 * of severity. Every replica computes the same key from the shared state.
 */
export function transitionKey(ruleId: string, current: RuleStateValue, plan: TransitionPlan): string {
  return `${ruleId}:${current.since}:${plan.previousSeverity !== null ? plan.severity : plan.next}`;
}

/**
 * Whether the event's notifications are withheld, and what the new state remembers: a firing
 * while the rule is muted is never announced, so neither are its changes of severity nor its
 * recovery; a firing announced before the mute still gets its recovery announced (on-call
 * must not be left with an open page), saying the rule is muted.
 */
export function silencing(
  rule: AlertRuleValue,
  current: RuleStateValue,
  plan: TransitionPlan,
  now: number,
): { event: boolean; state: boolean; mutedUntil: number | null } {
  const mutedUntil = rule.mutedUntil !== null && rule.mutedUntil > now ? rule.mutedUntil : null;
  const muted = mutedUntil !== null;
  if (plan.next === 'resolved') return { event: current.silenced, state: false, mutedUntil };
  if (plan.previousSeverity === null) return { event: muted, state: muted, mutedUntil };
  return { event: muted || current.silenced, state: current.silenced, mutedUntil };
}

/** The event of a planned transition. */
export function transitionEvent(
  rule: AlertRuleValue,
  current: RuleStateValue,
  plan: TransitionPlan,
  m: Measurement,
  now: number,
  key: string,
): AlertEventValue {
  const silenced = silencing(rule, current, plan, now);
  const detail = m.detail.charAt(0).toUpperCase() + m.detail.slice(1);
  const message =
    plan.next === 'resolved'
      ? `Recovered: ${m.detail}`
      : plan.previousSeverity === null
        ? detail
        : plan.severity === 'critical'
          ? `Now critical: ${m.detail}`
          : `Back to warning: ${m.detail}`;
  return {
    id: key,
    workspaceId: rule.workspaceId,
    ruleId: rule.id,
    ruleName: rule.name,
    kind: rule.kind,
    state: plan.next,
    severity: plan.severity,
    previousSeverity: plan.previousSeverity,
    at: Math.max(now, current.since + 1),
    previousStateSince: current.since,
    destinationId: rule.destinationId,
    mappingId: rule.mappingId,
    sourceId: rule.sourceId,
    step: rule.step,
    reason: rule.reason,
    value: m.value,
    threshold: plan.severity === 'critical' && rule.criticalThreshold !== null ? rule.criticalThreshold : rule.threshold,
    volume: m.volume,
    baseline: m.baseline,
    counts: m.counts ?? {},
    windowMinutes: rule.windowMinutes,
    message,
    mutedUntil: silenced.mutedUntil,
    silenced: silenced.event,
    recordedAt: 0,
  };
}
