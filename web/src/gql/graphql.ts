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
  /** DISCARD_RATE_ABOVE: only this reason code. */
  reason?: string | null | undefined;
  /** SOURCE_VOLUME_ANOMALY: a source of this workspace. */
  sourceId?: string | number | null | undefined;
  /** DISCARD_RATE_ABOVE: FAILED_ON_INGEST, FILTERED_AT_SOURCE, FILTERED_AT_DESTINATION or FAILED_DELIVERY. */
  step?: PipelineStepKind | null | undefined;
  /** DELIVERY_RATE_BELOW: (0, 100] %; DISCARD_RATE_ABOVE: [0, 100] %; SOURCE_VOLUME_ANOMALY: 1-1000 %; SYNC_FAILURES: a count ≥ 1; RETRY_PENDING_ABOVE: a count ≥ 0; DESTINATION_QUIET: (0, 100] % of the expected events, default 1. Required for every kind without a default. */
  threshold?: number | null | undefined;
  /** Signs webhook bodies: X-Delivery-Overview-Signature: sha256=<hex HMAC-SHA256 of the raw body>. 16-256 characters; never shown again. */
  webhookSecret?: string | null | undefined;
  /** http(s) URL that receives a JSON POST per firing and recovery (Slack incoming webhooks accept it). */
  webhookUrl?: string | null | undefined;
  /** 5 (5 minutes) to 20160 (14 days). */
  windowMinutes?: number;
};

/** Changes to an alert rule: omitted fields stay, null clears an optional field. The result is checked as a whole. */
export type AlertRuleUpdateInput = {
  destinationId?: string | number | null | undefined;
  emails?: Array<string> | null | undefined;
  enabled?: boolean | null | undefined;
  kind?: AlertKind | null | undefined;
  mappingId?: string | number | null | undefined;
  minVolume?: number | null | undefined;
  name?: string | null | undefined;
  reason?: string | null | undefined;
  sourceId?: string | number | null | undefined;
  step?: PipelineStepKind | null | undefined;
  threshold?: number | null | undefined;
  webhookSecret?: string | null | undefined;
  /** A new URL drops the old secret unless webhookSecret is given too. */
  webhookUrl?: string | null | undefined;
  windowMinutes?: number | null | undefined;
};

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

/** Bucket size of a timeseries. MINUTE allows ranges up to 4 hours. */
export type Granularity =
  | 'DAY'
  | 'HOUR'
  | 'MINUTE';

/** Where a notification went (in-app delivery is the alertEvents subscription). */
export type NotificationChannel =
  | 'EMAIL'
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

export type AlertRuleFieldsFragment = { id: string, name: string, kind: AlertKind, destinationId: string | null, mappingId: string | null, sourceId: string | null, step: PipelineStepKind | null, reason: string | null, threshold: number, windowMinutes: number, minVolume: number, enabled: boolean, webhook: string | null, emails: Array<string>, state: AlertState, stateSince: string };

export type AlertsPageQueryVariables = Exact<{
  range: TimeRangeInput;
}>;


export type AlertsPageQuery = { alertRules: Array<{ id: string, name: string, kind: AlertKind, destinationId: string | null, mappingId: string | null, sourceId: string | null, step: PipelineStepKind | null, reason: string | null, threshold: number, windowMinutes: number, minVolume: number, enabled: boolean, webhook: string | null, emails: Array<string>, state: AlertState, stateSince: string }>, alertHistory: Array<{ id: string, ruleId: string, ruleName: string, kind: AlertKind, state: AlertTransition, at: string, value: number | null, threshold: number, message: string, notifications: Array<{ channel: NotificationChannel, target: string, outcome: NotificationOutcome, attempts: number, lastError: string | null }> }>, destinations: Array<{ id: string, name: string, kind: DestinationKind, mappings: Array<{ id: string, name: string }> }>, sources: Array<{ id: string, name: string }> };

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

export type AlertEventsLiveSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AlertEventsLiveSubscription = { alertEvents: { id: string, ruleName: string, state: AlertTransition, message: string, at: string, destinationId: string | null } };

export type ChangeFieldsFragment = { count: number | null, relativePercent: number | null, percentagePoints: number | null };

export type SeriesFieldsFragment = { reason: string | null, total: number, points: Array<{ at: string, count: number }> };

export type DiscardsQueryVariables = Exact<{
  id: string | number;
  step: PipelineStepKind;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
  granularity: Granularity;
}>;


export type DiscardsQuery = { destination: { id: string, discards: Array<{ count: number, previousCount: number, share: number | null, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null }, reason: { code: string, title: string, description: string, remedy: string, docsUrl: string, unknown: boolean }, samples: Array<{ at: string, messageId: string | null, sourceId: string, eventType: string, eventName: string, appVersion: string, payload: string | null, truncated: boolean, error: string | null, request: { method: string | null, url: string | null, body: string | null, bodyTruncated: boolean, headers: Array<{ name: string, value: string }> } | null, response: { status: number | null, body: string | null, bodyTruncated: boolean, headers: Array<{ name: string, value: string }> } | null }> }>, timeseries: Array<{ reason: string | null, total: number, points: Array<{ at: string, count: number }> }> } | null };

export type BreakdownQueryVariables = Exact<{
  id: string | number;
  step: PipelineStepKind;
  reason?: string | null | undefined;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
  granularity: Granularity;
  withSeries: boolean;
}>;


export type BreakdownQuery = { destination: { id: string, breakdown: Array<{ eventType: string | null, eventName: string | null, appVersion: string | null, operation: string | null, mappingId: string | null, audienceId: string | null, spaceId: string | null, count: number, previousCount: number, share: number | null, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }>, timeseries?: Array<{ reason: string | null, total: number, points: Array<{ at: string, count: number }> }> } | null };

export type SyncsQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
}>;


export type SyncsQuery = { destination: { id: string, syncs: Array<{ id: string, startedAt: string, finishedAt: string, status: SyncStatus, reason: string | null, rowsSynced: number, rowsFailed: number, failedCollections: number, collections: Array<{ name: string, rowsSynced: number, rowsFailed: number, reason: string | null }> }> } | null };

export type InsightsQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
}>;


export type InsightsQuery = { destination: { id: string, insights: Array<{ step: PipelineStepKind, count: number, previousCount: number, share: number | null, previousShare: number | null, percentagePoints: number | null, relativePercent: number | null, reason: { code: string, title: string } | null, contributors: Array<{ dimension: Dimension, value: string, count: number, previousCount: number, delta: number }> }> } | null };

export type TraceQueryVariables = Exact<{
  messageId: string;
}>;


export type TraceQuery = { trace: Array<{ at: string, step: PipelineStepKind, reportStep: ReportStep, sourceId: string, destinationId: string | null, mappingId: string | null, reason: string | null, eventType: string, eventName: string, appVersion: string, count: number }> };

export type SyncRunFieldsFragment = { id: string, startedAt: string, finishedAt: string, status: SyncRunStatus, extracted: number, added: number, updated: number, removed: number, failedToExtract: number, filtered: number, delivered: number, failed: number, retryPending: number, topReasons: Array<{ count: number, reason: { code: string, title: string, step: PipelineStepKind } }> };

export type SyncRunSplitFieldsFragment = { value: string, extracted: number, failedToExtract: number, filtered: number, delivered: number, failed: number };

export type SyncRunsQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
}>;


export type SyncRunsQuery = { destination: { id: string, syncRuns: Array<{ id: string, startedAt: string, finishedAt: string, status: SyncRunStatus, extracted: number, added: number, updated: number, removed: number, failedToExtract: number, filtered: number, delivered: number, failed: number, retryPending: number, topReasons: Array<{ count: number, reason: { code: string, title: string, step: PipelineStepKind } }> }> } | null };

export type SyncRunQueryVariables = Exact<{
  id: string | number;
  syncId: string | number;
}>;


export type SyncRunQuery = { destination: { id: string, syncRun: { id: string, startedAt: string, finishedAt: string, status: SyncRunStatus, extracted: number, added: number, updated: number, removed: number, failedToExtract: number, filtered: number, delivered: number, failed: number, retryPending: number, mappings: Array<{ value: string, extracted: number, failedToExtract: number, filtered: number, delivered: number, failed: number }>, operations: Array<{ value: string, extracted: number, failedToExtract: number, filtered: number, delivered: number, failed: number }>, reasons: Array<{ count: number, reason: { code: string, title: string, remedy: string, docsUrl: string, step: PipelineStepKind } }>, topReasons: Array<{ count: number, reason: { code: string, title: string, step: PipelineStepKind } }> } | null } | null };

export type DestinationLatencyQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
  granularity: Granularity;
  mappingId?: string | number | null | undefined;
}>;


export type DestinationLatencyQuery = { destination: { id: string, latency: { count: number, p50: number | null, p95: number | null, p99: number | null, relativeError: number, points: Array<{ at: string, count: number, p95: number | null }> } } | null };

export type OverviewQueryVariables = Exact<{
  range: TimeRangeInput;
  granularity: Granularity;
}>;


export type OverviewQuery = { destinations: Array<{ id: string, name: string, kind: DestinationKind, retryPending: number | null, sources: Array<{ id: string, name: string }>, pipeline: { from: string, to: string, steps: Array<{ kind: PipelineStepKind, count: number, share: number | null, change: { count: number | null, percentagePoints: number | null } }> }, intake: { total: number, points: Array<{ count: number }> } }> };

export type StepFieldsFragment = { kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } };

export type PipelineFieldsFragment = { from: string, to: string, lookback: boolean, previousFrom: string, previousTo: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }> };

export type DestinationPageQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
}>;


export type DestinationPageQuery = { destination: { id: string, name: string, kind: DestinationKind, sources: Array<{ id: string, name: string }>, mappings: Array<{ id: string, name: string }>, pipeline: { from: string, to: string, lookback: boolean, previousFrom: string, previousTo: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }> } } | null };

export type PipelineLiveSubscriptionVariables = Exact<{
  destinationId: string | number;
  range: TimeRangeInput;
  mappingId?: string | number | null | undefined;
}>;


export type PipelineLiveSubscription = { pipelineUpdated: { from: string, to: string, lookback: boolean, previousFrom: string, previousTo: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }> } };

export type RetryPendingLiveSubscriptionVariables = Exact<{
  destinationId: string | number;
  mappingId?: string | number | null | undefined;
}>;


export type RetryPendingLiveSubscription = { retryPendingChanged: { count: number, at: string } };

export type SourcePageQueryVariables = Exact<{
  id: string | number;
  range: TimeRangeInput;
}>;


export type SourcePageQuery = { source: { id: string, name: string, pipeline: { from: string, to: string, lookback: boolean, previousFrom: string, previousTo: string, retryPending: number | null, steps: Array<{ kind: PipelineStepKind, label: string, count: number, previousCount: number | null, share: number | null, isDiscard: boolean, change: { count: number | null, relativePercent: number | null, percentagePoints: number | null } }> }, destinations: Array<{ destination: { id: string, name: string, kind: DestinationKind }, pipeline: { steps: Array<{ kind: PipelineStepKind, label: string, count: number, share: number | null }> } }> } | null };

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
  windowMinutes
  minVolume
  enabled
  webhook
  emails
  state
  stateSince
}
    `, {"fragmentName":"AlertRuleFields"}) as unknown as TypedDocumentString<AlertRuleFieldsFragment, unknown>;
export const ChangeFieldsFragmentDoc = new TypedDocumentString(`
    fragment ChangeFields on Change {
  count
  relativePercent
  percentagePoints
}
    `, {"fragmentName":"ChangeFields"}) as unknown as TypedDocumentString<ChangeFieldsFragment, unknown>;
export const SeriesFieldsFragmentDoc = new TypedDocumentString(`
    fragment SeriesFields on Series {
  reason
  total
  points {
    at
    count
  }
}
    `, {"fragmentName":"SeriesFields"}) as unknown as TypedDocumentString<SeriesFieldsFragment, unknown>;
export const SyncRunFieldsFragmentDoc = new TypedDocumentString(`
    fragment SyncRunFields on SyncRun {
  id
  startedAt
  finishedAt
  status
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
export const StepFieldsFragmentDoc = new TypedDocumentString(`
    fragment StepFields on PipelineStep {
  kind
  label
  count
  previousCount
  share
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
  isDiscard
  change {
    count
    relativePercent
    percentagePoints
  }
}`, {"fragmentName":"PipelineFields"}) as unknown as TypedDocumentString<PipelineFieldsFragment, unknown>;
export const AlertsPageDocument = new TypedDocumentString(`
    query AlertsPage($range: TimeRangeInput!) {
  alertRules {
    ...AlertRuleFields
  }
  alertHistory(range: $range, first: 100) {
    id
    ruleId
    ruleName
    kind
    state
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
  windowMinutes
  minVolume
  enabled
  webhook
  emails
  state
  stateSince
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
export const AlertEventsLiveDocument = new TypedDocumentString(`
    subscription AlertEventsLive {
  alertEvents {
    id
    ruleName
    state
    message
    at
    destinationId
  }
}
    `) as unknown as TypedDocumentString<AlertEventsLiveSubscription, AlertEventsLiveSubscriptionVariables>;
export const DiscardsDocument = new TypedDocumentString(`
    query Discards($id: ID!, $step: PipelineStepKind!, $range: TimeRangeInput!, $mappingId: ID, $granularity: Granularity!) {
  destination(id: $id) {
    id
    discards(step: $step, range: $range, mappingId: $mappingId) {
      count
      previousCount
      share
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
    timeseries(
      step: $step
      range: $range
      granularity: $granularity
      mappingId: $mappingId
      groupBy: [REASON]
    ) {
      ...SeriesFields
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
  }
}`) as unknown as TypedDocumentString<DiscardsQuery, DiscardsQueryVariables>;
export const BreakdownDocument = new TypedDocumentString(`
    query Breakdown($id: ID!, $step: PipelineStepKind!, $reason: String, $range: TimeRangeInput!, $mappingId: ID, $granularity: Granularity!, $withSeries: Boolean!) {
  destination(id: $id) {
    id
    breakdown(
      step: $step
      reason: $reason
      range: $range
      mappingId: $mappingId
      first: 100
    ) {
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
      change {
        ...ChangeFields
      }
    }
    timeseries(
      step: $step
      range: $range
      granularity: $granularity
      mappingId: $mappingId
    ) @include(if: $withSeries) {
      ...SeriesFields
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
  }
}`) as unknown as TypedDocumentString<BreakdownQuery, BreakdownQueryVariables>;
export const SyncsDocument = new TypedDocumentString(`
    query Syncs($id: ID!, $range: TimeRangeInput!) {
  destination(id: $id) {
    id
    syncs(range: $range, first: 200) {
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
  }
}
    `) as unknown as TypedDocumentString<SyncsQuery, SyncsQueryVariables>;
export const InsightsDocument = new TypedDocumentString(`
    query Insights($id: ID!, $range: TimeRangeInput!, $mappingId: ID) {
  destination(id: $id) {
    id
    insights(range: $range, mappingId: $mappingId, limit: 5) {
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
  }
}
    `) as unknown as TypedDocumentString<InsightsQuery, InsightsQueryVariables>;
export const TraceDocument = new TypedDocumentString(`
    query Trace($messageId: String!) {
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
export const SyncRunsDocument = new TypedDocumentString(`
    query SyncRuns($id: ID!, $range: TimeRangeInput!) {
  destination(id: $id) {
    id
    syncRuns(range: $range, first: 200) {
      ...SyncRunFields
    }
  }
}
    fragment SyncRunFields on SyncRun {
  id
  startedAt
  finishedAt
  status
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
}`) as unknown as TypedDocumentString<SyncRunsQuery, SyncRunsQueryVariables>;
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
export const DestinationLatencyDocument = new TypedDocumentString(`
    query DestinationLatency($id: ID!, $range: TimeRangeInput!, $granularity: Granularity!, $mappingId: ID) {
  destination(id: $id) {
    id
    latency(range: $range, granularity: $granularity, mappingId: $mappingId) {
      count
      p50
      p95
      p99
      relativeError
      points {
        at
        count
        p95
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DestinationLatencyQuery, DestinationLatencyQueryVariables>;
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
    retryPending
    pipeline(range: $range) {
      from
      to
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
    intake(range: $range, granularity: $granularity) {
      total
      points {
        count
      }
    }
  }
}
    `) as unknown as TypedDocumentString<OverviewQuery, OverviewQueryVariables>;
export const DestinationPageDocument = new TypedDocumentString(`
    query DestinationPage($id: ID!, $range: TimeRangeInput!, $mappingId: ID) {
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
    pipeline(range: $range, mappingId: $mappingId) {
      ...PipelineFields
    }
  }
}
    fragment StepFields on PipelineStep {
  kind
  label
  count
  previousCount
  share
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
}`) as unknown as TypedDocumentString<DestinationPageQuery, DestinationPageQueryVariables>;
export const PipelineLiveDocument = new TypedDocumentString(`
    subscription PipelineLive($destinationId: ID!, $range: TimeRangeInput!, $mappingId: ID) {
  pipelineUpdated(
    destinationId: $destinationId
    range: $range
    mappingId: $mappingId
  ) {
    ...PipelineFields
  }
}
    fragment StepFields on PipelineStep {
  kind
  label
  count
  previousCount
  share
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
}`) as unknown as TypedDocumentString<PipelineLiveSubscription, PipelineLiveSubscriptionVariables>;
export const RetryPendingLiveDocument = new TypedDocumentString(`
    subscription RetryPendingLive($destinationId: ID!, $mappingId: ID) {
  retryPendingChanged(destinationId: $destinationId, mappingId: $mappingId) {
    count
    at
  }
}
    `) as unknown as TypedDocumentString<RetryPendingLiveSubscription, RetryPendingLiveSubscriptionVariables>;
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