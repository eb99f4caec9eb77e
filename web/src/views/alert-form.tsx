import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../api/client';
import { CreateAlertRuleDocument, UpdateAlertRuleDocument, type AlertKind, type AlertsPageQuery, type PipelineStepKind } from '../gql/graphql';
import { SidePanel } from '../components/side-panel';
import { MappingSelect } from '../components/mapping-select';
import { MutationProblem } from './alerts';

type Rule = AlertsPageQuery['alertRules'][number];

export const KIND_NAMES: Record<AlertKind, string> = {
  DELIVERY_RATE_BELOW: 'Delivery rate below',
  DISCARD_RATE_ABOVE: 'Discard rate above',
  SOURCE_VOLUME_ANOMALY: 'Source volume anomaly',
  SYNC_FAILURES: 'Sync failures',
  RETRY_PENDING_ABOVE: 'Retry pending above',
  RETL_MAPPING_DELIVERY_RATE_BELOW: 'Reverse ETL mapping delivery rate below',
  AUDIENCE_SYNC_HEALTH_BELOW: 'Audience sync health below',
  DESTINATION_QUIET: 'Destination going quiet',
};

const DISCARD_STEPS: PipelineStepKind[] = ['FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FAILED_TO_EXTRACT', 'FILTERED_AT_DESTINATION', 'FILTERED_AT_MAPPING', 'FAILED_DELIVERY'];

interface Draft {
  name: string;
  kind: AlertKind;
  destinationId: string;
  mappingId: string;
  sourceId: string;
  step: PipelineStepKind;
  reason: string;
  threshold: string;
  windowMinutes: string;
  minVolume: string;
  enabled: boolean;
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
    windowMinutes: String(rule?.windowMinutes ?? 1440),
    minVolume: String(rule?.minVolume ?? 100),
    enabled: rule?.enabled ?? true,
  };
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
function inputOf(d: Draft) {
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
    windowMinutes: Number(d.windowMinutes),
    minVolume: Number(d.minVolume),
    enabled: d.enabled,
  };
}

export function AlertForm({ rule, destinations, sources, onDone }: { rule: Rule | null; destinations: AlertsPageQuery['destinations']; sources: AlertsPageQuery['sources']; onDone: (saved: boolean) => void }) {
  const [draft, setDraft] = useState(() => draftOf(rule));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const input = inputOf(draft);
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
        <div className="field-row">
          <label className="field">
            <span>Threshold ({draft.kind === 'SYNC_FAILURES' || draft.kind === 'RETRY_PENDING_ABOVE' ? 'count' : '%'})</span>
            <input type="number" step="any" required value={draft.threshold} onChange={(e) => set('threshold', e.target.value)} />
          </label>
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
function TargetFields({ draft, set, destinations, sources }: { draft: Draft; set: SetField; destinations: AlertsPageQuery['destinations']; sources: AlertsPageQuery['sources'] }) {
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
            {DISCARD_STEPS.map((s) => (
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
