import { checkOutboundUrl, checkRoutingKey } from './channels';
import { AppError, ErrorCode } from '../domain/errors';
import { ID_RULE, isValidId } from '../domain/ids';
import { isDiscardReportStep, type DestinationKind, type ReportStep } from '../domain/steps';

/**
 * Alert rules: what each kind measures, its limits and defaults, and the checks that
 * need no I/O. Checks against the catalog (does the destination exist, what kind is it)
 * live in rule.service.ts.
 */
export const ALERT_KINDS = [
  'delivery_rate_below',
  'source_volume_anomaly',
  'discard_rate_above',
  'sync_failures',
  'retry_pending_above',
  'retl_mapping_delivery_rate_below',
  'audience_sync_health_below',
  'destination_quiet',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertState = 'ok' | 'firing';
/** What an alert event records: the rule started firing, or it recovered. */
export type AlertTransition = 'firing' | 'resolved';

export const MAX_RULES_PER_WORKSPACE = 50;
export const DEFAULT_WINDOW_MINUTES = 24 * 60;
export const MIN_WINDOW_MINUTES = 5;
export const MAX_WINDOW_MINUTES = 14 * 24 * 60;
export const DEFAULT_MIN_VOLUME = 100;
export const MAX_MIN_VOLUME = 1_000_000_000;
export const MAX_NAME_LENGTH = 200;
export const MAX_EMAILS = 20;
export { MAX_URL_LENGTH } from './channels';
export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;
export const MAX_REASON_LENGTH = 128;
/** SOURCE_VOLUME_ANOMALY compares with the same window on each of this many previous days. */
export const TYPICAL_DAYS = 7;
/**
 * DESTINATION_QUIET fires below this delivered share (percent of the expected events) by
 * default: "nearly nothing", with room for the odd delivery of a destination that is mostly down.
 */
export const DEFAULT_QUIET_THRESHOLD = 1;

/** How a kind's threshold is read, and its allowed range. */
interface KindSpec {
  /** The rule is about a destination (else about a source). */
  target: 'destination' | 'source';
  /** Destination kinds the rule applies to. */
  destinationKinds: readonly DestinationKind[];
  /** A mapping may narrow the rule ('required': the rule is about one mapping). */
  mapping: boolean | 'required';
  step: boolean;
  /** The window matters (RETRY_PENDING_ABOVE reads a gauge). */
  windowed: boolean;
  /** minVolume guards it (the count kinds' threshold is itself an absolute count). */
  guarded: boolean;
  threshold: { min: number; max: number; integer: boolean; minExclusive?: boolean; unit: string };
  /** The threshold a rule of this kind gets when none is given; without one, threshold is required. */
  defaultThreshold?: number;
}

export const KIND_SPECS: Record<AlertKind, KindSpec> = {
  delivery_rate_below: {
    target: 'destination',
    destinationKinds: ['classic', 'actions'],
    mapping: true,
    step: false,
    windowed: true,
    guarded: true,
    threshold: { min: 0, max: 100, integer: false, minExclusive: true, unit: 'percent of delivery attempts that succeeded' },
  },
  source_volume_anomaly: {
    target: 'source',
    destinationKinds: [],
    mapping: false,
    step: false,
    windowed: true,
    guarded: true,
    threshold: { min: 1, max: 1000, integer: false, unit: 'percent deviation from the typical volume' },
  },
  discard_rate_above: {
    target: 'destination',
    destinationKinds: ['classic', 'actions', 'storage', 'retl', 'audience'],
    mapping: true,
    step: true,
    windowed: true,
    guarded: true,
    threshold: { min: 0, max: 100, integer: false, unit: "percent of the pipeline's first step" },
  },
  sync_failures: {
    target: 'destination',
    destinationKinds: ['storage'],
    mapping: false,
    step: false,
    windowed: true,
    guarded: false,
    threshold: { min: 1, max: 1_000_000, integer: true, unit: 'failed or partial syncs' },
  },
  retry_pending_above: {
    target: 'destination',
    destinationKinds: ['classic', 'actions', 'retl', 'audience'],
    mapping: true,
    step: false,
    windowed: false,
    guarded: false,
    threshold: { min: 0, max: 1_000_000_000, integer: true, unit: 'events waiting for a retry' },
  },
  retl_mapping_delivery_rate_below: {
    target: 'destination',
    destinationKinds: ['retl'],
    mapping: 'required',
    step: false,
    windowed: true,
    guarded: true,
    threshold: { min: 0, max: 100, integer: false, minExclusive: true, unit: "percent of the mapping's delivery attempts that succeeded" },
  },
  audience_sync_health_below: {
    target: 'destination',
    destinationKinds: ['audience'],
    mapping: false,
    step: false,
    windowed: true,
    guarded: true,
    threshold: { min: 0, max: 100, integer: false, minExclusive: true, unit: 'percent of the membership changes to send that arrived' },
  },
  // Every kind: what "its sources keep receiving" and "it delivers" mean per kind is in quiet.ts.
  destination_quiet: {
    target: 'destination',
    destinationKinds: ['classic', 'actions', 'storage', 'retl', 'audience'],
    mapping: false,
    step: false,
    windowed: true,
    guarded: true,
    threshold: { min: 0, max: 100, integer: false, minExclusive: true, unit: 'percent of the expected events that were delivered' },
    defaultThreshold: DEFAULT_QUIET_THRESHOLD,
  },
};

/**
 * The threshold of a new rule: the one given, else the kind's default. A kind without a
 * default (every kind but DESTINATION_QUIET) needs one: what a rate or count should alert at
 * depends on the destination.
 */
export function thresholdOrDefault(kind: AlertKind, threshold: number | null | undefined): number {
  if (threshold != null) return threshold;
  const fallback = KIND_SPECS[kind]?.defaultThreshold;
  if (fallback === undefined) throw bad('threshold', `${kind.toUpperCase()} needs a threshold (${KIND_SPECS[kind]?.threshold.unit ?? 'see the kind'})`);
  return fallback;
}

export interface AlertRuleValue {
  id: string;
  workspaceId: string;
  name: string;
  kind: AlertKind;
  destinationId: string | null;
  mappingId: string | null;
  sourceId: string | null;
  /** DISCARD_RATE_ABOVE: the discard report step. */
  step: ReportStep | null;
  reason: string | null;
  /** The warning threshold. */
  threshold: number;
  /** Past this too, the rule fires critical; null: warning only. */
  criticalThreshold: number | null;
  windowMinutes: number;
  minVolume: number;
  enabled: boolean;
  webhookUrl: string | null;
  webhookSecret: string | null;
  emails: string[];
  /** A Slack incoming webhook URL (sealed at rest: its path is the credential). */
  slackWebhookUrl: string | null;
  /** A PagerDuty Events API v2 routing key (sealed at rest). */
  pagerdutyRoutingKey: string | null;
  /** Notifications are withheld until then (ms); null: not muted. */
  mutedUntil: number | null;
  /** ms since the epoch. */
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** The fields a caller sets (create, or the merged result of an update). */
export type AlertRuleFields = Omit<AlertRuleValue, 'id' | 'workspaceId' | 'createdAt' | 'updatedAt' | 'version'>;

function bad(field: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, message, { field, ...extra });
}

// Syntactic only (RFC 5322 is far wider; this is what mail systems accept in practice).
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value) && !value.includes('..') && value.split('@')[0].length <= 64;
}

/** The checks that need no I/O; throws a BAD_USER_INPUT naming the field. Returns the normalized fields. */
/** `allowPrivateNetworks`: accept webhook URLs whose host is a private, loopback or link-local address literal. */
export function checkRuleFields(f: AlertRuleFields, allowPrivateNetworks = false): AlertRuleFields {
  const spec = KIND_SPECS[f.kind];
  if (!spec) throw bad('kind', `Unknown alert kind ${String(f.kind)}`, { allowed: ALERT_KINDS });
  const name = f.name.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw bad('name', `name must be 1-${MAX_NAME_LENGTH} characters`);

  const id = (field: string, v: string | null) => {
    if (v !== null && !isValidId(v)) throw bad(field, `${field} must be ${ID_RULE}`);
  };
  id('destinationId', f.destinationId);
  id('mappingId', f.mappingId);
  id('sourceId', f.sourceId);
  const kindName = f.kind.toUpperCase();
  if (spec.target === 'destination') {
    if (f.destinationId === null) throw bad('destinationId', `${kindName} needs a destinationId`);
    if (f.sourceId !== null) throw bad('sourceId', `${kindName} is about a destination; sourceId does not apply`);
  } else {
    if (f.sourceId === null) throw bad('sourceId', `${kindName} needs a sourceId`);
    if (f.destinationId !== null) throw bad('destinationId', `${kindName} is about a source; destinationId does not apply`);
  }
  if (!spec.mapping && f.mappingId !== null) throw bad('mappingId', `mappingId does not apply to ${kindName}`);
  if (spec.mapping === 'required' && f.mappingId === null) throw bad('mappingId', `${kindName} is about one mapping: it needs a mappingId`);
  if (spec.step) {
    if (f.step === null) throw bad('step', `${kindName} needs a discard step`);
    if (!isDiscardReportStep(f.step)) throw bad('step', `${f.step} is not a discard step`);
  } else {
    if (f.step !== null) throw bad('step', `step does not apply to ${kindName}`);
    if (f.reason !== null) throw bad('reason', `reason does not apply to ${kindName}`);
  }
  if (f.reason !== null && (f.reason.length === 0 || f.reason.length > MAX_REASON_LENGTH))
    throw bad('reason', `reason must be 1-${MAX_REASON_LENGTH} characters`);

  const t = spec.threshold;
  const below = t.minExclusive ? f.threshold <= t.min : f.threshold < t.min;
  if (!Number.isFinite(f.threshold) || below || f.threshold > t.max || (t.integer && !Number.isInteger(f.threshold))) {
    const range = `${t.minExclusive ? 'greater than' : 'from'} ${t.min} ${t.minExclusive ? 'and at most' : 'to'} ${t.max}`;
    throw bad('threshold', `threshold of ${kindName} (${t.unit}) must be ${t.integer ? 'an integer ' : ''}${range}`, { min: t.min, max: t.max });
  }
  if (!Number.isInteger(f.windowMinutes) || f.windowMinutes < MIN_WINDOW_MINUTES || f.windowMinutes > MAX_WINDOW_MINUTES) {
    throw bad('windowMinutes', `windowMinutes must be an integer from ${MIN_WINDOW_MINUTES} (5 minutes) to ${MAX_WINDOW_MINUTES} (14 days)`, {
      min: MIN_WINDOW_MINUTES,
      max: MAX_WINDOW_MINUTES,
    });
  }
  if (!Number.isInteger(f.minVolume) || f.minVolume < 0 || f.minVolume > MAX_MIN_VOLUME) {
    throw bad('minVolume', `minVolume must be an integer from 0 to ${MAX_MIN_VOLUME}`);
  }

  const webhookUrl =
    f.webhookUrl === null ? null : checkOutboundUrl('webhookUrl', f.webhookUrl, allowPrivateNetworks, 'sign requests with webhookSecret instead');
  const slackWebhookUrl =
    f.slackWebhookUrl === null ? null : checkOutboundUrl('slackWebhookUrl', f.slackWebhookUrl, allowPrivateNetworks, 'use the incoming webhook URL Slack gave');
  const pagerdutyRoutingKey = f.pagerdutyRoutingKey === null ? null : checkRoutingKey(f.pagerdutyRoutingKey);
  if (f.webhookSecret !== null) {
    if (webhookUrl === null) throw bad('webhookSecret', 'webhookSecret needs a webhookUrl');
    if (f.webhookSecret.length < MIN_SECRET_LENGTH || f.webhookSecret.length > MAX_SECRET_LENGTH) {
      throw bad('webhookSecret', `webhookSecret must be ${MIN_SECRET_LENGTH}-${MAX_SECRET_LENGTH} characters`);
    }
  }
  const emails = [...new Set(f.emails.map((e) => e.trim()))];
  if (emails.length > MAX_EMAILS) throw bad('emails', `At most ${MAX_EMAILS} email addresses per rule`);
  const invalid = emails.filter((e) => !isValidEmail(e));
  if (invalid.length > 0) throw bad('emails', `Not a valid email address: ${invalid.slice(0, 3).join(', ')}`, { invalid: invalid.slice(0, 20) });

  return { ...f, name, webhookUrl, slackWebhookUrl, pagerdutyRoutingKey, emails };
}

/** The webhook URL as the API shows it: scheme, host and port only (a Slack URL's path is its secret). */
export function redactUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return null;
  }
}

/** Human words for a rule's window. */
export function windowText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '24 h' : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}
