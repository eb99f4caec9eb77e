import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ALERT_KINDS } from '../../alerts/rules';
import type { AlertKind } from '../../alerts/rules';
import { NOTIFICATION_CHANNELS, type AlertSeverity, type NotificationChannel } from '../../alerts/values';
import { PipelineStepKind } from '../../domain/steps';
import { DateTime } from '../common/scalars';
import { Cost } from '../common/cost';

function upperEnum<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v]));
}

export const AlertKindEnum = upperEnum(ALERT_KINDS);
registerEnumType(AlertKindEnum, {
  name: 'AlertKind',
  description: 'What an alert rule watches. See each value.',
  valuesConfig: {
    DELIVERY_RATE_BELOW: {
      description:
        'Successful delivery rate of a destination (or one Actions mapping) below `threshold` %: delivered / (delivered + failed delivery) × 100 over the window.',
    },
    SOURCE_VOLUME_ANOMALY: {
      description:
        "A source's received volume in the window outside ± `threshold` % of its typical volume: the mean of the same window at the same time of day on each of the previous 7 days.",
    },
    DISCARD_RATE_ABOVE: {
      description:
        "Events of a discard step (optionally one reason) above `threshold` % of the pipeline's first step over the window: Successfully received (summed over the destination's connected sources), Records extracted (Reverse ETL) or Membership changes computed (audience).",
    },
    SYNC_FAILURES: { description: 'Storage destinations: syncs started in the window that failed or were partial, at or above `threshold`.' },
    RETRY_PENDING_ABOVE: { description: 'The retry-pending gauge of a destination (or one mapping) above `threshold` events. The window does not apply.' },
    RETL_MAPPING_DELIVERY_RATE_BELOW: {
      description:
        'Reverse ETL: the successful delivery rate of one mapping (mappingId required) below `threshold` %: its delivered records / (delivered + failed delivery) × 100 over the window.',
    },
    AUDIENCE_SYNC_HEALTH_BELOW: {
      description:
        'Audience destinations: the share of membership changes to send that arrived below `threshold` %: delivered / (computed − filtered at destination) × 100 over the window. Changes still waiting for a retry count against it until they arrive.',
    },
    DESTINATION_QUIET: {
      description:
        "A destination going quiet: events keep arriving but it delivers (nearly) nothing. Fires when delivered / expected × 100 over the window is below `threshold` % (default 1), where expected is what arrived minus what filters took on purpose: the connected sources' Successfully received (classic, Actions, storage), Records extracted (Reverse ETL) or Membership changes computed (audience). Delivered is Successful delivery, or for storage the rows its syncs loaded. `minVolume` guards the expected count; the event's `counts` explain the value.",
    },
  },
});

export const AlertStateEnum = upperEnum(['ok', 'firing'] as const);
registerEnumType(AlertStateEnum, { name: 'AlertState', description: 'Where a rule stands: OK, or FIRING until it recovers.' });

export const AlertTransitionEnum = upperEnum(['firing', 'resolved'] as const);
registerEnumType(AlertTransitionEnum, {
  name: 'AlertTransition',
  description: 'What an alert event records: the rule started FIRING, or it RESOLVED (recovered).',
});

export const NotificationChannelEnum = upperEnum(NOTIFICATION_CHANNELS);
registerEnumType(NotificationChannelEnum, {
  name: 'NotificationChannel',
  description:
    'Where a notification went (in-app delivery is the alertEvents subscription): a signed webhook, email, a Slack incoming webhook, PagerDuty Events API v2.',
});

export const AlertSeverityEnum = upperEnum(['warning', 'critical'] as const);
registerEnumType(AlertSeverityEnum, { name: 'AlertSeverity', description: 'WARNING: past `threshold`; CRITICAL: past `criticalThreshold` too.' });

@ObjectType({ description: 'Who acknowledged an open alert, and when.' })
export class AlertAcknowledgement {
  @Field(() => String, { description: 'The id of the token that acknowledged it (tok_…).' })
  by!: string;
  @Field(() => DateTime)
  at!: Date;
}

export const NotificationOutcomeEnum = upperEnum(['delivered', 'retrying', 'failed'] as const);
registerEnumType(NotificationOutcomeEnum, {
  name: 'NotificationOutcome',
  description: 'DELIVERED; RETRYING (an attempt failed, another is scheduled); FAILED (no attempts left, or a permanent refusal).',
});

@ObjectType({ description: 'A rule that watches one metric and notifies once when it starts firing and once when it recovers.' })
export class AlertRule {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => AlertKindEnum)
  kind!: AlertKind;
  @Field(() => ID, { nullable: true })
  destinationId!: string | null;
  @Field(() => ID, { nullable: true, description: 'Actions destinations: narrows the destination-side steps to one mapping.' })
  mappingId!: string | null;
  @Field(() => ID, { nullable: true, description: 'SOURCE_VOLUME_ANOMALY: the source watched.' })
  sourceId!: string | null;
  @Field(() => PipelineStepKind, { nullable: true, description: 'DISCARD_RATE_ABOVE: the discard step watched.' })
  step!: PipelineStepKind | null;
  @Field(() => String, { nullable: true, description: 'DISCARD_RATE_ABOVE: only this reason code.' })
  reason!: string | null;
  @Field(() => Float, {
    description: 'The warning threshold: percent for the rate, share and anomaly kinds; a count for SYNC_FAILURES and RETRY_PENDING_ABOVE.',
  })
  threshold!: number;
  @Field(() => Float, { nullable: true, description: 'Past this too the rule fires CRITICAL (compared like threshold, and beyond it); null: warnings only.' })
  criticalThreshold!: number | null;
  @Field(() => Int, { description: 'The window: the last this many whole minutes before each evaluation.' })
  windowMinutes!: number;
  @Field(() => Int, {
    description:
      'Below this many events in the sample (delivery attempts, received events, the larger of current and typical volume, or for DESTINATION_QUIET the expected events) no transition happens. The count kinds ignore it.',
  })
  minVolume!: number;
  @Field(() => Boolean)
  enabled!: boolean;
  @Field(() => String, { nullable: true, description: 'Where webhooks go, as scheme, host and port only (the full URL can hold a secret).' })
  webhook!: string | null;
  @Field(() => Boolean, {
    description:
      'Webhook bodies are signed with the secret set on the rule: Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) and X-Delivery-Overview-Signature.',
  })
  webhookSigned!: boolean;
  @Cost({ list: { assumed: 10 } })
  @Field(() => [String])
  emails!: string[];
  @Field(() => String, { nullable: true, description: 'Where Slack messages go, as scheme, host and port only (the path is the credential).' })
  slack!: string | null;
  @Field(() => Boolean, { description: 'Firings and recoveries go to PagerDuty (a routing key is set; it is never shown).' })
  pagerduty!: boolean;
  @Field(() => DateTime, {
    nullable: true,
    description: 'Notifications are withheld until then (a firing announced before still gets its recovery); null: not muted.',
  })
  mutedUntil!: Date | null;
  @Field(() => AlertStateEnum)
  state!: 'ok' | 'firing';
  @Field(() => AlertSeverityEnum, { nullable: true, description: 'While FIRING: WARNING or CRITICAL.' })
  severity!: AlertSeverity | null;
  @Field(() => DateTime, { description: 'When the rule entered its state (its creation while it never fired); a change of severity starts it again.' })
  stateSince!: Date;
  @Field(() => AlertAcknowledgement, { nullable: true, description: 'Who acknowledged the open alert (this firing), and when.' })
  acknowledgement!: AlertAcknowledgement | null;
  @Field(() => DateTime)
  createdAt!: Date;
  @Field(() => DateTime)
  updatedAt!: Date;
}

@ObjectType({ description: 'How one notification of an alert event went.' })
export class AlertNotification {
  @Field(() => NotificationChannelEnum)
  channel!: NotificationChannel;
  @Field(() => String, { description: "The webhook's, Slack's or PagerDuty's scheme, host and port, or the email addresses." })
  target!: string;
  @Field(() => NotificationOutcomeEnum)
  outcome!: 'delivered' | 'retrying' | 'failed';
  @Field(() => Int)
  attempts!: number;
  @Field(() => String, { nullable: true, description: 'What went wrong on the last failed attempt.' })
  lastError!: string | null;
  @Field(() => Int, { nullable: true, description: "The receiver's last HTTP status (webhooks)." })
  statusCode!: number | null;
  @Field(() => DateTime, { description: 'When this outcome was recorded.' })
  at!: Date;
}

@ObjectType({ description: 'One count an alert event was computed from.' })
export class AlertCount {
  @Field(() => String, { description: 'DESTINATION_QUIET: received, extracted or computed (what arrived), filtered, expected, delivered or rowsSynced.' })
  name!: string;
  @Field(() => Float)
  count!: number;
}

@ObjectType({ description: 'A rule started firing, or recovered. Exactly one per transition, whichever gateway replica evaluated it.' })
export class AlertEvent {
  @Field(() => ID, { description: 'The idempotency key `<ruleId>:<previous state since, ms>:<firing|resolved>`, also sent as the webhook Idempotency-Key.' })
  id!: string;
  @Field(() => ID)
  ruleId!: string;
  @Field(() => String, { description: 'The rule name at the time.' })
  ruleName!: string;
  @Field(() => AlertKindEnum)
  kind!: AlertKind;
  @Field(() => AlertTransitionEnum)
  state!: 'firing' | 'resolved';
  @Field(() => AlertSeverityEnum, { description: 'The severity it fired or changed to; for a recovery, the one it recovered from.' })
  severity!: AlertSeverity;
  @Field(() => AlertSeverityEnum, { nullable: true, description: 'Set when the event is a change of severity of a firing rule: the severity it left.' })
  previousSeverity!: AlertSeverity | null;
  @Field(() => Boolean, { description: 'Its notifications were withheld: the rule was muted (for a recovery: when it fired).' })
  muted!: boolean;
  @Field(() => DateTime, { nullable: true, description: 'The mute in force at the time, if any.' })
  mutedUntil!: Date | null;
  @Field(() => DateTime)
  at!: Date;
  @Field(() => DateTime, { description: 'Since when the rule had been in the state it left.' })
  previousStateSince!: Date;
  @Field(() => ID, { nullable: true })
  destinationId!: string | null;
  @Field(() => ID, { nullable: true })
  mappingId!: string | null;
  @Field(() => ID, { nullable: true })
  sourceId!: string | null;
  @Field(() => PipelineStepKind, { nullable: true })
  step!: PipelineStepKind | null;
  @Field(() => String, { nullable: true })
  reason!: string | null;
  @Field(() => Float, {
    nullable: true,
    description: 'The measured value compared with the threshold (percent, or a count); null when undefined (e.g. no typical volume).',
  })
  value!: number | null;
  @Field(() => Float, { description: "The threshold of the event's severity (the critical one for a CRITICAL event)." })
  threshold!: number;
  @Field(() => Float, {
    description:
      'The sample behind the value: delivery attempts, received events, the window volume, failed syncs, the gauge, or (DESTINATION_QUIET) the expected events.',
  })
  volume!: number;
  @Field(() => Float, { nullable: true, description: 'SOURCE_VOLUME_ANOMALY: the typical volume.' })
  baseline!: number | null;
  @Cost({ list: { assumed: 4 } })
  @Field(() => [AlertCount], {
    description:
      'The counts the value was computed from, in the order measured (DESTINATION_QUIET: what arrived, was filtered on purpose, was expected, was delivered); empty for the other kinds.',
  })
  counts!: AlertCount[];
  @Field(() => Int)
  windowMinutes!: number;
  @Field(() => String, { description: 'One sentence for people, as sent to webhooks and email.' })
  message!: string;
}
