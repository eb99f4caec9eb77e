import type { SecretBox } from '../auth/secret-box';
import type { Db } from '../clickhouse/client';
import { KeyedMutex } from '../domain/keyed-mutex';
import type { WorkspaceDb } from '../metrics/workspace-db';
import type { AlertRuleValue } from './rules';
import type { AlertEventValue, NotificationChannel, NotificationOutcome, NotificationValue, RuleStateValue } from './values';

export type { AlertEventValue, NotificationChannel, NotificationOutcome, NotificationValue, RuleStateValue } from './values';
import {
  EVENT_COLUMNS,
  orNull,
  RULE_COLUMNS,
  seconds,
  STATE_COLUMNS,
  toEvent,
  toRule,
  toState,
  type EventRow,
  type RuleRow,
  type StateRow,
} from './store.rows';
import { compoundKey } from '../domain/compound-key';

/** The alert tables (identifiers never come from callers). */
type AlertTable = 'alert_rules' | 'alert_state' | 'alert_claims' | 'alert_events' | 'alert_notifications';

/**
 * Everything alerting keeps in ClickHouse: rules (versioned, tombstoned), the shared
 * per-rule state, transition claims, events and notification outcomes. Reads and writes
 * of one workspace go through its WorkspaceDb; only the evaluator's sweep over every
 * workspace (enabledRules, states) and the claims (keyed by rule id) use the Db.
 */
export class AlertStore {
  /** Serializes rule creates per workspace in this process (see AlertRuleService.create). */
  readonly ruleWrites = new KeyedMutex();

  constructor(
    readonly db: Db,
    /** Seals webhook URLs and secrets on write and opens them on read. */
    private readonly secrets: SecretBox,
  ) {}

  table(name: AlertTable): string {
    return `${this.db.database}.${name}`;
  }

  // ---- rules ----

  /** The workspace's rules (not deleted), oldest first. */
  async rules(wdb: WorkspaceDb): Promise<AlertRuleValue[]> {
    const rows = await wdb.query<RuleRow>(
      'alert_rules',
      `SELECT ${RULE_COLUMNS} FROM ${this.table('alert_rules')} FINAL
       WHERE workspace_id = {workspace:String} AND deleted = 0
       ORDER BY created_at, rule_id`,
    );
    return rows.map((r) => toRule(r, this.secrets));
  }

  async rule(wdb: WorkspaceDb, id: string): Promise<AlertRuleValue | null> {
    const rows = await wdb.query<RuleRow>(
      'alert_rules',
      `SELECT ${RULE_COLUMNS} FROM ${this.table('alert_rules')} FINAL
       WHERE workspace_id = {workspace:String} AND rule_id = {id:String} AND deleted = 0`,
      { id },
    );
    return rows[0] ? toRule(rows[0], this.secrets) : null;
  }

  /** Writes a version of a rule (or its tombstone). The row's workspace is the handle's. */
  async writeRule(wdb: WorkspaceDb, rule: AlertRuleValue, deleted = false): Promise<void> {
    await wdb.command(
      'alert_rules',
      `INSERT INTO ${this.table('alert_rules')}
         (workspace_id, rule_id, name, kind, destination_id, mapping_id, source_id, step, reason, threshold, critical_threshold, window_minutes,
          min_volume, enabled, webhook_url, webhook_secret, slack_webhook_url, pagerduty_routing_key, emails, muted_until, created_at, updated_at, deleted, version)
       VALUES ({workspace:String}, {id:String}, {name:String}, {kind:String}, {dest:String}, {mapping:String}, {source:String},
          {step:String}, {reason:String}, {threshold:Float64}, {critical:Nullable(Float64)}, {window:UInt32}, {minVolume:UInt64}, {enabled:UInt8},
          {url:String}, {secret:String}, {slack:String}, {pagerduty:String}, {emails:Array(String)},
          if({muted:Int64} < 0, NULL, fromUnixTimestamp64Milli({muted:Int64}, 'UTC')), fromUnixTimestamp64Milli({created:Int64}, 'UTC'),
          fromUnixTimestamp64Milli({updated:Int64}, 'UTC'), {deleted:UInt8}, {version:UInt64})`,
      {
        id: rule.id,
        name: rule.name,
        kind: rule.kind,
        dest: rule.destinationId ?? '',
        mapping: rule.mappingId ?? '',
        source: rule.sourceId ?? '',
        step: rule.step ?? '',
        reason: rule.reason ?? '',
        threshold: rule.threshold,
        critical: rule.criticalThreshold,
        window: rule.windowMinutes,
        minVolume: rule.minVolume,
        enabled: rule.enabled ? 1 : 0,
        url: this.secrets.seal(rule.webhookUrl ?? ''),
        secret: this.secrets.seal(rule.webhookSecret ?? ''),
        slack: this.secrets.seal(rule.slackWebhookUrl ?? ''),
        pagerduty: this.secrets.seal(rule.pagerdutyRoutingKey ?? ''),
        emails: rule.emails,
        muted: rule.mutedUntil ?? -1,
        created: rule.createdAt,
        updated: rule.updatedAt,
        deleted: deleted ? 1 : 0,
        version: rule.version,
      },
    );
  }

  /** Every enabled rule of every workspace (the evaluator's sweep). */
  async enabledRules(): Promise<AlertRuleValue[]> {
    const rows = await this.db.query<RuleRow>({
      family: 'alert_rules',
      sql: `SELECT ${RULE_COLUMNS} FROM ${this.table('alert_rules')} FINAL WHERE deleted = 0 AND enabled = 1 ORDER BY workspace_id, rule_id`,
    });
    return rows.map((r) => toRule(r, this.secrets));
  }

  // ---- state ----

  /** State of the given rules of one workspace, by rule id. */
  async states(wdb: WorkspaceDb, ruleIds: readonly string[]): Promise<Map<string, RuleStateValue>> {
    const rows = await wdb.query<StateRow>(
      'alert_state',
      `SELECT ${STATE_COLUMNS} FROM ${this.table('alert_state')} FINAL
       WHERE workspace_id = {workspace:String} AND rule_id IN {ids:Array(String)}`,
      { ids: ruleIds },
    );
    return new Map(rows.map((r) => [r.rule_id, toState(r)]));
  }

  /** State of every rule of every workspace, keyed `compoundKey(workspace, rule)`. */
  async allStates(): Promise<Map<string, RuleStateValue>> {
    const rows = await this.db.query<StateRow & { workspace_id: string }>({
      family: 'alert_state',
      sql: `SELECT workspace_id, ${STATE_COLUMNS} FROM ${this.table('alert_state')} FINAL`,
    });
    return new Map(rows.map((r) => [compoundKey(r.workspace_id, r.rule_id), toState(r)]));
  }

  async writeState(wdb: WorkspaceDb, ruleId: string, state: RuleStateValue): Promise<void> {
    await wdb.command(
      'alert_state',
      `INSERT INTO ${this.table('alert_state')} (workspace_id, rule_id, state, severity, since, value, silenced, version)
       VALUES ({workspace:String}, {id:String}, {state:String}, {severity:String}, fromUnixTimestamp64Milli({since:Int64}, 'UTC'), {value:Nullable(Float64)},
               {silenced:UInt8}, {version:UInt64})`,
      {
        id: ruleId,
        state: state.state,
        severity: state.severity ?? '',
        since: state.since,
        value: state.value,
        silenced: state.silenced ? 1 : 0,
        version: state.version,
      },
    );
  }

  // ---- claims ----

  /**
   * Claims the transition `key` for `claimant`: inserts a claim row, then reads back the
   * earliest claim (by claimed_at, then claimant) and wins only if it is this one. A
   * claim that is already held (by someone else, younger than `leaseMs`) is lost without
   * writing. A claim older than the lease whose winner never moved the rule's state on
   * (the only way an evaluator still asks for it) opens the next attempt, so a replica
   * that died between claiming and recording does not silence the rule for good.
   */
  async claim(key: string, claimant: string, leaseMs: number): Promise<boolean> {
    const held = await this.db.query<{ attempt: number; winner: string; age_ms: number }>({
      family: 'alert_claims',
      sql: `SELECT attempt, argMin(claimant, (claimed_at, claimant)) AS winner, dateDiff('millisecond', min(claimed_at), now64(6)) AS age_ms
            FROM ${this.table('alert_claims')} WHERE claim_key = {key:String}
            GROUP BY attempt ORDER BY attempt DESC LIMIT 1`,
      params: { key },
    });
    let attempt = 1;
    if (held[0]) {
      if (held[0].winner === claimant) return true; // ours already (an earlier try of this process failed half-way)
      if (Number(held[0].age_ms) <= leaseMs) return false;
      attempt = Number(held[0].attempt) + 1;
    }
    await this.db.command({
      family: 'alert_claims',
      sql: `INSERT INTO ${this.table('alert_claims')} (claim_key, attempt, claimant, claimed_at)
            VALUES ({key:String}, {attempt:UInt32}, {claimant:String}, now64(6))`,
      params: { key, attempt, claimant },
      // On a cluster the claim must be stored before it is read back (Distributed inserts are asynchronous by default).
      settings: { distributed_foreground_insert: 1 },
    });
    const back = await this.db.query<{ winner: string }>({
      family: 'alert_claims',
      sql: `SELECT argMin(claimant, (claimed_at, claimant)) AS winner FROM ${this.table('alert_claims')}
            WHERE claim_key = {key:String} AND attempt = {attempt:UInt32}`,
      params: { key, attempt },
    });
    return back[0]?.winner === claimant;
  }

  // ---- events ----

  /** Stores an event once: its id is the insert's deduplication token. */
  async insertEvent(e: AlertEventValue): Promise<void> {
    const row = {
      workspace_id: e.workspaceId,
      event_id: e.id,
      rule_id: e.ruleId,
      rule_name: e.ruleName,
      kind: e.kind,
      state: e.state,
      severity: e.severity,
      previous_severity: e.previousSeverity ?? '',
      at: seconds(e.at),
      previous_since: seconds(e.previousStateSince),
      destination_id: e.destinationId ?? '',
      mapping_id: e.mappingId ?? '',
      source_id: e.sourceId ?? '',
      step: e.step ?? '',
      reason: e.reason ?? '',
      value: e.value,
      threshold: e.threshold,
      volume: e.volume,
      baseline: e.baseline,
      counts: e.counts,
      window_minutes: e.windowMinutes,
      message: e.message,
      muted_until: e.mutedUntil === null ? null : seconds(e.mutedUntil),
      silenced: e.silenced ? 1 : 0,
    };
    await this.db.insert({ family: 'alert_events', table: 'alert_events', body: Buffer.from(JSON.stringify(row) + '\n'), dedupToken: e.id });
  }

  /** Events whose `at` lies in [from, to), newest first. */
  async events(wdb: WorkspaceDb, from: number, to: number, ruleId: string | null, first: number): Promise<AlertEventValue[]> {
    const rows = await wdb.query<EventRow>(
      'alert_events',
      `SELECT ${EVENT_COLUMNS} FROM ${this.table('alert_events')}
       WHERE workspace_id = {workspace:String}
         AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64})
         AND ({any_rule:Bool} OR rule_id = {rule:String})
       ORDER BY at DESC, event_id
       LIMIT 1 BY event_id
       LIMIT {first:UInt32}`,
      { from, to, any_rule: ruleId === null, rule: ruleId ?? '', first },
    );
    return rows.map(toEvent);
  }

  /**
   * The newest `limit` events written in the last `lookbackMs` (by recorded_at, on
   * ClickHouse's clock), oldest first: what live subscribers poll.
   */
  async recentEvents(wdb: WorkspaceDb, lookbackMs: number, destinationId: string | null, limit = 500): Promise<AlertEventValue[]> {
    const rows = await wdb.query<EventRow>(
      'alert_events_live',
      `SELECT ${EVENT_COLUMNS} FROM ${this.table('alert_events')}
       WHERE workspace_id = {workspace:String}
         AND at >= subtractMilliseconds(now64(3), {lookback:UInt32}) - INTERVAL 1 DAY
         AND recorded_at >= subtractMilliseconds(now64(3), {lookback:UInt32})
         AND ({any_dest:Bool} OR destination_id = {dest:String})
       ORDER BY recorded_at DESC, event_id DESC
       LIMIT 1 BY event_id
       LIMIT {limit:UInt32}`,
      { lookback: lookbackMs, any_dest: destinationId === null, dest: destinationId ?? '', limit },
    );
    // The newest `limit`, oldest first.
    return rows.map(toEvent).reverse();
  }

  /** ClickHouse's clock (ms): what recorded_at is compared with, so gateway clock skew does not matter. */
  async clock(): Promise<number> {
    const rows = await this.db.query<{ now_ms: number }>({ family: 'alert_clock', sql: 'SELECT toUnixTimestamp64Milli(now64(3)) AS now_ms' });
    return Number(rows[0].now_ms);
  }

  // ---- notifications ----

  async writeNotification(workspaceId: string, n: NotificationValue): Promise<void> {
    await this.db.command({
      family: 'alert_notifications',
      sql: `INSERT INTO ${this.table('alert_notifications')}
              (workspace_id, event_id, channel, target, outcome, attempts, last_error, status_code, updated_at, version)
            VALUES ({ws:String}, {event:String}, {channel:String}, {target:String}, {outcome:String}, {attempts:UInt32},
              {error:String}, {status:UInt16}, fromUnixTimestamp64Milli({at:Int64}, 'UTC'), {version:UInt64})`,
      params: {
        ws: workspaceId,
        event: n.eventId,
        channel: n.channel,
        target: n.target,
        outcome: n.outcome,
        attempts: n.attempts,
        error: n.lastError ?? '',
        status: n.statusCode ?? 0,
        at: n.updatedAt,
        // Newest row wins: later attempts, and the final row over a 'retrying' one of the same attempt.
        version: n.attempts * 2 + (n.outcome === 'retrying' ? 0 : 1),
      },
    });
  }

  /** The newest notification row per event and channel. */
  async notifications(wdb: WorkspaceDb, eventIds: readonly string[]): Promise<NotificationValue[]> {
    if (eventIds.length === 0) return [];
    const rows = await wdb.query<{
      event_id: string;
      channel: NotificationChannel;
      target: string;
      outcome: NotificationOutcome;
      attempts: number;
      last_error: string;
      status_code: number;
      updated_ms: number;
    }>(
      'alert_notifications',
      `SELECT event_id, channel, target, outcome, attempts, last_error, status_code, toUnixTimestamp64Milli(updated_at) AS updated_ms
       FROM ${this.table('alert_notifications')} FINAL
       WHERE workspace_id = {workspace:String} AND event_id IN {ids:Array(String)}
       ORDER BY event_id, channel`,
      { ids: eventIds },
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      channel: r.channel,
      target: r.target,
      outcome: r.outcome,
      attempts: Number(r.attempts),
      lastError: orNull(r.last_error),
      statusCode: Number(r.status_code) || null,
      updatedAt: Number(r.updated_ms),
    }));
  }
}
