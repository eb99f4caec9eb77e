import { discardKindOf, type PipelineStepKind, type ReportStep } from '../domain/steps';
import type { AlertKind, AlertState, AlertTransition } from './rules';

/** How bad a firing rule is: past its threshold (warning), or past its critical threshold too. */
export type AlertSeverity = 'warning' | 'critical';

/**
 * The alert values at the domain edge: the store maps rows to them once, and every
 * outside shape (the GraphQL objects, the webhook and email payload) is derived from
 * them by spreading, changing only what a channel writes differently (dates, case).
 */

export interface RuleStateValue {
  state: AlertState;
  /** The severity of a firing rule (null when ok). */
  severity: AlertSeverity | null;
  /** The firing was never announced (the rule was muted then): its recovery is not announced either. */
  silenced: boolean;
  /** ms since the epoch; for a rule never evaluated into a transition, its creation time. */
  since: number;
  value: number | null;
  version: number;
}

export interface AlertEventValue {
  /** The transition's idempotency key: `<ruleId>:<previous state since, ms>:<firing|resolved>`. */
  id: string;
  workspaceId: string;
  ruleId: string;
  ruleName: string;
  kind: AlertKind;
  state: AlertTransition;
  /** The severity it fired or changed to; for a recovery, the one it recovered from. */
  severity: AlertSeverity;
  /** Set when the event is a change of severity of a firing rule: the severity it left. */
  previousSeverity: AlertSeverity | null;
  at: number;
  /** Since when the rule had been in the state it left (ms). */
  previousStateSince: number;
  destinationId: string | null;
  mappingId: string | null;
  sourceId: string | null;
  step: ReportStep | null;
  reason: string | null;
  value: number | null;
  threshold: number;
  volume: number;
  baseline: number | null;
  /**
   * The counts the value was computed from, by name, in the order measured; empty for the
   * kinds whose value and volume say it all. DESTINATION_QUIET: `received` (or `extracted`,
   * `computed`), `filtered`, `expected`, `delivered` (or `rowsSynced`).
   */
  counts: Record<string, number>;
  windowMinutes: number;
  message: string;
  /** The rule's mute at the time (ms), when it was muted. */
  mutedUntil: number | null;
  /** Notifications were withheld: the rule was muted (or its firing was, for a recovery). */
  silenced: boolean;
  /** When the row was written (set by ClickHouse); 0 before it was. */
  recordedAt: number;
}

export const NOTIFICATION_CHANNELS = ['webhook', 'email', 'slack', 'pagerduty'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export type NotificationOutcome = 'delivered' | 'retrying' | 'failed';

export interface NotificationValue {
  eventId: string;
  channel: NotificationChannel;
  /** Where it went, without secrets: a URL's origin, or the email addresses. */
  target: string;
  outcome: NotificationOutcome;
  attempts: number;
  lastError: string | null;
  statusCode: number | null;
  updatedAt: number;
}

/** The pipeline box of an event's discard step (what every outside shape shows). */
export function eventStepKind(e: Pick<AlertEventValue, 'step'>): PipelineStepKind | null {
  return e.step ? discardKindOf(e.step) : null;
}
