import crypto from 'node:crypto';
import { AppError, ErrorCode } from '../domain/errors';
import { DISCARD_STEP_KINDS, PIPELINE_LAYOUT, pipelineStepOf } from '../domain/steps';
import type { CatalogService } from '../metrics/catalog.service';
import type { WorkspaceDb } from '../metrics/workspace-db';
import { checkRuleFields, KIND_SPECS, MAX_RULES_PER_WORKSPACE, type AlertRuleFields, type AlertRuleValue, type AlertState } from './rules';
import { AckStore, type AcknowledgementValue } from './acks';
import { newSigningSecret } from './notify/standard-webhooks';
import { checkCriticalThreshold } from './severity';
import type { AlertStore } from './store';
import type { AlertSeverity } from './values';

export interface AlertRuleWithState extends AlertRuleValue {
  state: AlertState;
  /** The severity while firing; null when ok. */
  severity: AlertSeverity | null;
  /** ms; when the rule entered its state (its creation while it never fired). */
  stateSince: number;
  /** Who acknowledged the open alert (the current firing), and when. */
  acknowledgement: AcknowledgementValue | null;
}

/** A mute lasts at most this long (a forgotten mute must end by itself). */
export const MAX_MUTE_MS = 30 * 86_400_000;

/**
 * Create, change, delete and list one workspace's alert rules. Every write is checked in
 * full (the fields alone, then against the workspace's catalog) and stored as a new
 * version; a delete is a tombstone version.
 */
export class AlertRuleService {
  private readonly acks: AckStore;

  constructor(
    private readonly store: AlertStore,
    private readonly wdb: WorkspaceDb,
    private readonly catalog: CatalogService,
    private readonly now: () => number = Date.now,
    /** Webhook URLs may name private addresses (ALERT_WEBHOOK_ALLOW_PRIVATE). */
    private readonly allowPrivateNetworks = false,
  ) {
    this.acks = new AckStore(store.db);
  }

  async list(): Promise<AlertRuleWithState[]> {
    const rules = await this.store.rules(this.wdb);
    return this.withState(rules);
  }

  async get(id: string): Promise<AlertRuleWithState> {
    const rule = await this.store.rule(this.wdb, id);
    if (!rule) throw new AppError(ErrorCode.NOT_FOUND, `No alert rule ${id} in this workspace`, { field: 'id' });
    return (await this.withState([rule]))[0];
  }

  /**
   * Creates a rule within the per-workspace cap. Creates of one workspace run one at a time
   * in this process (count, then write); another replica creating at the same moment is
   * caught after the write: rules are ranked by creation, and one ranked past the cap
   * deletes itself and is refused, so every replica agrees which rule was one too many.
   */
  async create(fields: AlertRuleFields): Promise<AlertRuleWithState> {
    const checked = await this.check(fields);
    return this.store.ruleWrites.run(this.wdb.workspaceId, async () => {
      if ((await this.store.rules(this.wdb)).length >= MAX_RULES_PER_WORKSPACE) throw tooManyRules();
      const rule = this.newRule(checked);
      await this.store.writeRule(this.wdb, rule);
      const ranked = (await this.store.rules(this.wdb)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
      if (ranked.findIndex((r) => r.id === rule.id) >= MAX_RULES_PER_WORKSPACE) {
        await this.store.writeRule(this.wdb, { ...rule, version: rule.version + 1 }, true);
        throw tooManyRules();
      }
      return { ...rule, state: 'ok' as const, severity: null, stateSince: rule.createdAt, acknowledgement: null };
    });
  }

  private newRule(checked: AlertRuleFields): AlertRuleValue {
    const now = this.now();
    const rule: AlertRuleValue = {
      ...checked,
      id: `alr_${crypto.randomBytes(9).toString('base64url')}`,
      workspaceId: this.wdb.workspaceId,
      createdAt: now,
      updatedAt: now,
      version: now * 1000,
    };
    return rule;
  }

  /** Applies `patch` (undefined: keep; null: clear) and checks the result as a whole. */
  async update(id: string, patch: Partial<AlertRuleFields>): Promise<AlertRuleWithState> {
    const current = await this.store.rule(this.wdb, id);
    if (!current) throw new AppError(ErrorCode.NOT_FOUND, `No alert rule ${id} in this workspace`, { field: 'id' });
    const merged: AlertRuleFields = { ...fieldsOf(current) };
    for (const [k, v] of Object.entries(patch) as [keyof AlertRuleFields, unknown][]) {
      if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
    }
    // A new URL without a new secret keeps no secret of the old receiver.
    if (patch.webhookUrl !== undefined && patch.webhookUrl !== current.webhookUrl && patch.webhookSecret === undefined) merged.webhookSecret = null;
    const checked = await this.check(merged);
    const now = this.now();
    const rule: AlertRuleValue = { ...current, ...checked, updatedAt: now, version: Math.max(current.version + 1, now * 1000) };
    await this.store.writeRule(this.wdb, rule);
    return (await this.withState([rule]))[0];
  }

  async delete(id: string): Promise<boolean> {
    const current = await this.store.rule(this.wdb, id);
    if (!current) throw new AppError(ErrorCode.NOT_FOUND, `No alert rule ${id} in this workspace`, { field: 'id' });
    const now = this.now();
    await this.store.writeRule(this.wdb, { ...current, updatedAt: now, version: Math.max(current.version + 1, now * 1000) }, true);
    return true;
  }

  private async withState(rules: AlertRuleValue[]): Promise<AlertRuleWithState[]> {
    if (rules.length === 0) return [];
    const states = await this.store.states(
      this.wdb,
      rules.map((r) => r.id),
    );
    const firing = [...states].filter(([, s]) => s.state === 'firing').map(([ruleId, s]) => ({ ruleId, since: s.since }));
    const acks = await this.acks.find(this.wdb, firing);
    return rules.map((r) => {
      const s = states.get(r.id);
      const since = s?.since ?? r.createdAt;
      const acknowledgement = acks.find((a) => a.ruleId === r.id && a.firingSince === since) ?? null;
      return { ...r, state: s?.state ?? 'ok', severity: s?.severity ?? null, stateSince: since, acknowledgement };
    });
  }

  /** Withholds the rule's notifications until `until` (ms); a firing announced before still gets its recovery. */
  async mute(id: string, until: number | null): Promise<AlertRuleWithState> {
    const now = this.now();
    if (until !== null && (!(until > now) || until - now > MAX_MUTE_MS)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `until must be in the future and at most ${MAX_MUTE_MS / 86_400_000} days away`, { field: 'until' });
    }
    return this.update(id, { mutedUntil: until });
  }

  /** Records who acknowledged the rule's open alert (its current firing); the first acknowledgement stands. */
  async acknowledge(id: string, by: string): Promise<AlertRuleWithState> {
    const rule = await this.get(id);
    if (rule.state !== 'firing')
      throw new AppError(ErrorCode.BAD_USER_INPUT, `Alert rule ${id} is not firing: there is no open alert to acknowledge`, { field: 'id' });
    if (rule.acknowledgement !== null) return rule;
    const acknowledgement: AcknowledgementValue = { ruleId: id, firingSince: rule.stateSince, by, at: this.now() };
    await this.acks.write(this.wdb, acknowledgement);
    return { ...rule, acknowledgement };
  }

  /** A new Standard Webhooks secret (whsec_…) for the rule's webhook, returned this once. */
  async rotateWebhookSecret(id: string): Promise<string> {
    const rule = await this.get(id);
    if (rule.webhookUrl === null) throw new AppError(ErrorCode.BAD_USER_INPUT, `Alert rule ${id} has no webhookUrl to sign for`, { field: 'id' });
    const secret = newSigningSecret();
    await this.update(id, { webhookSecret: secret });
    return secret;
  }

  /** Field checks, then the catalog: the destination or source exists, with the right kind, mapping and step. */
  private async check(fields: AlertRuleFields): Promise<AlertRuleFields> {
    const f = checkRuleFields(fields, this.allowPrivateNetworks);
    checkCriticalThreshold(f);
    const spec = KIND_SPECS[f.kind];
    const kindName = f.kind.toUpperCase();
    if (f.destinationId !== null) {
      const [destination] = await this.catalog.destinations([f.destinationId]);
      if (!destination) throw new AppError(ErrorCode.NOT_FOUND, `No destination ${f.destinationId} in this workspace`, { field: 'destinationId' });
      if (!spec.destinationKinds.includes(destination.kind)) {
        throw new AppError(
          ErrorCode.BAD_USER_INPUT,
          `${kindName} applies to ${spec.destinationKinds.join(' or ')} destinations; ${destination.id} is ${destination.kind}`,
          {
            field: 'destinationId',
            allowed: spec.destinationKinds,
          },
        );
      }
      if (f.mappingId !== null) {
        if (destination.kind !== 'actions' && destination.kind !== 'retl') {
          throw new AppError(ErrorCode.BAD_USER_INPUT, `mappingId applies to Actions and Reverse ETL destinations; ${destination.id} is ${destination.kind}`, {
            field: 'mappingId',
          });
        }
        const mappings = await this.catalog.mappings([destination.id]);
        if (!mappings.some((m) => m.id === f.mappingId)) {
          throw new AppError(ErrorCode.NOT_FOUND, `Destination ${destination.id} has no mapping ${f.mappingId}`, {
            field: 'mappingId',
            known: mappings.map((m) => m.id),
          });
        }
      }
      if (f.step !== null) {
        const box = pipelineStepOf(f.step, destination.kind);
        if (!PIPELINE_LAYOUT[destination.kind].includes(box)) {
          const allowed = PIPELINE_LAYOUT[destination.kind].filter((k) => DISCARD_STEP_KINDS.includes(k));
          throw new AppError(ErrorCode.BAD_USER_INPUT, `A ${destination.kind} destination has no ${box ?? f.step} step`, { field: 'step', allowed });
        }
      }
    }
    if (f.sourceId !== null) {
      const sources = await this.catalog.sources();
      if (!sources.some((s) => s.id === f.sourceId))
        throw new AppError(ErrorCode.NOT_FOUND, `No source ${f.sourceId} in this workspace`, { field: 'sourceId' });
    }
    return f;
  }
}

function fieldsOf(r: AlertRuleValue): AlertRuleFields {
  const { id: _id, workspaceId: _w, createdAt: _c, updatedAt: _u, version: _v, ...fields } = r;
  return fields;
}

function tooManyRules(): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, `A workspace may hold at most ${MAX_RULES_PER_WORKSPACE} alert rules; delete one first`, {
    limit: 'alertRulesPerWorkspace',
    value: MAX_RULES_PER_WORKSPACE,
  });
}
