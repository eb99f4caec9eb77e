import { discardReasonOrUnknown, type DiscardStep } from '../../domain/discard-reasons';
import { discardKindOf, isDiscardReportStep, type ReportStep } from '../../domain/steps';
import type { ResolvedRange } from '../../domain/time-range';
import { discardCounts, discardSamples, type DiscardSampleValue } from '../../metrics/breakdown.query';
import type { CatalogService } from '../../metrics/catalog.service';
import type { StepScope } from '../../metrics/step-scope';
import type { WorkspaceDb } from '../../metrics/workspace-db';
import { ruleWindow } from '../measure';
import { KIND_SPECS, type AlertRuleValue } from '../rules';
import type { AlertEventValue } from '../values';
import { sliceOf } from '../../metrics/slice';

/** What notifications carry beside the event: where to look, why, and one failing event. */
export interface NotificationContext {
  /** The page on the rule's window: /destinations/<id>?range=custom&from=…&to=… (or /sources/<id>). */
  link: string;
  /** The window the link opens (ISO instants). */
  from: string;
  to: string;
  /** The most frequent discard reason of the step behind the rule, with its remedy. */
  topReason: { step: string; code: string; title: string; remedy: string; count: number } | null;
  /** One sample of that reason (redacted at ingest and again here), when one was kept. */
  sample: NotificationSample | null;
  /** Who acknowledged the open alert, and when. */
  acknowledgement: { by: string; at: string } | null;
}

export interface NotificationSample {
  at: string;
  messageId: string | null;
  eventName: string;
  error: string | null;
  /** The payload's JSON text, cut to SAMPLE_TEXT characters. */
  payload: string | null;
  request: { method: string | null; url: string | null; status: number | null } | null;
}

/** Sample text notifications carry (Slack sections hold 3,000 characters; this leaves room around it). */
const SAMPLE_TEXT = 1500;

/** Redacts a sample's exchange again as it is read (the ingest rules, given by the composition root). */
export type SampleRedactor = (sample: DiscardSampleValue) => DiscardSampleValue;

/**
 * The discard step a rule's notifications explain: its own step (DISCARD_RATE_ABOVE), else the
 * destination's failed deliveries (the rate, quiet and retry kinds); none for sync and volume kinds.
 */
function explainedStep(rule: AlertRuleValue): ReportStep | null {
  if (rule.step !== null) return rule.step;
  if (rule.kind === 'sync_failures' || rule.kind === 'source_volume_anomaly') return null;
  return 'failed_delivery';
}

/** The page link of a rule on its window: the destination (with mapping, step and reason) or the source. */
export function pageLink(baseUrl: string, rule: AlertRuleValue, from: number, to: number): string {
  const params = new URLSearchParams({ range: 'custom', from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  if (rule.destinationId === null) return `${baseUrl}/sources/${encodeURIComponent(rule.sourceId ?? '')}?${params}`;
  if (rule.mappingId !== null) params.set('mapping', rule.mappingId);
  if (rule.step !== null) params.set('step', discardKindOf(rule.step) ?? '');
  if (rule.reason !== null) params.set('reason', rule.reason);
  return `${baseUrl}/destinations/${encodeURIComponent(rule.destinationId)}?${params}`;
}

/**
 * The context of one event, read once for all its channels: the link always; the top reason
 * and a sample for a firing (a recovery's window holds the failures it recovered from).
 */
export async function notificationContext(
  wdb: WorkspaceDb,
  catalog: CatalogService,
  rule: AlertRuleValue,
  event: AlertEventValue,
  baseUrl: string,
  redact: SampleRedactor,
): Promise<NotificationContext> {
  const { from, to } = ruleWindow(rule, event.at);
  const context: NotificationContext = {
    link: pageLink(baseUrl, rule, from, to),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    topReason: null,
    sample: null,
    acknowledgement: null,
  };
  const step = explainedStep(rule);
  if (event.state !== 'firing' || step === null || !isDiscardReportStep(step) || rule.destinationId === null || KIND_SPECS[rule.kind].target !== 'destination')
    return context;
  const range: ResolvedRange = { from, to, previousFrom: from, previousTo: from, timeZone: 'UTC', lookback: false };
  const sourceIds = (await catalog.connections([rule.destinationId])).map((c) => c.sourceId);
  const scope: StepScope = { step, destinationId: rule.destinationId, sourceIds, reasons: rule.reason === null ? null : [rule.reason] };
  const slice = sliceOf(range, { mappingId: rule.mappingId });
  const [top] = (await discardCounts(wdb, scope, slice)).filter((r) => r.now > 0);
  if (!top) return context;
  const reason = discardReasonOrUnknown(step as DiscardStep, top.reason);
  context.topReason = { step, code: top.reason, title: reason.title, remedy: reason.remedy, count: top.now };
  const [sample] = await discardSamples(wdb, { ...scope, reasons: [top.reason] }, slice, 1);
  if (sample) context.sample = toNotificationSample(redact(sample));
  return context;
}

function toNotificationSample(s: DiscardSampleValue): NotificationSample {
  const cut = (text: string | null) => (text !== null && text.length > SAMPLE_TEXT ? `${text.slice(0, SAMPLE_TEXT)}…` : text);
  return {
    at: s.at.toISOString(),
    messageId: s.messageId,
    eventName: s.eventName,
    error: cut(s.error),
    payload: cut(s.payload),
    request: s.request || s.response ? { method: s.request?.method ?? null, url: s.request?.url ?? null, status: s.response?.status ?? null } : null,
  };
}
