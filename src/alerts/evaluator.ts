import type { SecretBox } from '../auth/secret-box';
import crypto from 'node:crypto';
import type { Db } from '../clickhouse/client';
import type { Logger } from '../log';
import { CatalogService } from '../metrics/catalog.service';
import { WorkspaceDb } from '../metrics/workspace-db';
import { measure, type Measurement } from './measure';
import { EmailNotifier, type EmailOptions } from './notify/email';
import { withRetries, type DeliveryResult, type RetryPolicy } from './notify/retry';
import { postWebhook } from './notify/webhook';
import { redactUrl, type AlertRuleValue, type AlertTransition } from './rules';
import { AlertStore, type AlertEventValue, type NotificationChannel, type RuleStateValue } from './store';

export interface EvaluationReport {
  /** The instant the rules were evaluated at (ms). */
  at: number;
  /** Rules measured. */
  evaluated: number;
  /** Rules whose sample was below minVolume (no transition either way). */
  insufficient: number;
  /** Rules whose measurement or recording failed (logged; retried next sweep). */
  errors: number;
  /** Transitions this evaluator won and recorded. */
  transitions: AlertEventValue[];
  /** Transitions another evaluator had claimed first. */
  lostClaims: number;
}

/**
 * Hooks for observability (Prometheus counters live in src/observability; wire them here
 * rather than importing that module into alerts/).
 */
export interface EvaluatorHooks {
  onSweep?(report: EvaluationReport, durationMs: number): void;
  onNotification?(channel: NotificationChannel, result: DeliveryResult): void;
  /**
   * Runs a sweep (`internal`) or one webhook POST (`client`) inside a trace span; `headers` are
   * that span's trace context (`traceparent`) for the outgoing request. Default: no span.
   */
  trace?<T>(name: string, kind: 'internal' | 'client', fn: (headers: Record<string, string>) => Promise<T>): Promise<T>;
}

export interface EvaluatorOptions {
  db: Db;
  log: Logger;
  /** Retry policy shared by webhooks and email. */
  retry: RetryPolicy;
  /** Opens the stored webhook URLs and secrets. */
  secrets: SecretBox;
  /** Send webhooks to private, loopback and link-local addresses too. Default false (see notify/egress.ts). */
  allowPrivateNetworks?: boolean;
  /** SMTP settings; null: rules with emails record a failed email notification. */
  email: EmailOptions | null;
  /** Who this evaluator is in claims; default a random id per instance (per replica). */
  claimant?: string;
  /** A claim older than this whose transition was never recorded may be taken over. Default 2 min. */
  leaseMs?: number;
  /** Rules measured at once. Default 4. */
  concurrency?: number;
  /** The clock. Default Date.now. */
  now?: () => number;
  hooks?: EvaluatorHooks;
}

/**
 * Evaluates every enabled rule of every workspace, moves each rule's shared state
 * ok → firing → ok, and sends exactly one notification per transition. Transport-free:
 * it reads and writes ClickHouse and calls out to webhooks and SMTP; the GraphQL
 * subscription picks events up from the table.
 *
 * Replicas: state lives in ClickHouse, and each transition has an idempotency key
 * `<rule>:<previous state since>:<new state>` built from that shared state. Before
 * recording a transition an evaluator claims the key (alert_claims: first claim wins);
 * the loser does nothing. The key is also the event's insert deduplication token, the
 * webhook's Idempotency-Key and the email's Message-ID seed.
 */
export class Evaluator {
  readonly store: AlertStore;
  readonly claimant: string;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly email: EmailNotifier | null;
  private readonly shutdown = new AbortController();
  private readonly deliveries = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private sweep: Promise<unknown> | null = null;
  private stopped = false;
  /** Sweeps of one evaluator never overlap (a claim already held by this claimant counts as won). */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EvaluatorOptions) {
    this.store = new AlertStore(options.db, options.secrets);
    this.claimant = options.claimant ?? crypto.randomUUID();
    this.leaseMs = options.leaseMs ?? 120_000;
    this.concurrency = options.concurrency ?? 4;
    this.now = options.now ?? Date.now;
    this.email = options.email ? new EmailNotifier(options.email) : null;
  }

  /** Evaluates every `intervalMs` (the next sweep starts when the previous one ended). 0 does nothing. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.stopped || this.timer) return;
    const tick = () => {
      this.sweep = this.traced('alerts.sweep', 'internal', () => this.evaluateOnce(this.now(), { waitForDelivery: false }))
        .catch((err) => this.options.log.error({ err }, 'alert evaluation failed'))
        .finally(() => {
          this.sweep = null;
          if (!this.stopped) {
            this.timer = setTimeout(tick, intervalMs);
            this.timer.unref?.();
          }
        });
    };
    this.timer = setTimeout(tick, intervalMs);
    this.timer.unref?.();
  }

  private traced<T>(name: string, kind: 'internal' | 'client', fn: (headers: Record<string, string>) => Promise<T>): Promise<T> {
    return this.options.hooks?.trace ? this.options.hooks.trace(name, kind, fn) : fn({});
  }

  /** Stops the interval, waits for a running sweep, and ends deliveries still waiting to retry. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweep;
    this.shutdown.abort();
    await Promise.allSettled([...this.deliveries]);
    this.email?.close();
  }

  /** Deliveries still running (waiting for a retry, or sending). */
  get pendingDeliveries(): number {
    return this.deliveries.size;
  }

  /** Waits until every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  /**
   * One sweep at `now`. By default it also waits for the notifications it started (tests);
   * the interval loop does not, so a slow webhook never delays the next sweep.
   */
  evaluateOnce(now: number = this.now(), opts: { waitForDelivery?: boolean } = {}): Promise<EvaluationReport> {
    const run = this.serial.then(() => this.sweepAt(now, opts));
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async sweepAt(now: number, opts: { waitForDelivery?: boolean }): Promise<EvaluationReport> {
    const started = performance.now();
    const report: EvaluationReport = { at: now, evaluated: 0, insufficient: 0, errors: 0, transitions: [], lostClaims: 0 };
    const [rules, states] = await Promise.all([this.store.enabledRules(), this.store.allStates()]);
    const handles = new Map<string, { wdb: WorkspaceDb; catalog: CatalogService }>();
    const handleOf = (workspaceId: string) => {
      let h = handles.get(workspaceId);
      if (!h) {
        const wdb = new WorkspaceDb(this.options.db, workspaceId);
        handles.set(workspaceId, (h = { wdb, catalog: new CatalogService(wdb) }));
      }
      return h;
    };
    const begun: Promise<void>[] = [];
    let next = 0;
    const worker = async () => {
      while (next < rules.length) {
        const rule = rules[next++];
        try {
          const { wdb, catalog } = handleOf(rule.workspaceId);
          const m = await measure(wdb, catalog, rule, now);
          report.evaluated++;
          if (!m.sufficient) {
            report.insufficient++;
            continue;
          }
          const state = states.get(`${rule.workspaceId}\u0000${rule.id}`) ?? { state: 'ok', since: rule.createdAt, value: null, version: 0 };
          const event = await this.transition(wdb, rule, state, m, now);
          if (event === 'lost') report.lostClaims++;
          else if (event) {
            report.transitions.push(event);
            begun.push(this.deliver(rule, event));
          }
        } catch (err) {
          report.errors++;
          this.options.log.warn({ err, workspace: rule.workspaceId, rule: rule.id }, 'alert rule evaluation failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rules.length) }, worker));
    this.options.hooks?.onSweep?.(report, performance.now() - started);
    if (opts.waitForDelivery ?? true) await Promise.allSettled(begun);
    return report;
  }

  /** Claims and records the transition the measurement calls for; null when none, 'lost' when another evaluator has it. */
  private async transition(wdb: WorkspaceDb, rule: AlertRuleValue, current: RuleStateValue, m: Measurement, now: number): Promise<AlertEventValue | null | 'lost'> {
    let next: AlertTransition | null = null;
    if (m.breach && current.state === 'ok') next = 'firing';
    else if (!m.breach && current.state === 'firing') next = 'resolved';
    if (next === null) return null;
    const key = `${rule.id}:${current.since}:${next}`;
    if (!(await this.store.claim(key, this.claimant, this.leaseMs))) return 'lost';
    const since = Math.max(now, current.since + 1);
    const event: AlertEventValue = {
      id: key,
      workspaceId: rule.workspaceId,
      ruleId: rule.id,
      ruleName: rule.name,
      kind: rule.kind,
      state: next,
      at: since,
      previousStateSince: current.since,
      destinationId: rule.destinationId,
      mappingId: rule.mappingId,
      sourceId: rule.sourceId,
      step: rule.step,
      reason: rule.reason,
      value: m.value,
      threshold: rule.threshold,
      volume: m.volume,
      baseline: m.baseline,
      counts: m.counts ?? {},
      windowMinutes: rule.windowMinutes,
      message: next === 'firing' ? m.detail.charAt(0).toUpperCase() + m.detail.slice(1) : `Recovered: ${m.detail}`,
      recordedAt: 0,
    };
    // Event first (deduplicated by its key), then the state that makes the key obsolete:
    // a crash in between leaves a transition the next sweep completes with the same key.
    await this.store.insertEvent(event);
    await this.store.writeState(wdb, rule.id, { state: next === 'firing' ? 'firing' : 'ok', since, value: m.value, version: current.version + 1 });
    this.options.log.info({ workspace: rule.workspaceId, rule: rule.id, state: next, value: m.value }, 'alert transition');
    return event;
  }

  /** Webhook and email for one event, in parallel, each with retries; outcomes recorded in alert_notifications. */
  private deliver(rule: AlertRuleValue, event: AlertEventValue): Promise<void> {
    const tasks: Promise<void>[] = [];
    const signal = this.shutdown.signal;
    if (rule.webhookUrl) {
      const url = rule.webhookUrl;
      tasks.push(this.attempt(rule, event, 'webhook', redactUrl(url) ?? '', () => withRetries(this.options.retry, signal, () => this.traced('alerts.webhook', 'client', (headers) => postWebhook(url, rule.webhookSecret, event, this.options.retry, signal, this.options.allowPrivateNetworks, headers)), this.recordRetry(rule, event, 'webhook', redactUrl(url) ?? ''))));
    }
    if (rule.emails.length > 0) {
      const target = rule.emails.join(', ');
      const email = this.email;
      tasks.push(
        this.attempt(rule, event, 'email', target, async () =>
          email
            ? withRetries(this.options.retry, signal, () => email.send(rule.emails, event, this.options.retry, signal), this.recordRetry(rule, event, 'email', target))
            : { ok: false, attempts: 0, statusCode: null, lastError: 'email is not configured on the gateway (SMTP_URL is not set)' },
        ),
      );
    }
    if (tasks.length === 0) return Promise.resolve();
    const all = Promise.allSettled(tasks).then(() => undefined);
    this.deliveries.add(all);
    void all.finally(() => this.deliveries.delete(all));
    return all;
  }

  private recordRetry(rule: AlertRuleValue, event: AlertEventValue, channel: NotificationChannel, target: string) {
    return async (attempt: number, err: { message: string; statusCode: number | null }) => {
      await this.store
        .writeNotification(rule.workspaceId, { eventId: event.id, channel, target, outcome: 'retrying', attempts: attempt, lastError: err.message, statusCode: err.statusCode, updatedAt: Date.now() })
        .catch((e) => this.options.log.warn({ err: e, rule: rule.id }, 'could not record a notification attempt'));
    };
  }

  private async attempt(rule: AlertRuleValue, event: AlertEventValue, channel: NotificationChannel, target: string, run: () => Promise<DeliveryResult>): Promise<void> {
    let result: DeliveryResult;
    try {
      result = await run();
    } catch (err) {
      result = { ok: false, attempts: 0, statusCode: null, lastError: 'internal error while sending' };
      this.options.log.error({ err, rule: rule.id, channel }, 'notification failed unexpectedly');
    }
    this.options.hooks?.onNotification?.(channel, result);
    const level = result.ok ? 'info' : 'warn';
    this.options.log[level]({ workspace: rule.workspaceId, rule: rule.id, event: event.id, channel, attempts: result.attempts, error: result.lastError }, 'alert notification');
    await this.store
      .writeNotification(rule.workspaceId, {
        eventId: event.id,
        channel,
        target,
        outcome: result.ok ? 'delivered' : 'failed',
        attempts: result.attempts,
        lastError: result.lastError,
        statusCode: result.statusCode,
        updatedAt: Date.now(),
      })
      .catch((err) => this.options.log.warn({ err, rule: rule.id }, 'could not record a notification outcome'));
  }
}
