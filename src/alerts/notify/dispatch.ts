import type { Logger } from '../../log';
import { redactUrl, type AlertRuleValue } from '../rules';
import type { AlertStore } from '../store';
import type { AlertEventValue, NotificationChannel } from '../values';
import type { NotificationContext } from './context';
import type { EmailNotifier } from './email';
import { postOutbound } from './http-post';
import { pagerdutyEvent } from './pagerduty';
import { withRetries, type DeliveryResult, type RetryPolicy } from './retry';
import { slackMessage } from './slack';
import { postWebhook } from './webhook';

export interface DispatchOptions {
  store: AlertStore;
  log: Logger;
  retry: RetryPolicy;
  allowPrivateNetworks: boolean;
  email: EmailNotifier | null;
  /** PAGERDUTY_EVENTS_URL. */
  pagerdutyEventsUrl: string;
  onNotification?(channel: NotificationChannel, result: DeliveryResult): void;
  /** Runs one request inside a client span; `headers` carry its trace context. */
  trace<T>(name: string, fn: (headers: Record<string, string>) => Promise<T>): Promise<T>;
}

/** One attempt; null when the channel cannot send at all on this gateway (email without SMTP_URL). */
type Send = (() => Promise<{ statusCode: number | null }>) | null;

/**
 * Sends one event to every channel of its rule, in parallel, each with retries, and records
 * every outcome in alert_notifications. An event whose notifications are withheld (a muted
 * rule) goes nowhere.
 */
export class Dispatcher {
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly options: DispatchOptions,
    private readonly signal: AbortSignal,
  ) {}

  get pending(): number {
    return this.deliveries.size;
  }

  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  deliver(rule: AlertRuleValue, event: AlertEventValue, context: NotificationContext): Promise<void> {
    if (event.silenced) return Promise.resolve();
    const tasks = this.channels(rule, event, context).map(([channel, target, send]) => this.attempt(rule, event, channel, target, send));
    if (tasks.length === 0) return Promise.resolve();
    const all = Promise.allSettled(tasks).then(() => undefined);
    this.deliveries.add(all);
    void all.finally(() => this.deliveries.delete(all));
    return all;
  }

  /** The rule's channels: [channel, target shown without secrets, one attempt]. */
  private channels(rule: AlertRuleValue, event: AlertEventValue, context: NotificationContext): [NotificationChannel, string, Send][] {
    const o = this.options;
    const post = (url: string, body: unknown, traceHeaders: Record<string, string>) =>
      postOutbound(url, { ...traceHeaders, 'content-type': 'application/json', 'user-agent': 'delivery-overview-gateway' }, JSON.stringify(body), {
        timeoutMs: o.retry.timeoutMs,
        signal: this.signal,
        allowPrivateNetworks: o.allowPrivateNetworks,
      });
    const out: [NotificationChannel, string, Send][] = [];
    if (rule.webhookUrl) {
      const url = rule.webhookUrl;
      out.push([
        'webhook',
        redactUrl(url) ?? '',
        () => o.trace('alerts.webhook', (h) => postWebhook(url, rule.webhookSecret, event, o.retry, this.signal, o.allowPrivateNetworks, h, context)),
      ]);
    }
    if (rule.slackWebhookUrl) {
      const url = rule.slackWebhookUrl;
      out.push(['slack', redactUrl(url) ?? '', () => o.trace('alerts.slack', (h) => post(url, slackMessage(rule, event, context), h))]);
    }
    if (rule.pagerdutyRoutingKey) {
      const key = rule.pagerdutyRoutingKey;
      out.push([
        'pagerduty',
        redactUrl(o.pagerdutyEventsUrl) ?? '',
        () => o.trace('alerts.pagerduty', (h) => post(o.pagerdutyEventsUrl, pagerdutyEvent(rule, key, event, context), h)),
      ]);
    }
    if (rule.emails.length > 0) {
      const email = o.email;
      out.push(['email', rule.emails.join(', '), email ? () => email.send(rule.emails, event, o.retry, this.signal, context) : null]);
    }
    return out;
  }

  private async attempt(rule: AlertRuleValue, event: AlertEventValue, channel: NotificationChannel, target: string, send: Send): Promise<void> {
    let result: DeliveryResult;
    try {
      result =
        send === null
          ? { ok: false, attempts: 0, statusCode: null, lastError: 'email is not configured on the gateway (SMTP_URL is not set)' }
          : await withRetries(this.options.retry, this.signal, send, (attempt, err) =>
              this.record(rule, event, channel, target, { outcome: 'retrying', attempts: attempt, lastError: err.message, statusCode: err.statusCode }),
            );
    } catch (err) {
      result = { ok: false, attempts: 0, statusCode: null, lastError: 'internal error while sending' };
      this.options.log.error({ err, rule: rule.id, channel }, 'notification failed unexpectedly');
    }
    this.options.onNotification?.(channel, result);
    const level = result.ok ? 'info' : 'warn';
    this.options.log[level](
      { workspace: rule.workspaceId, rule: rule.id, event: event.id, channel, attempts: result.attempts, error: result.lastError },
      'alert notification',
    );
    await this.record(rule, event, channel, target, {
      outcome: result.ok ? 'delivered' : 'failed',
      attempts: result.attempts,
      lastError: result.lastError,
      statusCode: result.statusCode,
    });
  }

  private async record(
    rule: AlertRuleValue,
    event: AlertEventValue,
    channel: NotificationChannel,
    target: string,
    n: { outcome: 'delivered' | 'retrying' | 'failed'; attempts: number; lastError: string | null; statusCode: number | null },
  ): Promise<void> {
    await this.options.store
      .writeNotification(rule.workspaceId, { eventId: event.id, channel, target, ...n, updatedAt: Date.now() })
      .catch((err) => this.options.log.warn({ err, rule: rule.id }, 'could not record a notification outcome'));
  }
}
