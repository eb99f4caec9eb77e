import { pct } from '../measure.types';
import { windowText, type AlertRuleValue } from '../rules';
import type { AlertEventValue } from '../values';
import type { NotificationContext } from './context';
import { headline } from './payload';

/**
 * A Slack incoming webhook message in Block Kit: what (rule, severity, state), where (the
 * destination or source), the counts, the top reason with its remedy, one sample, and a button
 * opening the page on the rule's window. `text` is the fallback Slack shows in notifications.
 * Texts are escaped for mrkdwn and cut to Block Kit's limits (header 150, section 3,000,
 * field 2,000, button 75 characters).
 */
export function slackMessage(rule: AlertRuleValue, e: AlertEventValue, context: NotificationContext): Record<string, unknown> {
  const title = `${icon(e)} ${severityWord(e)}: ${e.ruleName}`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(escape(e.message), 3000) } },
    { type: 'section', fields: fields(rule, e).map((text) => ({ type: 'mrkdwn', text: cut(text, 2000) })) },
  ];
  if (context.topReason) {
    const r = context.topReason;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(
          `*Top reason:* \`${escape(r.code)}\` ${escape(r.title)} (${r.count.toLocaleString('en-US')} events)\n*What to do:* ${escape(r.remedy)}`,
          3000,
        ),
      },
    });
  }
  if (context.sample) {
    const s = context.sample;
    const what = [s.messageId && `message \`${escape(s.messageId)}\``, s.eventName && escape(s.eventName), s.request?.status && `HTTP ${s.request.status}`]
      .filter(Boolean)
      .join(' · ');
    const body = s.error ?? s.payload ?? '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`*One failing event* (${what || s.at}, redacted)\n\`\`\`${escape(body)}\`\`\``, 3000) } });
  }
  const notes = notesOf(e, context);
  if (notes.length > 0) blocks.push({ type: 'context', elements: notes.map((text) => ({ type: 'mrkdwn', text: cut(text, 2000) })) });
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Delivery Overview' }, url: context.link, action_id: 'open_delivery_overview' }],
  });
  return { text: cut(`${headline(e)} (${severityWord(e)}) ${e.message}`, 3000), blocks };
}

function fields(rule: AlertRuleValue, e: AlertEventValue): string[] {
  const where = e.destinationId !== null ? `${e.destinationId}${e.mappingId ? ` / ${e.mappingId}` : ''}` : (e.sourceId ?? '');
  const percent = !['sync_failures', 'retry_pending_above'].includes(e.kind);
  const show = (v: number | null) => (v === null ? 'undefined' : percent ? pct(v) : v.toLocaleString('en-US'));
  const thresholds = `warning ${show(rule.threshold)}${rule.criticalThreshold !== null ? `, critical ${show(rule.criticalThreshold)}` : ''}`;
  const out = [
    `*Where*\n${escape(where)}`,
    `*Value*\n${show(e.value)} (${thresholds})`,
    `*Window*\nlast ${windowText(e.windowMinutes)}`,
    `*Volume*\n${e.volume.toLocaleString('en-US')}`,
  ];
  for (const [name, count] of Object.entries(e.counts).slice(0, 6)) out.push(`*${escape(name)}*\n${count.toLocaleString('en-US')}`);
  return out;
}

function notesOf(e: AlertEventValue, context: NotificationContext): string[] {
  const notes: string[] = [];
  if (e.previousSeverity !== null) notes.push(`Severity changed from ${e.previousSeverity} to ${e.severity}.`);
  if (e.mutedUntil !== null) notes.push(`The rule is muted until ${new Date(e.mutedUntil).toISOString()}: only this recovery is sent.`);
  if (context.acknowledgement) notes.push(`Acknowledged by ${escape(context.acknowledgement.by)} at ${context.acknowledgement.at}.`);
  return notes;
}

export function severityWord(e: AlertEventValue): string {
  if (e.state === 'resolved') return 'RESOLVED';
  return e.severity === 'critical' ? 'CRITICAL' : 'WARNING';
}

function icon(e: AlertEventValue): string {
  if (e.state === 'resolved') return '✅';
  return e.severity === 'critical' ? '🔴' : '🟠';
}

/** mrkdwn treats &, < and > as control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
