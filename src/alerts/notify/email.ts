import crypto from 'node:crypto';
import { createTransport, type Mail } from 'nodemailer';
import type { AlertEventValue } from '../store';
import type { NotificationContext } from './context';
import { alertPayload, headline } from './payload';
import { describeNetworkError, DeliveryError, type RetryPolicy } from './retry';

export interface EmailOptions {
  /** `SMTP_URL`, e.g. smtp://user:pass@mail.example.com:587 or smtp://127.0.0.1:2525. */
  smtpUrl: string;
  /** `ALERT_EMAIL_FROM`. */
  from: string;
  timeoutMs: number;
}

/**
 * Alert email over SMTP (nodemailer). One message per event to all of the rule's
 * addresses. The Message-ID is derived from the event id, and the id travels in
 * `X-Delivery-Overview-Idempotency-Key`, so a mail system can drop a repeat.
 */
export class EmailNotifier {
  private readonly transport: Mail;

  constructor(private readonly options: EmailOptions) {
    this.transport = createTransport({
      url: options.smtpUrl,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async send(
    to: readonly string[],
    e: AlertEventValue,
    _policy: RetryPolicy,
    signal: AbortSignal,
    context: NotificationContext | null = null,
  ): Promise<{ statusCode: null }> {
    if (signal.aborted) throw new DeliveryError('the gateway shut down before delivery finished', false);
    const payload = alertPayload(e);
    const text =
      `${headline(e)}\n\n${e.message}\n\n` +
      `Rule: ${e.ruleName} (${e.ruleId}, ${payload.kind})\n` +
      `Severity: ${payload.severity}${payload.previousSeverity ? ` (was ${payload.previousSeverity})` : ''}\n` +
      `At: ${payload.at}\n` +
      `Event: ${e.id}\n` +
      contextText(e, context);
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: [...to],
        subject: `${headline(e)} (${e.destinationId ?? e.sourceId ?? e.kind})`,
        text,
        messageId: `<${crypto.createHash('sha256').update(e.id).digest('hex').slice(0, 32)}@delivery-overview>`,
        headers: { 'X-Delivery-Overview-Idempotency-Key': e.id, 'X-Delivery-Overview-State': payload.state },
        attachments: [
          { filename: 'alert.json', contentType: 'application/json', content: JSON.stringify(context ? { ...payload, context } : payload, null, 2) },
        ],
      });
      return { statusCode: null };
    } catch (err) {
      const smtp = err as { responseCode?: number; code?: string; response?: string };
      if (typeof smtp.responseCode === 'number') {
        // 4xx: try later; 5xx: the server refused for good.
        throw new DeliveryError(`the SMTP server answered ${smtp.responseCode}`, smtp.responseCode < 500);
      }
      if (smtp.code === 'ETIMEDOUT') throw new DeliveryError(`no SMTP answer within ${this.options.timeoutMs} ms`, true);
      throw new DeliveryError(describeNetworkError(err), true);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** The context in words: the link, the top reason with its remedy, one sample, the mute and the acknowledgement. */
function contextText(e: AlertEventValue, context: NotificationContext | null): string {
  if (!context) return '';
  const lines = [`Open: ${context.link}`];
  if (context.topReason)
    lines.push(
      `Top reason: ${context.topReason.code} ${context.topReason.title} (${context.topReason.count} events)`,
      `What to do: ${context.topReason.remedy}`,
    );
  if (context.sample) lines.push(`One failing event (redacted): ${context.sample.error ?? context.sample.payload ?? ''}`);
  if (e.mutedUntil !== null) lines.push(`The rule is muted until ${new Date(e.mutedUntil).toISOString()}: only this recovery is sent.`);
  if (context.acknowledgement) lines.push(`Acknowledged by ${context.acknowledgement.by} at ${context.acknowledgement.at}.`);
  return `\n${lines.join('\n')}\n`;
}
