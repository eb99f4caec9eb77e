import type { ConfigReader } from './reader';

/** Alert evaluation and the channels notifications go through. */
export interface AlertsConfig {
  /** `ALERT_EVAL_INTERVAL_MS`, default 30000: how often this replica evaluates every enabled rule; 0 disables evaluation here. */
  evalIntervalMs: number;
  /** `ALERT_NOTIFY_ATTEMPTS`, default 5: attempts per notification (webhook, Slack, PagerDuty, email), the first included. */
  notifyAttempts: number;
  /** `ALERT_NOTIFY_BASE_DELAY_MS`, default 1000: wait before the 2nd attempt; each later wait doubles. */
  notifyBaseDelayMs: number;
  /** `ALERT_NOTIFY_TIMEOUT_MS`, default 10000: one webhook request or SMTP exchange gives up after this long. */
  notifyTimeoutMs: number;
  /**
   * `ALERT_WEBHOOK_ALLOW_PRIVATE`, default false: let alert webhooks, Slack and PagerDuty requests
   * and replay endpoints reach private, loopback and link-local addresses. Off, they can only
   * reach public addresses (no request forgery into the gateway's own network); turn on for
   * receivers inside that network.
   */
  webhookAllowPrivate: boolean;
  /** `SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587`: the server alert email goes through. Unset: no email. */
  smtpUrl: string | null;
  /** `ALERT_EMAIL_FROM`, default `Delivery Overview <alerts@localhost>`: the From of alert email. */
  emailFrom: string;
  /**
   * `PUBLIC_BASE_URL`: where people open the gateway's page (`https://delivery.example.com`),
   * for the links notifications carry. Default unset: the address the gateway listens on.
   */
  publicBaseUrl: string | null;
  /** `PAGERDUTY_EVENTS_URL`, default `https://events.pagerduty.com/v2/enqueue`: where PagerDuty events are sent. */
  pagerdutyEventsUrl: string;
}

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export function readAlerts(r: ConfigReader): AlertsConfig {
  const publicBaseUrl = r.url('PUBLIC_BASE_URL');
  return {
    evalIntervalMs: r.int('ALERT_EVAL_INTERVAL_MS', 30_000, 0, 86_400_000),
    notifyAttempts: r.int('ALERT_NOTIFY_ATTEMPTS', 5, 1, 20),
    notifyBaseDelayMs: r.int('ALERT_NOTIFY_BASE_DELAY_MS', 1000, 1, 600_000),
    notifyTimeoutMs: r.int('ALERT_NOTIFY_TIMEOUT_MS', 10_000, 100, 600_000),
    webhookAllowPrivate: r.bool('ALERT_WEBHOOK_ALLOW_PRIVATE', false),
    smtpUrl: r.optional('SMTP_URL'),
    emailFrom: r.string('ALERT_EMAIL_FROM', 'Delivery Overview <alerts@localhost>'),
    // A trailing slash would double in `${base}/destinations/…`.
    publicBaseUrl: publicBaseUrl === null ? null : publicBaseUrl.replace(/\/+$/, ''),
    pagerdutyEventsUrl: r.url('PAGERDUTY_EVENTS_URL') ?? DEFAULT_PAGERDUTY_EVENTS_URL,
  };
}
