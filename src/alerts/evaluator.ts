import type { SecretBox } from '../auth/secret-box';
import crypto from 'node:crypto';
import type { Db } from '../clickhouse/client';
import type { Logger } from '../log';
import { CatalogService } from '../metrics/catalog.service';
import { WorkspaceDb } from '../metrics/workspace-db';
import { AckStore } from './acks';
import { measure, ruleWindow, type Measurement } from './measure';
import { notificationContext, pageLink, type NotificationContext, type SampleRedactor } from './notify/context';
import { Dispatcher } from './notify/dispatch';
import { EmailNotifier, type EmailOptions } from './notify/email';
import type { DeliveryResult, RetryPolicy } from './notify/retry';
import type { AlertRuleValue } from './rules';
import { severityOf } from './severity';
import { AlertStore, type AlertEventValue, type NotificationChannel, type RuleStateValue } from './store';
import { planTransition, silencing, transitionEvent, transitionKey } from './transition';
import { compoundKey } from '../domain/compound-key';

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
  /** PAGERDUTY_EVENTS_URL. */
  pagerdutyEventsUrl?: string;
  /** Where notification links point (PUBLIC_BASE_URL, else the gateway's address; set once it listens). */
  publicBaseUrl?: string;
  /** Redacts a sample again as notifications read it (the ingest rules; default: as stored). */
  redactSample?: SampleRedactor;
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
  private readonly dispatcher: Dispatcher;
  /** Notifications still reading their context (then handed to the dispatcher). */
  private readonly notifying = new Set<Promise<void>>();
  private readonly acks: AckStore;
  /** Where notification links point; the gateway sets its own address when PUBLIC_BASE_URL is not set. */
  publicBaseUrl: string;
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
    this.acks = new AckStore(options.db);
    this.publicBaseUrl = options.publicBaseUrl ?? 'http://127.0.0.1:4000';
    this.dispatcher = new Dispatcher(
      {
        store: this.store,
        log: options.log,
        retry: options.retry,
        allowPrivateNetworks: options.allowPrivateNetworks ?? false,
        email: this.email,
        pagerdutyEventsUrl: options.pagerdutyEventsUrl ?? 'https://events.pagerduty.com/v2/enqueue',
        onNotification: (channel, result) => options.hooks?.onNotification?.(channel, result),
        trace: (name, fn) => this.traced(name, 'client', fn),
      },
      this.shutdown.signal,
    );
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
    await Promise.allSettled([...this.notifying]);
    await this.dispatcher.idle();
    this.email?.close();
  }

  /** Deliveries still running (waiting for a retry, or sending). */
  get pendingDeliveries(): number {
    return this.dispatcher.pending;
  }

  /** Waits until every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.notifying.size > 0) await Promise.allSettled([...this.notifying]);
    await this.dispatcher.idle();
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
          const state = states.get(compoundKey(rule.workspaceId, rule.id)) ?? {
            state: 'ok',
            severity: null,
            silenced: false,
            since: rule.createdAt,
            value: null,
            version: 0,
          };
          const event = await this.transition(wdb, rule, state, m, now);
          if (event === 'lost') report.lostClaims++;
          else if (event) {
            report.transitions.push(event);
            const notifying = this.notify(wdb, catalog, rule, event);
            this.notifying.add(notifying);
            void notifying.finally(() => this.notifying.delete(notifying));
            begun.push(notifying);
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
  private async transition(
    wdb: WorkspaceDb,
    rule: AlertRuleValue,
    current: RuleStateValue,
    m: Measurement,
    now: number,
  ): Promise<AlertEventValue | null | 'lost'> {
    const plan = planTransition(current, severityOf(rule, m));
    if (plan === null) return null;
    const key = transitionKey(rule.id, current, plan);
    if (!(await this.store.claim(key, this.claimant, this.leaseMs))) return 'lost';
    const event = transitionEvent(rule, current, plan, m, now, key);
    // Event first (deduplicated by its key), then the state that makes the key obsolete:
    // a crash in between leaves a transition the next sweep completes with the same key.
    await this.store.insertEvent(event);
    const silenced = silencing(rule, current, plan, now).state;
    const next: RuleStateValue = {
      state: plan.next === 'resolved' ? 'ok' : 'firing',
      severity: plan.next === 'resolved' ? null : plan.severity,
      silenced,
      since: event.at,
      value: m.value,
      version: current.version + 1,
    };
    await this.store.writeState(wdb, rule.id, next);
    this.options.log.info(
      { workspace: rule.workspaceId, rule: rule.id, state: plan.next, severity: plan.severity, value: m.value, silenced: event.silenced },
      'alert transition',
    );
    return event;
  }

  /**
   * Reads the event's context once (link, top reason and sample, the acknowledgement of the
   * firing it changes or closes), then sends it to every channel; a muted event goes nowhere.
   */
  private async notify(wdb: WorkspaceDb, catalog: CatalogService, rule: AlertRuleValue, event: AlertEventValue): Promise<void> {
    if (event.silenced) return;
    let context: NotificationContext;
    try {
      context = await notificationContext(wdb, catalog, rule, event, this.publicBaseUrl, this.options.redactSample ?? ((s) => s));
      const [ack] =
        event.state === 'firing' && event.previousSeverity === null ? [] : await this.acks.find(wdb, [{ ruleId: rule.id, since: event.previousStateSince }]);
      if (ack) context.acknowledgement = { by: ack.by, at: new Date(ack.at).toISOString() };
    } catch (err) {
      // The notification matters more than its context: send it with the link alone.
      this.options.log.warn({ err, rule: rule.id }, 'could not read the context of an alert notification');
      const { from, to } = ruleWindow(rule, event.at);
      context = {
        link: pageLink(this.publicBaseUrl, rule, from, to),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        topReason: null,
        sample: null,
        acknowledgement: null,
      };
    }
    await this.dispatcher.deliver(rule, event, context);
  }
}
