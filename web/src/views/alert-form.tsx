import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../api/client';
import { CreateAlertRuleDocument, UpdateAlertRuleDocument, type AlertKind, type AlertsPageQuery, type PipelineStepKind } from '../gql/graphql';
import { SidePanel } from '../components/side-panel';
import { MappingSelect } from '../components/mapping-select';
import { KIND_NAMES, MutationProblem } from './alert-kinds';
import { DISCARD_STEPS } from '../steps.generated';

type Rule = AlertsPageQuery['alertRules'][number];

const DISCARD_KINDS = [...DISCARD_STEPS];

interface Draft {
  name: string;
  kind: AlertKind;
  destinationId: string;
  mappingId: string;
  sourceId: string;
  step: PipelineStepKind;
  reason: string;
  threshold: string;
  /** Empty: warnings only. */
  criticalThreshold: string;
  windowMinutes: string;
  minVolume: string;
  enabled: boolean;
  /** Channel secrets are write-only: empty keeps what is set; `clear…` removes it. */
  slackWebhookUrl: string;
  clearSlack: boolean;
  pagerdutyRoutingKey: string;
  clearPagerduty: boolean;
}

function draftOf(rule: Rule | null): Draft {
  return {
    name: rule?.name ?? '',
    kind: rule?.kind ?? 'DELIVERY_RATE_BELOW',
    destinationId: rule?.destinationId ?? '',
    mappingId: rule?.mappingId ?? '',
    sourceId: rule?.sourceId ?? '',
    step: rule?.step ?? 'FAILED_DELIVERY',
    reason: rule?.reason ?? '',
    threshold: String(rule?.threshold ?? 95),
    criticalThreshold: rule?.criticalThreshold == null ? '' : String(rule.criticalThreshold),
    windowMinutes: String(rule?.windowMinutes ?? 1440),
    minVolume: String(rule?.minVolume ?? 100),
    enabled: rule?.enabled ?? true,
    slackWebhookUrl: '',
    clearSlack: false,
    pagerdutyRoutingKey: '',
    clearPagerduty: false,
  };
}

/**
 * A secret channel for the request: a new value when one was typed, null to remove it, and left
 * out (kept as set) otherwise. A new rule has nothing to keep.
 */
function secretOf(typed: string, clear: boolean, editing: boolean): { value?: string | null } {
  if (typed.trim()) return { value: typed.trim() };
  if (clear || !editing) return { value: null };
  return {};
}

/**
 * A new kind keeps the typed threshold, except the untouched defaults: a quiet destination
 * alerts below 1 % delivered (the gateway's default), where the rates' 95 % would page at once.
 */
function withKind(d: Draft, kind: AlertKind): Draft {
  if (kind === 'DESTINATION_QUIET' && d.threshold === '95') return { ...d, kind, threshold: '1' };
  if (d.kind === 'DESTINATION_QUIET' && d.threshold === '1') return { ...d, kind, threshold: '95' };
  return { ...d, kind };
}

/** Only the fields the kind uses: the gateway refuses a field that does not apply. */
function inputOf(d: Draft, editing: boolean) {
  const perSource = d.kind === 'SOURCE_VOLUME_ANOMALY';
  const mappable = d.kind === 'DELIVERY_RATE_BELOW' || d.kind === 'DISCARD_RATE_ABOVE' || d.kind === 'RETRY_PENDING_ABOVE';
  const discard = d.kind === 'DISCARD_RATE_ABOVE';
  return {
    name: d.name.trim(),
    kind: d.kind,
    destinationId: perSource ? null : d.destinationId || null,
    mappingId: mappable ? d.mappingId || null : null,
    sourceId: perSource ? d.sourceId || null : null,
    step: discard ? d.step : null,
    reason: discard ? d.reason.trim() || null : null,
    threshold: Number(d.threshold),
    criticalThreshold: d.criticalThreshold.trim() === '' ? null : Number(d.criticalThreshold),
    windowMinutes: Number(d.windowMinutes),
    minVolume: Number(d.minVolume),
    enabled: d.enabled,
    ...channelsOf(d, editing),
  };
}

function channelsOf(d: Draft, editing: boolean): { slackWebhookUrl?: string | null; pagerdutyRoutingKey?: string | null } {
  const slack = secretOf(d.slackWebhookUrl, d.clearSlack, editing);
  const pagerduty = secretOf(d.pagerdutyRoutingKey, d.clearPagerduty, editing);
  return { ...('value' in slack ? { slackWebhookUrl: slack.value } : {}), ...('value' in pagerduty ? { pagerdutyRoutingKey: pagerduty.value } : {}) };
}

export function AlertForm({
  rule,
  destinations,
  sources,
  onDone,
}: {
  rule: Rule | null;
  destinations: AlertsPageQuery['destinations'];
  sources: AlertsPageQuery['sources'];
  onDone: (saved: boolean) => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(rule));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const input = inputOf(draft, rule !== null);
      if (rule) await request(UpdateAlertRuleDocument, { id: rule.id, input });
      else await request(CreateAlertRuleDocument, { input });
      onDone(true);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <SidePanel title={rule ? `Edit “${rule.name}”` : 'New alert rule'} onClose={() => onDone(false)}>
      <form className="alert-form" onSubmit={submit}>
        <label className="field">
          <span>Name</span>
          <input required value={draft.name} onChange={(e) => set('name', e.target.value)} />
        </label>
        <label className="field">
          <span>Watches</span>
          <select value={draft.kind} onChange={(e) => setDraft((d) => withKind(d, e.target.value as AlertKind))}>
            {Object.entries(KIND_NAMES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <TargetFields draft={draft} set={set} destinations={destinations} sources={sources} />
        <ThresholdFields draft={draft} set={set} />
        <div className="field-row">
          <label className="field">
            <span>Window (minutes)</span>
            <input type="number" min={5} max={20160} required value={draft.windowMinutes} onChange={(e) => set('windowMinutes', e.target.value)} />
          </label>
          <label className="field">
            <span>Minimum volume</span>
            <input type="number" min={0} required value={draft.minVolume} onChange={(e) => set('minVolume', e.target.value)} />
          </label>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          Enabled
        </label>
        <ChannelFields draft={draft} set={set} rule={rule} />
        {error && <MutationProblem error={error} />}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {rule ? 'Save changes' : 'Create rule'}
          </button>
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
        </div>
      </form>
    </SidePanel>
  );
}

type SetField = <K extends keyof Draft>(key: K, value: Draft[K]) => void;

/** What the rule watches: a source, or a destination (with mapping, discard step and reason as the kind allows). */
function TargetFields({
  draft,
  set,
  destinations,
  sources,
}: {
  draft: Draft;
  set: SetField;
  destinations: AlertsPageQuery['destinations'];
  sources: AlertsPageQuery['sources'];
}) {
  const destination = destinations.find((d) => d.id === draft.destinationId);
  return (
    <>
      {draft.kind === 'SOURCE_VOLUME_ANOMALY' ? (
        <label className="field">
          <span>Source</span>
          <select required value={draft.sourceId} onChange={(e) => set('sourceId', e.target.value)}>
            <option value="">Choose a source</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label className="field">
          <span>Destination</span>
          <select required value={draft.destinationId} onChange={(e) => set('destinationId', e.target.value)}>
            <option value="">Choose a destination</option>
            {destinations.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.kind.toLowerCase()})
              </option>
            ))}
          </select>
        </label>
      )}
      {destination && destination.mappings.length > 0 && draft.kind !== 'SYNC_FAILURES' && draft.kind !== 'SOURCE_VOLUME_ANOMALY' && (
        <MappingSelect mappings={destination.mappings} value={draft.mappingId} onChange={(m) => set('mappingId', m)} />
      )}
      {draft.kind === 'DISCARD_RATE_ABOVE' && (
        <>
          <label className="field">
            <span>Discard step</span>
            <select value={draft.step} onChange={(e) => set('step', e.target.value as PipelineStepKind)}>
              {DISCARD_KINDS.map((s) => (
                <option key={s} value={s}>
                  {s.toLowerCase().replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Reason code (optional)</span>
            <input value={draft.reason} onChange={(e) => set('reason', e.target.value)} className="mono" />
          </label>
        </>
      )}
    </>
  );
}

/** Warning and (optional) critical thresholds, in the kind's unit. */
function ThresholdFields({ draft, set }: { draft: Draft; set: SetField }) {
  const unit = draft.kind === 'SYNC_FAILURES' || draft.kind === 'RETRY_PENDING_ABOVE' ? 'count' : '%';
  return (
    <>
      <div className="field-row">
        <label className="field">
          <span>Warning threshold ({unit})</span>
          <input type="number" step="any" required value={draft.threshold} onChange={(e) => set('threshold', e.target.value)} />
        </label>
        <label className="field">
          <span>Critical threshold ({unit}, optional)</span>
          <input
            type="number"
            step="any"
            value={draft.criticalThreshold}
            onChange={(e) => set('criticalThreshold', e.target.value)}
            aria-describedby="critical-hint"
          />
        </label>
      </div>
      <p id="critical-hint" className="field-hint">
        Critical lies beyond the warning threshold: lower for the kinds that fire below it, higher for the others. Empty: warnings only.
      </p>
    </>
  );
}

/** Slack and PagerDuty: written, never shown back; the rule only says whether one is set. */
function ChannelFields({ draft, set, rule }: { draft: Draft; set: SetField; rule: Rule | null }) {
  return (
    <fieldset className="channel-fields">
      <legend>Where it notifies</legend>
      <SecretField
        label="Slack incoming webhook URL"
        isSet={Boolean(rule?.slack)}
        value={draft.slackWebhookUrl}
        onChange={(v) => set('slackWebhookUrl', v)}
        clear={draft.clearSlack}
        onClear={(c) => set('clearSlack', c)}
        placeholder="https://hooks.slack.com/services/…"
        type="url"
      />
      <SecretField
        label="PagerDuty routing key (Events API v2)"
        isSet={Boolean(rule?.pagerduty)}
        value={draft.pagerdutyRoutingKey}
        onChange={(v) => set('pagerdutyRoutingKey', v)}
        clear={draft.clearPagerduty}
        onClear={(c) => set('clearPagerduty', c)}
        placeholder="32 characters"
        type="password"
      />
    </fieldset>
  );
}

interface SecretFieldProps {
  label: string;
  isSet: boolean;
  value: string;
  onChange: (value: string) => void;
  clear: boolean;
  onClear: (clear: boolean) => void;
  placeholder: string;
  type: 'url' | 'password';
}

function SecretField({ label, isSet, value, onChange, clear, onClear, placeholder, type }: SecretFieldProps) {
  return (
    <div className="secret-field">
      <label className="field">
        <span>
          {label} <span className="secret-state">{isSet ? '· set (never shown again; type a new one to replace it)' : '· not set'}</span>
        </span>
        <input
          type={type}
          autoComplete="off"
          spellCheck={false}
          value={value}
          disabled={clear}
          placeholder={isSet ? 'set' : placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {isSet && (
        <label className="checkbox">
          <input type="checkbox" checked={clear} onChange={(e) => onClear(e.target.checked)} />
          Remove it
        </label>
      )}
    </div>
  );
}
