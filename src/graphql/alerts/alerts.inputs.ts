/** The inputs of the alert rule mutations: a new rule, and changes to one. */
import { ArrayMaxSize, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import {
  DEFAULT_MIN_VOLUME,
  DEFAULT_WINDOW_MINUTES,
  MAX_EMAILS,
  MAX_MIN_VOLUME,
  MAX_NAME_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_URL_LENGTH,
  MAX_WINDOW_MINUTES,
  MIN_WINDOW_MINUTES,
} from '../../alerts/rules';
import type { AlertKind } from '../../alerts/rules';
import { PipelineStepKind } from '../../domain/steps';
import { AlertKindEnum } from './alerts.type';

/** Descriptions shared by the create and update inputs (the update's fields are the create's, each optional). */
const CRITICAL_THRESHOLD_DOC =
  'Past this too the rule fires CRITICAL: compared like threshold and beyond it (below it for the rate kinds, above it for the others).';
const SLACK_URL_DOC = 'A Slack incoming webhook URL: a Block Kit message per firing, change of severity and recovery. Stored sealed; never shown again.';
const PAGERDUTY_KEY_DOC =
  'A PagerDuty Events API v2 routing key (32 characters): trigger and resolve, one incident per rule and scope. Stored sealed; never shown again.';

@InputType({ description: 'A new alert rule. Which fields apply depends on kind; a field that does not apply is refused.' })
export class AlertRuleInput {
  @Field(() => String)
  @MaxLength(MAX_NAME_LENGTH)
  name!: string;
  @Field(() => AlertKindEnum)
  kind!: AlertKind;
  @Field(() => ID, { nullable: true, description: 'Every kind but SOURCE_VOLUME_ANOMALY: a destination of this workspace.' })
  destinationId?: string | null;
  @Field(() => ID, { nullable: true, description: 'DELIVERY_RATE_BELOW, DISCARD_RATE_ABOVE, RETRY_PENDING_ABOVE on Actions destinations.' })
  mappingId?: string | null;
  @Field(() => ID, { nullable: true, description: 'SOURCE_VOLUME_ANOMALY: a source of this workspace.' })
  sourceId?: string | null;
  @Field(() => PipelineStepKind, {
    nullable: true,
    description: 'DISCARD_RATE_ABOVE: FAILED_ON_INGEST, FILTERED_AT_SOURCE, FILTERED_AT_DESTINATION or FAILED_DELIVERY.',
  })
  step?: PipelineStepKind | null;
  @Field(() => String, { nullable: true, description: 'DISCARD_RATE_ABOVE: only this reason code.' })
  reason?: string | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'DELIVERY_RATE_BELOW: (0, 100] %; DISCARD_RATE_ABOVE: [0, 100] %; SOURCE_VOLUME_ANOMALY: 1-1000 %; SYNC_FAILURES: a count ≥ 1; RETRY_PENDING_ABOVE: a count ≥ 0; DESTINATION_QUIET: (0, 100] % of the expected events, default 1. Required for every kind without a default.',
  })
  threshold?: number | null;
  @Field(() => Int, { defaultValue: DEFAULT_WINDOW_MINUTES, description: `${MIN_WINDOW_MINUTES} (5 minutes) to ${MAX_WINDOW_MINUTES} (14 days).` })
  @Min(MIN_WINDOW_MINUTES)
  @Max(MAX_WINDOW_MINUTES)
  windowMinutes!: number;
  @Field(() => Int, { defaultValue: DEFAULT_MIN_VOLUME })
  @Min(0)
  @Max(MAX_MIN_VOLUME)
  minVolume!: number;
  @Field(() => Boolean, { defaultValue: true })
  enabled!: boolean;
  @Field(() => String, { nullable: true, description: 'http(s) URL that receives a JSON POST per firing and recovery (Slack incoming webhooks accept it).' })
  @IsOptional()
  @MaxLength(MAX_URL_LENGTH)
  webhookUrl?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Signs webhook bodies: webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> (Standard Webhooks; a whsec_ secret is base64-decoded, any other text is its UTF-8 bytes) and X-Delivery-Overview-Signature: sha256=<hex HMAC-SHA256 of the raw body>. 16-256 characters; never shown again. rotateAlertWebhookSecret makes one.',
  })
  @IsOptional()
  @MaxLength(MAX_SECRET_LENGTH)
  webhookSecret?: string | null;
  @Field(() => [String], { defaultValue: [], description: `Up to ${MAX_EMAILS} addresses that get one email per firing and recovery.` })
  @ArrayMaxSize(MAX_EMAILS)
  emails!: string[];
  @Field(() => Float, {
    nullable: true,
    description: CRITICAL_THRESHOLD_DOC,
  })
  criticalThreshold?: number | null;
  @Field(() => String, {
    nullable: true,
    description: SLACK_URL_DOC,
  })
  @IsOptional()
  @MaxLength(MAX_URL_LENGTH)
  slackWebhookUrl?: string | null;
  @Field(() => String, {
    nullable: true,
    description: PAGERDUTY_KEY_DOC,
  })
  @IsOptional()
  @MaxLength(64)
  pagerdutyRoutingKey?: string | null;
}

@InputType({ description: 'Changes to an alert rule: omitted fields stay, null clears an optional field. The result is checked as a whole.' })
export class AlertRuleUpdateInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(MAX_NAME_LENGTH)
  name?: string | null;
  @Field(() => AlertKindEnum, { nullable: true })
  kind?: AlertKind | null;
  @Field(() => ID, { nullable: true })
  destinationId?: string | null;
  @Field(() => ID, { nullable: true })
  mappingId?: string | null;
  @Field(() => ID, { nullable: true })
  sourceId?: string | null;
  @Field(() => PipelineStepKind, { nullable: true })
  step?: PipelineStepKind | null;
  @Field(() => String, { nullable: true })
  reason?: string | null;
  @Field(() => Float, { nullable: true })
  threshold?: number | null;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(MIN_WINDOW_MINUTES)
  @Max(MAX_WINDOW_MINUTES)
  windowMinutes?: number | null;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(MAX_MIN_VOLUME)
  minVolume?: number | null;
  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
  @Field(() => String, { nullable: true, description: 'A new URL drops the old secret unless webhookSecret is given too.' })
  @IsOptional()
  @MaxLength(MAX_URL_LENGTH)
  webhookUrl?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(MAX_SECRET_LENGTH)
  webhookSecret?: string | null;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_EMAILS)
  emails?: string[] | null;
  @Field(() => Float, {
    nullable: true,
    description: CRITICAL_THRESHOLD_DOC,
  })
  criticalThreshold?: number | null;
  @Field(() => String, {
    nullable: true,
    description: SLACK_URL_DOC,
  })
  @IsOptional()
  @MaxLength(MAX_URL_LENGTH)
  slackWebhookUrl?: string | null;
  @Field(() => String, {
    nullable: true,
    description: PAGERDUTY_KEY_DOC,
  })
  @IsOptional()
  @MaxLength(64)
  pagerdutyRoutingKey?: string | null;
}
