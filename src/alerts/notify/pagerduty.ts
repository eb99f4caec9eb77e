import crypto from 'node:crypto';
import type { AlertRuleValue } from '../rules';
import type { AlertEventValue } from '../values';
import type { NotificationContext } from './context';
import { severityWord } from './slack';

/** PagerDuty limits the Events API v2 documents: a summary of 1,024 characters, a dedup_key of 255. */
const SUMMARY_MAX = 1024;
const DEDUP_MAX = 255;

/**
 * One incident per rule and scope: the same key for the trigger, every change of severity and
 * the resolve, on every replica. A key longer than PagerDuty takes is hashed.
 */
export function dedupKey(rule: Pick<AlertRuleValue, 'workspaceId' | 'id' | 'destinationId' | 'mappingId' | 'sourceId'>): string {
  const scope = rule.destinationId !== null ? `${rule.destinationId}${rule.mappingId ? `/${rule.mappingId}` : ''}` : `source:${rule.sourceId ?? ''}`;
  const key = `delivery-overview:${rule.workspaceId}:${rule.id}:${scope}`;
  return key.length <= DEDUP_MAX ? key : `delivery-overview:${crypto.createHash('sha256').update(key).digest('hex')}`;
}

/**
 * An Events API v2 event: a firing or change of severity is a `trigger` (severity mapped:
 * critical → critical, warning → warning) with the counts, top reason, remedy, sample and link
 * in `custom_details`; a recovery is a `resolve` of the same dedup_key.
 */
export function pagerdutyEvent(rule: AlertRuleValue, routingKey: string, e: AlertEventValue, context: NotificationContext): Record<string, unknown> {
  const dedup_key = dedupKey(rule);
  if (e.state === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  const where = e.destinationId ?? e.sourceId ?? e.kind;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: cut(`[${severityWord(e)}] ${e.ruleName}: ${e.message}`, SUMMARY_MAX),
      source: `delivery-overview/${e.workspaceId}/${where}`,
      severity: e.severity,
      timestamp: new Date(e.at).toISOString(),
      component: where,
      group: e.workspaceId,
      class: e.kind,
      custom_details: {
        rule: e.ruleName,
        ruleId: e.ruleId,
        eventId: e.id,
        severity: e.severity,
        previousSeverity: e.previousSeverity,
        value: e.value,
        threshold: rule.threshold,
        criticalThreshold: rule.criticalThreshold,
        volume: e.volume,
        counts: e.counts,
        windowMinutes: e.windowMinutes,
        window: { from: context.from, to: context.to },
        destinationId: e.destinationId,
        mappingId: e.mappingId,
        sourceId: e.sourceId,
        topReason: context.topReason,
        sample: context.sample,
        acknowledgement: context.acknowledgement,
        link: context.link,
      },
    },
    links: [{ href: context.link, text: 'Open in Delivery Overview' }],
    client: 'Delivery Overview',
    client_url: context.link,
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
