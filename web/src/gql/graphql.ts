/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What an alert rule watches. See each value. */
export type AlertKind =
  /** Audience destinations: the share of membership changes to send that arrived below `threshold` %: delivered / (computed − filtered at destination) × 100 over the window. Changes still waiting for a retry count against it until they arrive. */
  | 'AUDIENCE_SYNC_HEALTH_BELOW'
  /** Successful delivery rate of a destination (or one Actions mapping) below `threshold` %: delivered / (delivered + failed delivery) × 100 over the window. */
  | 'DELIVERY_RATE_BELOW'
  /** A destination going quiet: events keep arriving but it delivers (nearly) nothing. Fires when delivered / expected × 100 over the window is below `threshold` % (default 1), where expected is what arrived minus what filters took on purpose: the connected sources' Successfully received (classic, Actions, storage), Records extracted (Reverse ETL) or Membership changes computed (audience). Delivered is Successful delivery, or for storage the rows its syncs loaded. `minVolume` guards the expected count; the event's `counts` explain the value. */
  | 'DESTINATION_QUIET'
  /** Events of a discard step (optionally one reason) above `threshold` % of the pipeline's first step over the window: Successfully received (summed over the destination's connected sources), Records extracted (Reverse ETL) or Membership changes computed (audience). */
  | 'DISCARD_RATE_ABOVE'
  /** Reverse ETL: the successful delivery rate of one mapping (mappingId required) below `threshold` %: its delivered records / (delivered + failed delivery) × 100 over the window. */
  | 'RETL_MAPPING_DELIVERY_RATE_BELOW'
  /** The retry-pending gauge of a destination (or one mapping) above `threshold` events. The window does not apply. */
  | 'RETRY_PENDING_ABOVE'
  /** A source's received volume in the window outside ± `threshold` % of its typical volume: the mean of the same window at the same time of day on each of the previous 7 days. */
  | 'SOURCE_VOLUME_ANOMALY'
  /** Storage destinations: syncs started in the window that failed or were partial, at or above `threshold`. */
  | 'SYNC_FAILURES';

/** A new alert rule. Which fields apply depends on kind; a field that does not apply is refused. */
export type AlertRuleInput = {
  /** Past this too the rule fires CRITICAL: compared like threshold and beyond it (below it for the rate kinds, above it for the others). */
  criticalThreshold?: number | null | undefined;
  /** Every kind but SOURCE_VOLUME_ANOMALY: a destination of this workspace. */
  destinationId?: string | number | null | undefined;
  /** Up to 20 addresses that get one email per firing and recovery. */
  emails?: Array<string>;
  enabled?: boolean;
  kind: AlertKind;
  /** DELIVERY_RATE_BELOW, DISCARD_RATE_ABOVE, RETRY_PENDING_ABOVE on Actions destinations. */
  mappingId?: string | number | null | undefined;
  minVolume?: number;
  name: string;
  /** A PagerDuty Events API v2 routing key (32 characters): trigger and resolve, one incident per rule and scope. Stored sealed; never shown again. */
  pagerdutyRoutingKey?: string | null | undefined;
  /** DISCARD_RATE_ABOVE: only this reason code. */
  reason?: string | null | undefined;
  /** A Slack incoming webhook URL: a Block Kit message per firing, change of severity and recovery. Stored sealed; never shown again. */
  slackWebhookUrl?: string | null | undefined;
  /** SOURCE_VOLUME_ANOMALY: a source of this workspace. */
  sourceId?: string | number | null | undefined;
  /** DISCARD_RATE_ABOVE: FAILED_ON_INGEST, FILTERED_AT_SOURCE, FILTERED_AT_DESTINATION or FAILED_DELIVERY. */
  step?: PipelineStepKind | null | undefined;
  /** DELIVERY_RATE_BELOW: (0, 100] %; DISCARD_RATE_ABOVE: [0, 100] %; SOURCE_VOLUME_ANOMALY: 1-1000 %; SYNC_FAILURES: a count ≥ 1; RETRY_PENDING_ABOVE: a count ≥ 0; DESTINATION_QUIET: (0, 100] % of the expected events, default 1. Required for every kind without a default. */
  threshold?: number | null | undefined;
  /** Signs webhook bodies: webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> (Standard Webhooks; a whsec_ secret is base64-decoded, any other text is its UTF-8 bytes) and X-Delivery-Overview-Signature: sha256=<hex HMAC-SHA256 of the raw body>. 16-256 characters; never shown again. rotateAlertWebhookSecret makes one. */
  webhookSecret?: string | null | undefined;
  /** http(s) URL that receives a JSON POST per firing and recovery (Slack incoming webhooks accept it). */
  webhookUrl?: string | null | undefined;
  /** 5 (5 minutes) to 20160 (14 days). */
  windowMinutes?: number;
};

/** Changes to an alert rule: omitted fields stay, null clears an optional field. The result is checked as a whole. */
export type AlertRuleUpdateInput = {
  /** Past this too the rule fires CRITICAL: compared like threshold and beyond it (below it for the rate kinds, above it for the others). */
  criticalThreshold?: number | null | undefined;
  destinationId?: string | number | null | undefined;
  emails?: Array<string> | null | undefined;
  enabled?: boolean | null | undefined;
  kind?: AlertKind | null | undefined;
  mappingId?: string | number | null | undefined;
  minVolume?: number | null | undefined;
  name?: string | null | undefined;
  /** A PagerDuty Events API v2 routing key (32 characters): trigger and resolve, one incident per rule and scope. Stored sealed; never shown again. */
  pagerdutyRoutingKey?: string | null | undefined;
  reason?: string | null | undefined;
  /** A Slack incoming webhook URL: a Block Kit message per firing, change of severity and recovery. Stored sealed; never shown again. */
  slackWebhookUrl?: string | null | undefined;
  sourceId?: string | number | null | undefined;
  step?: PipelineStepKind | null | undefined;
  threshold?: number | null | undefined;
  webhookSecret?: string | null | undefined;
  /** A new URL drops the old secret unless webhookSecret is given too. */
  webhookUrl?: string | null | undefined;
  windowMinutes?: number | null | undefined;
};

/** WARNING: past `threshold`; CRITICAL: past `criticalThreshold` too. */
export type AlertSeverity =
  | 'CRITICAL'
  | 'WARNING';

/** Where a rule stands: OK, or FIRING until it recovers. */
export type AlertState =
  | 'FIRING'
  | 'OK';

/** What an alert event records: the rule started FIRING, or it RESOLVED (recovered). */
export type AlertTransition =
  | 'FIRING'
  | 'RESOLVED';

/** How a destination receives events. */
export type DestinationKind =
  | 'ACTIONS'
  | 'AUDIENCE'
  | 'CLASSIC'
  | 'RETL'
  | 'STORAGE';

/** What a timeseries or an insight can be split by. */
export type Dimension =
  | 'APP_VERSION'
  | 'AUDIENCE'
  | 'EVENT_NAME'
  | 'EVENT_TYPE'
  | 'MAPPING'
  | 'OPERATION'
  | 'REASON';

/** Narrows counts to matching events. Each list is OR within itself; fields are ANDed. */
export type EventFilter = {
  appVersions?: Array<string> | null | undefined;
  enriched?: boolean | null | undefined;
  eventNames?: Array<string> | null | undefined;
  eventTypes?: Array<string> | null | undefined;
};

/** Bucket size of a timeseries. MINUTE allows ranges up to 4 hours. */
export type Granularity =
  | 'DAY'
  | 'HOUR'
  | 'MINUTE';

/** Which part of the health rule a reason comes from. */
export type HealthReasonKind =
  | 'ALERT_FIRING'
  | 'FAILURE_RATE_HIGH'
  | 'FAILURE_RATE_ROSE'
  | 'GOING_QUIET'
  | 'NO_EVENTS'
  | 'RETRY_BACKLOG';

/** A destination over a range: HEALTHY, ATTENTION (a reason says why) or IDLE (nothing arrived, failed or waits for a retry). See docs/api.md, Health. */
export type HealthStatus =
  | 'ATTENTION'
  | 'HEALTHY'
  | 'IDLE';

/** Where a notification went (in-app delivery is the alertEvents subscription): a signed webhook, email, a Slack incoming webhook, PagerDuty Events API v2. */
export type NotificationChannel =
  | 'EMAIL'
  | 'PAGERDUTY'
  | 'SLACK'
  | 'WEBHOOK';

/** DELIVERED; RETRYING (an attempt failed, another is scheduled); FAILED (no attempts left, or a permanent refusal). */
export type NotificationOutcome =
  | 'DELIVERED'
  | 'FAILED'
  | 'RETRYING';

/** A box of the pipeline view. */
export type PipelineStepKind =
  | 'EVENTS_TO_WAREHOUSE_ROWS'
  | 'FAILED_DELIVERY'
  | 'FAILED_ON_INGEST'
  | 'FAILED_TO_EXTRACT'
  | 'FAILED_TO_SYNC'
  | 'FILTERED_AT_DESTINATION'
  | 'FILTERED_AT_MAPPING'
  | 'FILTERED_AT_SOURCE'
  | 'MEMBERSHIP_CHANGES_COMPUTED'
  | 'RECORDS_EXTRACTED'
  | 'RETRY_PENDING'
  | 'SUCCESSFULLY_RECEIVED'
  | 'SUCCESSFULLY_SYNCED'
  | 'SUCCESSFUL_DELIVERY';

/** How the delivery system gets a replay's messages. */
export type ReplayDelivery =
  /** The delivery system reads GET /v1/replays/<id>/messages, batch by batch. */
  | 'PULL'
  /** The gateway POSTs signed batches to the workspace's replay endpoint (docs/replay.md). */
  | 'PUSH';

/** Which undelivered messages to replay: the arguments of `Destination.undelivered` (a range and optional reason, mapping and event filter), or an explicit list of message ids (still only those that are undelivered). */
export type ReplayInput = {
  destinationId: string | number;
  /** Only messages whose final failure report matches. */
  filter?: EventFilter | null | undefined;
  /** Actions: only this mapping. */
  mappingId?: string | number | null | undefined;
  /** Only these message ids (at most 10000). */
  messageIds?: Array<string> | null | undefined;
  /** When the final failures happened (inside the retained 14 days; lookback defaults to false). Required unless messageIds is given; then the default is LAST_2_WEEKS. */
  range?: TimeRangeInput | null | undefined;
  /** Only final failures with this discard reason code. */
  reason?: string | null | undefined;
  /** FAILED_DELIVERY, the only step a message stays undelivered at; any other is refused. */
  step?: PipelineStepKind | null | undefined;
};

/** Where a replay stands. */
export type ReplayStatus =
  /** Cancelled; batches sent before stay sent. */
  | 'CANCELLED'
  /** A batch was refused for good, or ran out of attempts; see error. */
  | 'FAILED'
  /** Created; no batch sent or taken yet. */
  | 'PENDING'
  /** Batches are being pushed, or pulled. */
  | 'SENDING'
  /** Every batch was acknowledged (a 2xx from the endpoint, or the puller asked past it). */
  | 'SENT';

/** A step as producers report it to /v1/ingest. */
export type ReportStep =
  | 'COMPUTED'
  | 'DELIVERED'
  | 'EXTRACTED'
  | 'FAILED_DELIVERY'
  | 'FAILED_EXTRACT'
  | 'FAILED_INGEST'
  | 'FILTERED_DESTINATION'
  | 'FILTERED_SOURCE'
  | 'RECEIVED'
  | 'RETRY_ENQUEUED'
  | 'RETRY_RESOLVED';

/** What a workspace token may do: read metrics, ingest reports, administer (alert rules, names, the replay endpoint), replay undelivered messages (create, cancel, pull; admin implies it). */
export type Scope =
  | 'ADMIN'
  | 'INGEST'
  | 'READ'
  | 'REPLAY';

/** How a Reverse ETL sync run went, read from its reports: SUCCESS (no record failed to extract or to deliver), FAILED (records failed and none was delivered), PARTIAL (some failed, some were delivered). */
export type SyncRunStatus =
  | 'FAILED'
  | 'PARTIAL'
  | 'SUCCESS';

/** Outcome of a warehouse sync. */
export type SyncStatus =
  | 'FAILED'
  | 'PARTIAL'
  | 'SUCCESS';

/** A preset, or a custom from/to inside the last 14 days. The previous period is the same length right before. */
export type TimeRangeInput = {
  /** Start of a custom range (inclusive, floored to the minute). */
  from?: string | null | undefined;
  /** End the range at now − 5 minutes so late reports do not make the last minutes jump. Default true (false for subscriptions). */
  lookback?: boolean | null | undefined;
  preset?: TimeRangePreset | null | undefined;
  /** IANA time zone for day and hour buckets, e.g. Europe/Berlin. Default UTC. */
  timeZone?: string | null | undefined;
  /** End of a custom range (exclusive, floored to the minute). */
  to?: string | null | undefined;
};

/** The ranges the time picker offers. */
export type TimeRangePreset =
  | 'LAST_2_WEEKS'
  | 'LAST_7_DAYS'
  | 'LAST_10_MINUTES'
  | 'LAST_24_HOURS'
  | 'LAST_HOUR';

export type AlertRuleFieldsFragment = { id: string, name: string, kind: AlertKind, destinationId: string | null, mappingId: string | null, sourceId: string | null, step: PipelineStepKind | null, reason: string | null, threshold: number, criticalThreshold: number | null, windowMinutes: number, minVolume: number, enabled: boolean, webhook: string | null, emails: Array<string>, slack: string | null, pagerduty: boolean, mutedUntil: string | null, state: AlertState, severity: AlertSeverity | null, stateSince: string, acknowledgement: { by: string, at: string } | null };

export type AlertsPageQueryVariables = Exact<{
  range: TimeRangeInput;
}>;


export type AlertsPageQuery = { viewer: { tokenId: string, scopes: Array<Scope> }, alertRules: Array<{ id: string, name: string, kind: AlertKind, destinationId: string | null, mappingId: string | null, sourceId: string | null, step: PipelineStepKind | null, reason: string | null, threshold: number, criticalThreshold: number | null, windowMinutes: number, minVolume: number, enabled: boolean, webhook: string | null, emails: Array<string>, slack: string | null, pagerduty: boolean, mutedUntil: string | null, state: AlertState, severity: AlertSeverity | null, stateSince: string, acknowledgement: { by: string, at: string } | null }>, alertHistory: Array<{ id: string, ruleId: string, ruleName: string, kind: AlertKind, state: AlertTransition, severity: AlertSeverity, previousSeverity: AlertSeverity | null, muted: boolean, mutedUntil: string | null, at: string, value: number | null, threshold: number, message: string, notifications: Array<{ channel: NotificationChannel, target: string, outcome: NotificationOutcome, attempts: number, lastError: string | null }> }>, destinations: Array<{ id: string, name: string, kind: DestinationKind, mappings: Array<{ id: string, name: string }> }>, sources: Array<{ id: string, name: string }> };

export type CreateAlertRuleMutationVariables = Exact<{
  input: AlertRuleInput;
}>;


export type CreateAlertRuleMutation = { createAlertRule: { id: string } };

export type UpdateAlertRuleMutationVariables = Exact<{
  id: string | number;
  input: AlertRuleUpdateInput;
}>;


export type UpdateAlertRuleMutation = { updateAlertRule: { id: string } };

export type DeleteAlertRuleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteAlertRuleMutation = { deleteAlertRule: boolean };

export type MuteAlertRuleMutationVariables = Exact<{
  id: string | number;
  until: string;
}>;


export type MuteAlertRuleMutation = { muteAlertRule: { id: string, mutedUntil: string | null } };

export type UnmuteAlertRuleMutationVariables = Exact<{
  id: string | number;
}>;


export type UnmuteAlertRuleMutation = { unmuteAlertRule: { id: string, mutedUntil: string | null } };

export type AcknowledgeAlertMutationVariables = Exact<{
  ruleId: string | number;
}>;


export type AcknowledgeAlertMutation = { acknowledgeAlert: { id: string, acknowledgement: { by: string, at: string } | null } };

export type AlertEventsLiveSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AlertEventsLiveSubscription = { alertEvents: { id: string, ruleName: string, state: AlertTransition, severity: AlertSeverity, previousSeverity: AlertSeverity | null, message: string, at: string, destinationId: string | null } };

export type ChangeFieldsFragment = { count: number | null, relativePercent: number | null, percentagePoints: number | null };

export type SeriesFieldsFragment = { reason: string | null, total: number, points: Array<{ at: string, count: number, partial: boolean }> };

export type DiscardFieldsFragment = { count: number, previousCount: number, share: number | null, mappingShare: number | null, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null }, reason: { code: string, title: string, description: string, remedy: string, docsUrl: string, unknown: boolean }, samples: Array<{ at: string, messageId: string | null, sourceId: string, eventType: string, eventName: string, appVersion: string, payload: string | null, truncated: boolean, error: string | null, request: { method: string | null, url: string | null, body: string | null, bodyTruncated: boolean, headers: Array<{ name: string, value: string }> } | null, response: { status: number | null, body: string | null, bodyTruncated: boolean, headers: Array<{ name: string, value: string }> } | null }> };

export type BreakdownFieldsFragment = { eventType: string | null, eventName: string | null, appVersion: string | null, operation: string | null, mappingId: string | null, audienceId: string | null, spaceId: string | null, count: number, previousCount: number, share: number | null, mappingShare: number | null, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } };

export type SyncFieldsFragment = { id: string, startedAt: string, finishedAt: string, status: SyncStatus, reason: string | null, rowsSynced: number, rowsFailed: number, failedCollections: number, collections: Array<{ name: string, rowsSynced: number, rowsFailed: number, reason: string | null }> };

export type InsightFieldsFragment = { step: PipelineStepKind, count: number, previousCount: number, share: number | null, previousShare: number | null, percentagePoints: number | null, relativePercent: number | null, reason: { code: string, title: string } | null, contributors: Array<{ dimension: Dimension, value: string, count: number, previousCount: number, delta: number }> };

export type FilterValuesQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
}>;


export type FilterValuesQuery = { destination: { id: string, types: Array<{ eventType: string | null, count: number }>, names: Array<{ eventName: string | null, count: number }>, versions: Array<{ appVersion: string | null, count: number }> } | null };

export type TraceQueryVariables = Exact<{
  messageId: string;
}>;


export type TraceQuery = { sources: Array<{ id: string, name: string }>, destinations: Array<{ id: string, name: string, mappings: Array<{ id: string, name: string }> }>, trace: Array<{ at: string, step: PipelineStepKind, reportStep: ReportStep, sourceId: string, destinationId: string | null, mappingId: string | null, reason: string | null, eventType: string, eventName: string, appVersion: string, count: number }> };

export type SyncRunFieldsFragment = { id: string, startedAt: string, finishedAt: string, status: SyncRunStatus, cursor: string, extracted: number, added: number, updated: number, removed: number, failedToExtract: number, filtered: number, delivered: number, failed: number, retryPending: number, topReasons: Array<{ count: number, reason: { code: string, title: string, step: PipelineStepKind } }> };

export type SyncRunSplitFieldsFragment = { value: string, extracted: number, failedToExtract: number, filtered: number, delivered: number, failed: number };

export type OlderSyncRunsQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
  after: string;
}>;


export type OlderSyncRunsQuery = { destination: { id: string, syncRuns: Array<{ id: string, startedAt: string, finishedAt: string, status: SyncRunStatus, cursor: string, extracted: number, added: number, updated: number, removed: number, failedToExtract: number, filtered: number, delivered: number, failed: number, retryPending: number, topReasons: Array<{ count: number, reason: { code: string, title: string, step: PipelineStepKind } }> }> } | null };

export type SyncRunQueryVariables = Exact<{
  id: string | number;
  syncId: string | number;
}>;


export type SyncRunQuery = { destination: { id: string, syncRun: { id: string, startedAt: string, finishedAt: string, status: SyncRunStatus, cursor: string, extracted: number, added: number, updated: number, removed: number, failedToExtract: number, filtered: number, delivered: number, failed: number, retryPending: number, mappings: Array<{ value: string, extracted: number, failedToExtract: number, filtered: number, delivered: number, failed: number }>, operations: Array<{ value: string, extracted: number, failedToExtract: number, filtered: number, delivered: number, failed: number }>, reasons: Array<{ count: number, reason: { code: string, title: string, remedy: string, docsUrl: string, step: PipelineStepKind } }>, topReasons: Array<{ count: number, reason: { code: string, title: string, step: PipelineStepKind } }> } | null } | null };

export type LatencyFieldsFragment = { count: number, p50: number | null, p95: number | null, p99: number | null, relativeError: number, points: Array<{ at: string, count: number, p95: number | null, partial: boolean }> };

export type OverviewQueryVariables = Exact<{
  range: TimeRangeInput;
  granularity: Granularity;
}>;


export type OverviewQuery = { destinations: Array<{ id: string, name: string, kind: DestinationKind, sources: Array<{ id: string, name: string }>, pipeline: { from: string, to: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, count: number, share: number | null, change: { count: number | null, percentagePoints: number | null } }> }, health: { status: HealthStatus, summary: string, failureRate: number | null, previousFailureRate: number | null, reasons: Array<{ kind: HealthReasonKind, message: string }> }, intake: { total: number, points: Array<{ count: number, partial: boolean }> } }> };

export type StepFieldsFragment = { kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, mappingShare: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } };

export type PipelineFieldsFragment = { from: string, to: string, lookback: boolean, previousFrom: string, previousTo: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, mappingShare: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }> };

export type DestinationViewQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
  filter?: EventFilter | null | undefined;
  step: PipelineStepKind;
  reason?: string | null | undefined;
  granularity: Granularity;
  latencyGranularity: Granularity;
  seriesGroupBy?: Array<Dimension> | Dimension | null | undefined;
  runsFirst: number;
  withInsights: boolean;
  withLatency: boolean;
  withDiscards: boolean;
  withBreakdown: boolean;
  withSeries: boolean;
  withSyncs: boolean;
  withSyncRuns: boolean;
  replayInput: ReplayInput;
  withReplay: boolean;
}>;


export type DestinationViewQuery = { viewer: { tokenId: string, scopes: Array<Scope> }, replayPreview?: { total: number, inActiveReplay: number, replayable: number, maxMessages: number, byReason: Array<{ reason: string, count: number }>, byMapping: Array<{ mappingId: string | null, count: number }> }, destination: { id: string, name: string, kind: DestinationKind, sources: Array<{ id: string, name: string }>, mappings: Array<{ id: string, name: string }>, pipeline: { from: string, to: string, lookback: boolean, previousFrom: string, previousTo: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, mappingShare: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }> }, insights?: Array<{ step: PipelineStepKind, count: number, previousCount: number, share: number | null, previousShare: number | null, percentagePoints: number | null, relativePercent: number | null, reason: { code: string, title: string } | null, contributors: Array<{ dimension: Dimension, value: string, count: number, previousCount: number, delta: number }> }>, latency?: { count: number, p50: number | null, p95: number | null, p99: number | null, relativeError: number, points: Array<{ at: string, count: number, p95: number | null, partial: boolean }> }, discards?: Array<{ count: number, previousCount: number, share: number | null, mappingShare: number | null, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null }, reason: { code: string, title: string, description: string, remedy: string, docsUrl: string, unknown: boolean }, samples: Array<{ at: string, messageId: string | null, sourceId: string, eventType: string, eventName: string, appVersion: string, payload: string | null, truncated: boolean, error: string | null, request: { method: string | null, url: string | null, body: string | null, bodyTruncated: boolean, headers: Array<{ name: string, value: string }> } | null, response: { status: number | null, body: string | null, bodyTruncated: boolean, headers: Array<{ name: string, value: string }> } | null }> }>, breakdown?: Array<{ eventType: string | null, eventName: string | null, appVersion: string | null, operation: string | null, mappingId: string | null, audienceId: string | null, spaceId: string | null, count: number, previousCount: number, share: number | null, mappingShare: number | null, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }>, timeseries?: Array<{ reason: string | null, total: number, points: Array<{ at: string, count: number, partial: boolean }> }>, syncs?: Array<{ id: string, startedAt: string, finishedAt: string, status: SyncStatus, reason: string | null, rowsSynced: number, rowsFailed: number, failedCollections: number, collections: Array<{ name: string, rowsSynced: number, rowsFailed: number, reason: string | null }> }>, syncRuns?: Array<{ id: string, startedAt: string, finishedAt: string, status: SyncRunStatus, cursor: string, extracted: number, added: number, updated: number, removed: number, failedToExtract: number, filtered: number, delivered: number, failed: number, retryPending: number, topReasons: Array<{ count: number, reason: { code: string, title: string, step: PipelineStepKind } }> }> } | null };

export type PipelineChangedSubscriptionVariables = Exact<{
  destinationId: string | number;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
  filter?: EventFilter | null | undefined;
}>;


export type PipelineChangedSubscription = { pipelineUpdated: { retryPending: number | null, steps: Array<{ kind: PipelineStepKind, count: number }> } };

export type RetryPendingLiveSubscriptionVariables = Exact<{
  destinationId: string | number;
  mappingId?: string | number | null | undefined;
}>;


export type RetryPendingLiveSubscription = { retryPendingChanged: { count: number, at: string } };

export type ReplayPreviewFieldsFragment = { total: number, inActiveReplay: number, replayable: number, maxMessages: number, byReason: Array<{ reason: string, count: number }>, byMapping: Array<{ mappingId: string | null, count: number }> };

export type ReplayFieldsFragment = { id: string, destinationId: string, mappingId: string | null, delivery: ReplayDelivery, status: ReplayStatus, selection: string, messages: number, batches: number, createdBy: string, createdAt: string, startedAt: string | null, finishedAt: string | null, cancelledBy: string | null, error: string | null, progress: { batchesSent: number, batchesAcknowledged: number, messagesSent: number, messagesAcknowledged: number }, outcome: { recovered: number, failedAgain: number, waiting: number, failedAgainByReason: Array<{ reason: string, count: number }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { tokenId: string, scopes: Array<Scope> } };

export type ReplayPreviewQueryVariables = Exact<{
  input: ReplayInput;
  range: TimeRangeInput;
}>;


export type ReplayPreviewQuery = { replayPreview: { total: number, inActiveReplay: number, replayable: number, maxMessages: number, byReason: Array<{ reason: string, count: number }>, byMapping: Array<{ mappingId: string | null, count: number }> }, timeRange: { from: string, to: string }, replayEndpoint: { url: string } | null, discardReasons: Array<{ code: string, title: string }> };

export type CreateReplayMutationVariables = Exact<{
  input: ReplayInput;
  delivery: ReplayDelivery;
  idempotencyKey: string;
}>;


export type CreateReplayMutation = { createReplay: { id: string, status: ReplayStatus, messages: number, batches: number } };

export type CancelReplayMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelReplayMutation = { cancelReplay: { id: string, destinationId: string, mappingId: string | null, delivery: ReplayDelivery, status: ReplayStatus, selection: string, messages: number, batches: number, createdBy: string, createdAt: string, startedAt: string | null, finishedAt: string | null, cancelledBy: string | null, error: string | null, progress: { batchesSent: number, batchesAcknowledged: number, messagesSent: number, messagesAcknowledged: number }, outcome: { recovered: number, failedAgain: number, waiting: number, failedAgainByReason: Array<{ reason: string, count: number }> } } };

export type ReplaysQueryVariables = Exact<{
  first: number;
  after?: string | number | null | undefined;
}>;


export type ReplaysQuery = { viewer: { tokenId: string, scopes: Array<Scope> }, replays: Array<{ id: string, destinationId: string, mappingId: string | null, delivery: ReplayDelivery, status: ReplayStatus, selection: string, messages: number, batches: number, createdBy: string, createdAt: string, startedAt: string | null, finishedAt: string | null, cancelledBy: string | null, error: string | null, progress: { batchesSent: number, batchesAcknowledged: number, messagesSent: number, messagesAcknowledged: number }, outcome: { recovered: number, failedAgain: number, waiting: number, failedAgainByReason: Array<{ reason: string, count: number }> } }>, destinations: Array<{ id: string, name: string, mappings: Array<{ id: string, name: string }> }> };

export type ReplayQueryVariables = Exact<{
  id: string | number;
}>;


export type ReplayQuery = { viewer: { tokenId: string, scopes: Array<Scope> }, replay: { id: string, destinationId: string, mappingId: string | null, delivery: ReplayDelivery, status: ReplayStatus, selection: string, messages: number, batches: number, createdBy: string, createdAt: string, startedAt: string | null, finishedAt: string | null, cancelledBy: string | null, error: string | null, progress: { batchesSent: number, batchesAcknowledged: number, messagesSent: number, messagesAcknowledged: number }, outcome: { recovered: number, failedAgain: number, waiting: number, failedAgainByReason: Array<{ reason: string, count: number }> } }, destinations: Array<{ id: string, name: string, mappings: Array<{ id: string, name: string }> }>, discardReasons: Array<{ code: string, title: string }> };

export type ReplayLiveSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ReplayLiveSubscription = { replayUpdated: { id: string, destinationId: string, mappingId: string | null, delivery: ReplayDelivery, status: ReplayStatus, selection: string, messages: number, batches: number, createdBy: string, createdAt: string, startedAt: string | null, finishedAt: string | null, cancelledBy: string | null, error: string | null, progress: { batchesSent: number, batchesAcknowledged: number, messagesSent: number, messagesAcknowledged: number }, outcome: { recovered: number, failedAgain: number, waiting: number, failedAgainByReason: Array<{ reason: string, count: number }> } } };

export type UndeliveredQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
  reason?: string | null | undefined;
  filter?: EventFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type UndeliveredQuery = { destination: { id: string, undelivered: Array<{ cursor: string, messageId: string, mappingId: string | null, reason: string, at: string, eventType: string, eventName: string, appVersion: string }> } | null };

export type SourcePageQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
}>;


export type SourcePageQuery = { source: { id: string, name: string, pipeline: { from: string, to: string, lookback: boolean, previousFrom: string, previousTo: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, mappingShare: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }> }, destinations: Array<{ destination: { id: string, name: string, kind: DestinationKind }, pipeline: { steps: Array<{ kind: PipelineStepKind, label: string, count: number, share: number | null }> } }> } | null };

export type DeliveryFailuresLiveSubscriptionVariables = Exact<{
  destinationId: string | number;
  step?: PipelineStepKind | null | undefined;
  mappingId?: string | number | null | undefined;
  filter?: EventFilter | null | undefined;
}>;


export type DeliveryFailuresLiveSubscription = { deliveryFailures: { more: number, at: string, failures: Array<{ at: string, messageId: string | null, step: PipelineStepKind, reason: string, mappingId: string | null, eventType: string, eventName: string, appVersion: string, attempt: number | null, count: number }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const AlertRuleFieldsFragmentDoc = new TypedDocumentString(`
    fragment AlertRuleFields on AlertRule {
  id
  name
  kind
  destinationId
  mappingId
  sourceId
  step
  reason
  threshold
  criticalThreshold
  windowMinutes
  minVolume
  enabled
  webhook
  emails
  slack
  pagerduty
  mutedUntil
  state
  severity
  stateSince
  acknowledgement {
    by
    at
  }
}
    `, {"fragmentName":"AlertRuleFields"}) as unknown as TypedDocumentString<AlertRuleFieldsFragment, unknown>;
export const SeriesFieldsFragmentDoc = new TypedDocumentString(`
    fragment SeriesFields on Series {
  reason
  total
  points {
    at
    count
    partial
  }
}
    `, {"fragmentName":"SeriesFields"}) as unknown as TypedDocumentString<SeriesFieldsFragment, unknown>;
export const ChangeFieldsFragmentDoc = new TypedDocumentString(`
    fragment ChangeFields on Change {
  count
  relativePercent
  percentagePoints
}
    `, {"fragmentName":"ChangeFields"}) as unknown as TypedDocumentString<ChangeFieldsFragment, unknown>;
export const DiscardFieldsFragmentDoc = new TypedDocumentString(`
    fragment DiscardFields on DiscardRow {
  count
  previousCount
  share
  mappingShare
  change {
    ...ChangeFields
  }
  reason {
    code
    title
    description
    remedy
    docsUrl
    unknown
  }
  samples(limit: 10) {
    at
    messageId
    sourceId
    eventType
    eventName
    appVersion
    payload
    truncated
    error
    request {
      method
      url
      headers {
        name
        value
      }
      body
      bodyTruncated
    }
    response {
      status
      headers {
        name
        value
      }
      body
      bodyTruncated
    }
  }
}
    fragment ChangeFields on Change {
  count
  relativePercent
  percentagePoints
}`, {"fragmentName":"DiscardFields"}) as unknown as TypedDocumentString<DiscardFieldsFragment, unknown>;
export const BreakdownFieldsFragmentDoc = new TypedDocumentString(`
    fragment BreakdownFields on BreakdownRow {
  eventType
  eventName
  appVersion
  operation
  mappingId
  audienceId
  spaceId
  count
  previousCount
  share
  mappingShare
  change {
    ...ChangeFields
  }
}
    fragment ChangeFields on Change {
  count
  relativePercent
  percentagePoints
}`, {"fragmentName":"BreakdownFields"}) as unknown as TypedDocumentString<BreakdownFieldsFragment, unknown>;
export const SyncFieldsFragmentDoc = new TypedDocumentString(`
    fragment SyncFields on WarehouseSync {
  id
  startedAt
  finishedAt
  status
  reason
  rowsSynced
  rowsFailed
  failedCollections
  collections {
    name
    rowsSynced
    rowsFailed
    reason
  }
}
    `, {"fragmentName":"SyncFields"}) as unknown as TypedDocumentString<SyncFieldsFragment, unknown>;
export const InsightFieldsFragmentDoc = new TypedDocumentString(`
    fragment InsightFields on Insight {
  step
  reason {
    code
    title
  }
  count
  previousCount
  share
  previousShare
  percentagePoints
  relativePercent
  contributors {
    dimension
    value
    count
    previousCount
    delta
  }
}
    `, {"fragmentName":"InsightFields"}) as unknown as TypedDocumentString<InsightFieldsFragment, unknown>;
export const SyncRunFieldsFragmentDoc = new TypedDocumentString(`
    fragment SyncRunFields on SyncRun {
  id
  startedAt
  finishedAt
  status
  cursor
  extracted
  added
  updated
  removed
  failedToExtract
  filtered
  delivered
  failed
  retryPending
  topReasons {
    count
    reason {
      code
      title
      step
    }
  }
}
    `, {"fragmentName":"SyncRunFields"}) as unknown as TypedDocumentString<SyncRunFieldsFragment, unknown>;
export const SyncRunSplitFieldsFragmentDoc = new TypedDocumentString(`
    fragment SyncRunSplitFields on SyncRunSplit {
  value
  extracted
  failedToExtract
  filtered
  delivered
  failed
}
    `, {"fragmentName":"SyncRunSplitFields"}) as unknown as TypedDocumentString<SyncRunSplitFieldsFragment, unknown>;
export const LatencyFieldsFragmentDoc = new TypedDocumentString(`
    fragment LatencyFields on Latency {
  count
  p50
  p95
  p99
  relativeError
  points {
    at
    count
    p95
    partial
  }
}
    `, {"fragmentName":"LatencyFields"}) as unknown as TypedDocumentString<LatencyFieldsFragment, unknown>;
export const StepFieldsFragmentDoc = new TypedDocumentString(`
    fragment StepFields on PipelineStep {
  kind
  label
  count
  previousCount
  share
  mappingShare
  isDiscard
  change {
    count
    relativePercent
    percentagePoints
  }
}
    `, {"fragmentName":"StepFields"}) as unknown as TypedDocumentString<StepFieldsFragment, unknown>;
export const PipelineFieldsFragmentDoc = new TypedDocumentString(`
    fragment PipelineFields on Pipeline {
  from
  to
  lookback
  previousFrom
  previousTo
  retryPending
  steps {
    ...StepFields
  }
}
    fragment StepFields on PipelineStep {
  kind
  label
  count
  previousCount
  share
  mappingShare
  isDiscard
  change {
    count
    relativePercent
    percentagePoints
  }
}`, {"fragmentName":"PipelineFields"}) as unknown as TypedDocumentString<PipelineFieldsFragment, unknown>;
export const ReplayPreviewFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReplayPreviewFields on ReplayPreview {
  total
  inActiveReplay
  replayable
  maxMessages
  byReason {
    reason
    count
  }
  byMapping {
    mappingId
    count
  }
}
    `, {"fragmentName":"ReplayPreviewFields"}) as unknown as TypedDocumentString<ReplayPreviewFieldsFragment, unknown>;
export const ReplayFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReplayFields on Replay {
  id
  destinationId
  mappingId
  delivery
  status
  selection
  messages
  batches
  createdBy
  createdAt
  startedAt
  finishedAt
  cancelledBy
  error
  progress {
    batchesSent
    batchesAcknowledged
    messagesSent
    messagesAcknowledged
  }
  outcome {
    recovered
    failedAgain
    waiting
    failedAgainByReason {
      reason
      count
    }
  }
}
    `, {"fragmentName":"ReplayFields"}) as unknown as TypedDocumentString<ReplayFieldsFragment, unknown>;
export const AlertsPageDocument = new TypedDocumentString(`
    query AlertsPage($range: TimeRangeInput!) {
  viewer {
    tokenId
    scopes
  }
  alertRules {
    ...AlertRuleFields
  }
  alertHistory(range: $range, first: 100) {
    id
    ruleId
    ruleName
    kind
    state
    severity
    previousSeverity
    muted
    mutedUntil
    at
    value
    threshold
    message
    notifications {
      channel
      target
      outcome
      attempts
      lastError
    }
  }
  destinations {
    id
    name
    kind
    mappings {
      id
      name
    }
  }
  sources {
    id
    name
  }
}
    fragment AlertRuleFields on AlertRule {
  id
  name
  kind
  destinationId
  mappingId
  sourceId
  step
  reason
  threshold
  criticalThreshold
  windowMinutes
  minVolume
  enabled
  webhook
  emails
  slack
  pagerduty
  mutedUntil
  state
  severity
  stateSince
  acknowledgement {
    by
    at
  }
}`) as unknown as TypedDocumentString<AlertsPageQuery, AlertsPageQueryVariables>;
export const CreateAlertRuleDocument = new TypedDocumentString(`
    mutation CreateAlertRule($input: AlertRuleInput!) {
  createAlertRule(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<CreateAlertRuleMutation, CreateAlertRuleMutationVariables>;
export const UpdateAlertRuleDocument = new TypedDocumentString(`
    mutation UpdateAlertRule($id: ID!, $input: AlertRuleUpdateInput!) {
  updateAlertRule(id: $id, input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<UpdateAlertRuleMutation, UpdateAlertRuleMutationVariables>;
export const DeleteAlertRuleDocument = new TypedDocumentString(`
    mutation DeleteAlertRule($id: ID!) {
  deleteAlertRule(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteAlertRuleMutation, DeleteAlertRuleMutationVariables>;
export const MuteAlertRuleDocument = new TypedDocumentString(`
    mutation MuteAlertRule($id: ID!, $until: DateTimeISO!) {
  muteAlertRule(id: $id, until: $until) {
    id
    mutedUntil
  }
}
    `) as unknown as TypedDocumentString<MuteAlertRuleMutation, MuteAlertRuleMutationVariables>;
export const UnmuteAlertRuleDocument = new TypedDocumentString(`
    mutation UnmuteAlertRule($id: ID!) {
  unmuteAlertRule(id: $id) {
    id
    mutedUntil
  }
}
    `) as unknown as TypedDocumentString<UnmuteAlertRuleMutation, UnmuteAlertRuleMutationVariables>;
export const AcknowledgeAlertDocument = new TypedDocumentString(`
    mutation AcknowledgeAlert($ruleId: ID!) {
  acknowledgeAlert(ruleId: $ruleId) {
    id
    acknowledgement {
      by
      at
    }
  }
}
    `) as unknown as TypedDocumentString<AcknowledgeAlertMutation, AcknowledgeAlertMutationVariables>;
export const AlertEventsLiveDocument = new TypedDocumentString(`
    subscription AlertEventsLive {
  alertEvents {
    id
    ruleName
    state
    severity
    previousSeverity
    message
    at
    destinationId
  }
}
    `) as unknown as TypedDocumentString<AlertEventsLiveSubscription, AlertEventsLiveSubscriptionVariables>;
export const FilterValuesDocument = new TypedDocumentString(`
    query FilterValues($id: ID!, $range: TimeRangeInput!) {
  destination(id: $id) {
    id
    types: breakdown(
      step: SUCCESSFULLY_RECEIVED
      range: $range
      groupBy: [EVENT_TYPE]
      first: 50
    ) {
      eventType
      count
    }
    names: breakdown(
      step: SUCCESSFULLY_RECEIVED
      range: $range
      groupBy: [EVENT_NAME]
      first: 100
    ) {
      eventName
      count
    }
    versions: breakdown(
      step: SUCCESSFULLY_RECEIVED
      range: $range
      groupBy: [APP_VERSION]
      first: 50
    ) {
      appVersion
      count
    }
  }
}
    `) as unknown as TypedDocumentString<FilterValuesQuery, FilterValuesQueryVariables>;
export const TraceDocument = new TypedDocumentString(`
    query Trace($messageId: String!) {
  sources {
    id
    name
  }
  destinations {
    id
    name
    mappings {
      id
      name
    }
  }
  trace(messageId: $messageId) {
    at
    step
    reportStep
    sourceId
    destinationId
    mappingId
    reason
    eventType
    eventName
    appVersion
    count
  }
}
    `) as unknown as TypedDocumentString<TraceQuery, TraceQueryVariables>;
export const OlderSyncRunsDocument = new TypedDocumentString(`
    query OlderSyncRuns($id: ID!, $range: TimeRangeInput!, $after: String!) {
  destination(id: $id) {
    id
    syncRuns(range: $range, first: 50, after: $after) {
      ...SyncRunFields
    }
  }
}
    fragment SyncRunFields on SyncRun {
  id
  startedAt
  finishedAt
  status
  cursor
  extracted
  added
  updated
  removed
  failedToExtract
  filtered
  delivered
  failed
  retryPending
  topReasons {
    count
    reason {
      code
      title
      step
    }
  }
}`) as unknown as TypedDocumentString<OlderSyncRunsQuery, OlderSyncRunsQueryVariables>;
export const SyncRunDocument = new TypedDocumentString(`
    query SyncRun($id: ID!, $syncId: ID!) {
  destination(id: $id) {
    id
    syncRun(id: $syncId) {
      ...SyncRunFields
      mappings {
        ...SyncRunSplitFields
      }
      operations {
        ...SyncRunSplitFields
      }
      reasons {
        count
        reason {
          code
          title
          remedy
          docsUrl
          step
        }
      }
    }
  }
}
    fragment SyncRunFields on SyncRun {
  id
  startedAt
  finishedAt
  status
  cursor
  extracted
  added
  updated
  removed
  failedToExtract
  filtered
  delivered
  failed
  retryPending
  topReasons {
    count
    reason {
      code
      title
      step
    }
  }
}
fragment SyncRunSplitFields on SyncRunSplit {
  value
  extracted
  failedToExtract
  filtered
  delivered
  failed
}`) as unknown as TypedDocumentString<SyncRunQuery, SyncRunQueryVariables>;
export const OverviewDocument = new TypedDocumentString(`
    query Overview($range: TimeRangeInput!, $granularity: Granularity!) {
  destinations {
    id
    name
    kind
    sources {
      id
      name
    }
    pipeline(range: $range) {
      from
      to
      retryPending
      steps {
        kind
        count
        share
        change {
          count
          percentagePoints
        }
      }
    }
    health(range: $range) {
      status
      summary
      reasons {
        kind
        message
      }
      failureRate
      previousFailureRate
    }
    intake(range: $range, granularity: $granularity) {
      total
      points {
        count
        partial
      }
    }
  }
}
    `) as unknown as TypedDocumentString<OverviewQuery, OverviewQueryVariables>;
export const DestinationViewDocument = new TypedDocumentString(`
    query DestinationView($id: ID!, $range: TimeRangeInput!, $mappingId: ID, $filter: EventFilter, $step: PipelineStepKind!, $reason: String, $granularity: Granularity!, $latencyGranularity: Granularity!, $seriesGroupBy: [Dimension!], $runsFirst: Int!, $withInsights: Boolean!, $withLatency: Boolean!, $withDiscards: Boolean!, $withBreakdown: Boolean!, $withSeries: Boolean!, $withSyncs: Boolean!, $withSyncRuns: Boolean!, $replayInput: ReplayInput!, $withReplay: Boolean!) {
  viewer {
    tokenId
    scopes
  }
  replayPreview(input: $replayInput) @include(if: $withReplay) {
    ...ReplayPreviewFields
  }
  destination(id: $id) {
    id
    name
    kind
    sources {
      id
      name
    }
    mappings {
      id
      name
    }
    pipeline(range: $range, mappingId: $mappingId, filter: $filter) {
      ...PipelineFields
    }
    insights(range: $range, mappingId: $mappingId, filter: $filter, limit: 5) @include(if: $withInsights) {
      ...InsightFields
    }
    latency(range: $range, granularity: $latencyGranularity, mappingId: $mappingId) @include(if: $withLatency) {
      ...LatencyFields
    }
    discards(step: $step, range: $range, mappingId: $mappingId, filter: $filter) @include(if: $withDiscards) {
      ...DiscardFields
    }
    breakdown(
      step: $step
      reason: $reason
      range: $range
      mappingId: $mappingId
      filter: $filter
      first: 100
    ) @include(if: $withBreakdown) {
      ...BreakdownFields
    }
    timeseries(
      step: $step
      range: $range
      granularity: $granularity
      mappingId: $mappingId
      filter: $filter
      groupBy: $seriesGroupBy
    ) @include(if: $withSeries) {
      ...SeriesFields
    }
    syncs(range: $range, first: 200) @include(if: $withSyncs) {
      ...SyncFields
    }
    syncRuns(range: $range, first: $runsFirst) @include(if: $withSyncRuns) {
      ...SyncRunFields
    }
  }
}
    fragment ChangeFields on Change {
  count
  relativePercent
  percentagePoints
}
fragment SeriesFields on Series {
  reason
  total
  points {
    at
    count
    partial
  }
}
fragment DiscardFields on DiscardRow {
  count
  previousCount
  share
  mappingShare
  change {
    ...ChangeFields
  }
  reason {
    code
    title
    description
    remedy
    docsUrl
    unknown
  }
  samples(limit: 10) {
    at
    messageId
    sourceId
    eventType
    eventName
    appVersion
    payload
    truncated
    error
    request {
      method
      url
      headers {
        name
        value
      }
      body
      bodyTruncated
    }
    response {
      status
      headers {
        name
        value
      }
      body
      bodyTruncated
    }
  }
}
fragment BreakdownFields on BreakdownRow {
  eventType
  eventName
  appVersion
  operation
  mappingId
  audienceId
  spaceId
  count
  previousCount
  share
  mappingShare
  change {
    ...ChangeFields
  }
}
fragment SyncFields on WarehouseSync {
  id
  startedAt
  finishedAt
  status
  reason
  rowsSynced
  rowsFailed
  failedCollections
  collections {
    name
    rowsSynced
    rowsFailed
    reason
  }
}
fragment InsightFields on Insight {
  step
  reason {
    code
    title
  }
  count
  previousCount
  share
  previousShare
  percentagePoints
  relativePercent
  contributors {
    dimension
    value
    count
    previousCount
    delta
  }
}
fragment SyncRunFields on SyncRun {
  id
  startedAt
  finishedAt
  status
  cursor
  extracted
  added
  updated
  removed
  failedToExtract
  filtered
  delivered
  failed
  retryPending
  topReasons {
    count
    reason {
      code
      title
      step
    }
  }
}
fragment LatencyFields on Latency {
  count
  p50
  p95
  p99
  relativeError
  points {
    at
    count
    p95
    partial
  }
}
fragment StepFields on PipelineStep {
  kind
  label
  count
  previousCount
  share
  mappingShare
  isDiscard
  change {
    count
    relativePercent
    percentagePoints
  }
}
fragment PipelineFields on Pipeline {
  from
  to
  lookback
  previousFrom
  previousTo
  retryPending
  steps {
    ...StepFields
  }
}
fragment ReplayPreviewFields on ReplayPreview {
  total
  inActiveReplay
  replayable
  maxMessages
  byReason {
    reason
    count
  }
  byMapping {
    mappingId
    count
  }
}`) as unknown as TypedDocumentString<DestinationViewQuery, DestinationViewQueryVariables>;
export const PipelineChangedDocument = new TypedDocumentString(`
    subscription PipelineChanged($destinationId: ID!, $range: TimeRangeInput!, $mappingId: ID, $filter: EventFilter) {
  pipelineUpdated(
    destinationId: $destinationId
    range: $range
    mappingId: $mappingId
    filter: $filter
  ) {
    retryPending
    steps {
      kind
      count
    }
  }
}
    `) as unknown as TypedDocumentString<PipelineChangedSubscription, PipelineChangedSubscriptionVariables>;
export const RetryPendingLiveDocument = new TypedDocumentString(`
    subscription RetryPendingLive($destinationId: ID!, $mappingId: ID) {
  retryPendingChanged(destinationId: $destinationId, mappingId: $mappingId) {
    count
    at
  }
}
    `) as unknown as TypedDocumentString<RetryPendingLiveSubscription, RetryPendingLiveSubscriptionVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    tokenId
    scopes
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const ReplayPreviewDocument = new TypedDocumentString(`
    query ReplayPreview($input: ReplayInput!, $range: TimeRangeInput!) {
  replayPreview(input: $input) {
    ...ReplayPreviewFields
  }
  timeRange(range: $range) {
    from
    to
  }
  replayEndpoint {
    url
  }
  discardReasons(step: FAILED_DELIVERY) {
    code
    title
  }
}
    fragment ReplayPreviewFields on ReplayPreview {
  total
  inActiveReplay
  replayable
  maxMessages
  byReason {
    reason
    count
  }
  byMapping {
    mappingId
    count
  }
}`) as unknown as TypedDocumentString<ReplayPreviewQuery, ReplayPreviewQueryVariables>;
export const CreateReplayDocument = new TypedDocumentString(`
    mutation CreateReplay($input: ReplayInput!, $delivery: ReplayDelivery!, $idempotencyKey: String!) {
  createReplay(
    input: $input
    delivery: $delivery
    idempotencyKey: $idempotencyKey
  ) {
    id
    status
    messages
    batches
  }
}
    `) as unknown as TypedDocumentString<CreateReplayMutation, CreateReplayMutationVariables>;
export const CancelReplayDocument = new TypedDocumentString(`
    mutation CancelReplay($id: ID!) {
  cancelReplay(id: $id) {
    ...ReplayFields
  }
}
    fragment ReplayFields on Replay {
  id
  destinationId
  mappingId
  delivery
  status
  selection
  messages
  batches
  createdBy
  createdAt
  startedAt
  finishedAt
  cancelledBy
  error
  progress {
    batchesSent
    batchesAcknowledged
    messagesSent
    messagesAcknowledged
  }
  outcome {
    recovered
    failedAgain
    waiting
    failedAgainByReason {
      reason
      count
    }
  }
}`) as unknown as TypedDocumentString<CancelReplayMutation, CancelReplayMutationVariables>;
export const ReplaysDocument = new TypedDocumentString(`
    query Replays($first: Int!, $after: ID) {
  viewer {
    tokenId
    scopes
  }
  replays(first: $first, after: $after) {
    ...ReplayFields
  }
  destinations {
    id
    name
    mappings {
      id
      name
    }
  }
}
    fragment ReplayFields on Replay {
  id
  destinationId
  mappingId
  delivery
  status
  selection
  messages
  batches
  createdBy
  createdAt
  startedAt
  finishedAt
  cancelledBy
  error
  progress {
    batchesSent
    batchesAcknowledged
    messagesSent
    messagesAcknowledged
  }
  outcome {
    recovered
    failedAgain
    waiting
    failedAgainByReason {
      reason
      count
    }
  }
}`) as unknown as TypedDocumentString<ReplaysQuery, ReplaysQueryVariables>;
export const ReplayDocument = new TypedDocumentString(`
    query Replay($id: ID!) {
  viewer {
    tokenId
    scopes
  }
  replay(id: $id) {
    ...ReplayFields
  }
  destinations {
    id
    name
    mappings {
      id
      name
    }
  }
  discardReasons(step: FAILED_DELIVERY) {
    code
    title
  }
}
    fragment ReplayFields on Replay {
  id
  destinationId
  mappingId
  delivery
  status
  selection
  messages
  batches
  createdBy
  createdAt
  startedAt
  finishedAt
  cancelledBy
  error
  progress {
    batchesSent
    batchesAcknowledged
    messagesSent
    messagesAcknowledged
  }
  outcome {
    recovered
    failedAgain
    waiting
    failedAgainByReason {
      reason
      count
    }
  }
}`) as unknown as TypedDocumentString<ReplayQuery, ReplayQueryVariables>;
export const ReplayLiveDocument = new TypedDocumentString(`
    subscription ReplayLive($id: ID!) {
  replayUpdated(id: $id) {
    ...ReplayFields
  }
}
    fragment ReplayFields on Replay {
  id
  destinationId
  mappingId
  delivery
  status
  selection
  messages
  batches
  createdBy
  createdAt
  startedAt
  finishedAt
  cancelledBy
  error
  progress {
    batchesSent
    batchesAcknowledged
    messagesSent
    messagesAcknowledged
  }
  outcome {
    recovered
    failedAgain
    waiting
    failedAgainByReason {
      reason
      count
    }
  }
}`) as unknown as TypedDocumentString<ReplayLiveSubscription, ReplayLiveSubscriptionVariables>;
export const UndeliveredDocument = new TypedDocumentString(`
    query Undelivered($id: ID!, $range: TimeRangeInput!, $mappingId: ID, $reason: String, $filter: EventFilter, $after: String) {
  destination(id: $id) {
    id
    undelivered(
      range: $range
      mappingId: $mappingId
      reason: $reason
      filter: $filter
      first: 50
      after: $after
    ) {
      cursor
      messageId
      mappingId
      reason
      at
      eventType
      eventName
      appVersion
    }
  }
}
    `) as unknown as TypedDocumentString<UndeliveredQuery, UndeliveredQueryVariables>;
export const SourcePageDocument = new TypedDocumentString(`
    query SourcePage($id: ID!, $range: TimeRangeInput!) {
  source(id: $id) {
    id
    name
    pipeline(range: $range) {
      ...PipelineFields
    }
    destinations {
      destination {
        id
        name
        kind
      }
      pipeline(range: $range) {
        steps {
          kind
          label
          count
          share
        }
      }
    }
  }
}
    fragment StepFields on PipelineStep {
  kind
  label
  count
  previousCount
  share
  mappingShare
  isDiscard
  change {
    count
    relativePercent
    percentagePoints
  }
}
fragment PipelineFields on Pipeline {
  from
  to
  lookback
  previousFrom
  previousTo
  retryPending
  steps {
    ...StepFields
  }
}`) as unknown as TypedDocumentString<SourcePageQuery, SourcePageQueryVariables>;
export const DeliveryFailuresLiveDocument = new TypedDocumentString(`
    subscription DeliveryFailuresLive($destinationId: ID!, $step: PipelineStepKind, $mappingId: ID, $filter: EventFilter) {
  deliveryFailures(
    destinationId: $destinationId
    step: $step
    mappingId: $mappingId
    filter: $filter
  ) {
    failures {
      at
      messageId
      step
      reason
      mappingId
      eventType
      eventName
      appVersion
      attempt
      count
    }
    more
    at
  }
}
    `) as unknown as TypedDocumentString<DeliveryFailuresLiveSubscription, DeliveryFailuresLiveSubscriptionVariables>;