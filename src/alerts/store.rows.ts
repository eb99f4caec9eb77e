/** Rows of the alert tables as ClickHouse returns them, and their mapping to alert values (store.ts). */
import type { SecretBox } from '../auth/secret-box';
import type { ReportStep } from '../domain/steps';
import type { AlertKind, AlertRuleValue, AlertState, AlertTransition } from './rules';
import type { AlertEventValue, AlertSeverity, RuleStateValue } from './values';

export interface RuleRow {
  workspace_id: string;
  rule_id: string;
  name: string;
  kind: AlertKind;
  destination_id: string;
  mapping_id: string;
  source_id: string;
  step: string;
  reason: string;
  threshold: number;
  critical_threshold: number | null;
  window_minutes: number;
  min_volume: number;
  enabled: number;
  webhook_url: string;
  webhook_secret: string;
  slack_webhook_url: string;
  pagerduty_routing_key: string;
  emails: string[];
  muted_ms: number | null;
  created_ms: number;
  updated_ms: number;
  version: number;
}

export const RULE_COLUMNS = `workspace_id, rule_id, name, kind, destination_id, mapping_id, source_id, step, reason, threshold, critical_threshold,
  window_minutes, min_volume, enabled, webhook_url, webhook_secret, slack_webhook_url, pagerduty_routing_key, emails,
  toUnixTimestamp64Milli(muted_until) AS muted_ms,
  toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(updated_at) AS updated_ms, version`;

export interface EventRow {
  workspace_id: string;
  event_id: string;
  rule_id: string;
  rule_name: string;
  kind: AlertKind;
  state: AlertTransition;
  severity: string;
  previous_severity: string;
  at_ms: number;
  previous_since_ms: number;
  destination_id: string;
  mapping_id: string;
  source_id: string;
  step: string;
  reason: string;
  value: number | null;
  threshold: number;
  volume: number;
  baseline: number | null;
  /** Map(LowCardinality(String), Float64): a JSON object, empty on rows older than migration 0034. */
  counts: Record<string, number | string>;
  window_minutes: number;
  message: string;
  muted_ms: number | null;
  silenced: number;
  recorded_ms: number;
}

// Aliases never reuse a column name: WHERE and ORDER BY must see the columns, not the numbers.
export const EVENT_COLUMNS = `workspace_id, event_id, rule_id, rule_name, kind, state, severity, previous_severity, toUnixTimestamp64Milli(at) AS at_ms,
  toUnixTimestamp64Milli(previous_since) AS previous_since_ms, destination_id, mapping_id, source_id, step, reason,
  value, threshold, volume, baseline, counts, window_minutes, message, toUnixTimestamp64Milli(muted_until) AS muted_ms, silenced,
  toUnixTimestamp64Milli(recorded_at) AS recorded_ms`;

export const orNull = (s: string): string | null => (s === '' ? null : s);
const msOrNull = (v: number | null): number | null => (v === null ? null : Number(v));
/** A stored severity; rows written before severities existed ('') are warnings. */
export const severityOf = (s: string): AlertSeverity => (s === 'critical' ? 'critical' : 'warning');
export const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export function toRule(r: RuleRow, secrets: SecretBox): AlertRuleValue {
  return {
    id: r.rule_id,
    workspaceId: r.workspace_id,
    name: r.name,
    kind: r.kind,
    destinationId: orNull(r.destination_id),
    mappingId: orNull(r.mapping_id),
    sourceId: orNull(r.source_id),
    step: orNull(r.step) as ReportStep | null,
    reason: orNull(r.reason),
    threshold: Number(r.threshold),
    criticalThreshold: r.critical_threshold === null ? null : Number(r.critical_threshold),
    windowMinutes: Number(r.window_minutes),
    minVolume: Number(r.min_volume),
    enabled: Boolean(Number(r.enabled)),
    webhookUrl: orNull(secrets.open(r.webhook_url)),
    webhookSecret: orNull(secrets.open(r.webhook_secret)),
    emails: r.emails,
    slackWebhookUrl: orNull(secrets.open(r.slack_webhook_url)),
    pagerdutyRoutingKey: orNull(secrets.open(r.pagerduty_routing_key)),
    mutedUntil: msOrNull(r.muted_ms),
    createdAt: Number(r.created_ms),
    updatedAt: Number(r.updated_ms),
    version: Number(r.version),
  };
}

export function toEvent(r: EventRow): AlertEventValue {
  return {
    id: r.event_id,
    workspaceId: r.workspace_id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    kind: r.kind,
    state: r.state,
    severity: severityOf(r.severity),
    previousSeverity: r.previous_severity === '' ? null : severityOf(r.previous_severity),
    at: Number(r.at_ms),
    previousStateSince: Number(r.previous_since_ms),
    destinationId: orNull(r.destination_id),
    mappingId: orNull(r.mapping_id),
    sourceId: orNull(r.source_id),
    step: orNull(r.step) as ReportStep | null,
    reason: orNull(r.reason),
    value: r.value === null ? null : Number(r.value),
    threshold: Number(r.threshold),
    volume: Number(r.volume),
    baseline: r.baseline === null ? null : Number(r.baseline),
    counts: Object.fromEntries(Object.entries(r.counts ?? {}).map(([name, count]) => [name, Number(count)])),
    windowMinutes: Number(r.window_minutes),
    message: r.message,
    mutedUntil: msOrNull(r.muted_ms),
    silenced: Boolean(Number(r.silenced)),
    recordedAt: Number(r.recorded_ms),
  };
}

export interface StateRow {
  rule_id: string;
  state: AlertState;
  severity: string;
  since_ms: number;
  value: number | null;
  silenced: number;
  version: number;
}

export const STATE_COLUMNS = 'rule_id, state, severity, toUnixTimestamp64Milli(since) AS since_ms, value, silenced, version';

export function toState(r: StateRow): RuleStateValue {
  return {
    state: r.state,
    severity: r.state === 'firing' ? severityOf(r.severity) : null,
    silenced: Boolean(Number(r.silenced)),
    since: Number(r.since_ms),
    value: r.value === null ? null : Number(r.value),
    version: Number(r.version),
  };
}
