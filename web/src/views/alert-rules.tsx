import type { AlertsPageQuery } from '../gql/graphql';
import { SkeletonTableRows } from '../components/skeleton';
import { TableScroller } from '../components/table-parts';
import { formatCount, formatTime } from '../format';
import { setParams } from '../route';
import { KIND_NAMES } from './alert-kinds';

export type Rule = AlertsPageQuery['alertRules'][number];

export interface RuleActions {
  remove(rule: Rule): void;
  unmute(rule: Rule): void;
  acknowledge(rule: Rule): void;
}

function valueText(rule: Rule, value: number): string {
  return rule.kind === 'SYNC_FAILURES' || rule.kind === 'RETRY_PENDING_ABOVE' ? formatCount(value) : `${value} %`;
}

/** Display names of what rules point at: destinations, their mappings and sources. */
export function namesOf(data: AlertsPageQuery | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of data?.destinations ?? []) {
    names.set(String(d.id), d.name);
    for (const m of d.mappings) names.set(`${d.id}/${m.id}`, m.name);
  }
  for (const s of data?.sources ?? []) names.set(String(s.id), s.name);
  return names;
}

function target(rule: Rule, names: Map<string, string>): string {
  const where = rule.destinationId ?? rule.sourceId;
  const parts = [
    where && (names.get(String(where)) ?? where),
    rule.mappingId && (names.get(`${rule.destinationId}/${rule.mappingId}`) ?? rule.mappingId),
    rule.step?.toLowerCase().replaceAll('_', ' '),
    rule.reason,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** Where a rule notifies: secrets are never shown, only that they are set. */
function channels(rule: Rule): string {
  const list = [
    rule.slack && 'Slack (set)',
    rule.pagerduty && 'PagerDuty (set)',
    rule.webhook && `webhook ${rule.webhook}`,
    rule.emails.length > 0 && `${rule.emails.length} email${rule.emails.length === 1 ? '' : 's'}`,
  ];
  return list.filter(Boolean).join(' · ') || 'in the page only';
}

/** The rules with their thresholds, state (severity, mute, acknowledgement) and what on-call can do. */
export function RulesTable({
  rules,
  zone,
  names,
  you,
  actions,
}: {
  rules: Rule[] | null;
  zone: string;
  names: Map<string, string>;
  you: string | null;
  actions: RuleActions;
}) {
  return (
    <TableScroller label="Alert rules" className="panel">
      <table className="table">
        <caption>Rules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Watches</th>
            <th scope="col" className="num">
              Thresholds
            </th>
            <th scope="col">State</th>
            <th scope="col">Notifies</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {!rules && <SkeletonTableRows columns={6} rows={2} />}
          {rules?.map((rule) => (
            <RuleRow key={rule.id} rule={rule} zone={zone} names={names} you={you} actions={actions} />
          ))}
        </tbody>
      </table>
      {rules && rules.length === 0 && <p className="empty-state">No rules yet. Create one to be told when delivery degrades.</p>}
    </TableScroller>
  );
}

function RuleRow({ rule, zone, names, you, actions }: { rule: Rule; zone: string; names: Map<string, string>; you: string | null; actions: RuleActions }) {
  const firing = rule.state === 'FIRING';
  const muted = rule.mutedUntil !== null && Date.parse(rule.mutedUntil) > Date.now();
  return (
    <tr
      data-rule={rule.id}
      data-state={rule.state}
      data-severity={rule.severity ?? ''}
      data-muted={muted ? 'true' : 'false'}
      data-acknowledged={rule.acknowledgement ? 'true' : 'false'}
    >
      <th scope="row">
        {rule.name}
        {!rule.enabled && <span className="tag">disabled</span>}
      </th>
      <td>
        {KIND_NAMES[rule.kind]}
        <span className="cell-sub">{target(rule, names)}</span>
      </td>
      <td className="num">
        warning {valueText(rule, rule.threshold)}
        {rule.criticalThreshold !== null && rule.criticalThreshold !== undefined && (
          <span className="cell-sub">critical {valueText(rule, rule.criticalThreshold)}</span>
        )}
      </td>
      <td>
        <span className={`status status-${firing ? (rule.severity === 'CRITICAL' ? 'critical' : 'failed') : 'success'}`}>
          {firing ? `⚠ Firing · ${rule.severity === 'CRITICAL' ? 'critical' : 'warning'}` : '✓ OK'}
        </span>
        <span className="cell-sub">since {formatTime(rule.stateSince, zone)}</span>
        {rule.acknowledgement && (
          <span className="cell-sub" data-acknowledgement>
            ✓ Acknowledged by {rule.acknowledgement.by === you ? `${rule.acknowledgement.by} (you)` : rule.acknowledgement.by} at{' '}
            {formatTime(rule.acknowledgement.at, zone)}
          </span>
        )}
        {muted && (
          <span className="cell-sub" data-muted-until={rule.mutedUntil}>
            Muted until {formatTime(rule.mutedUntil!, zone)}: no notifications
          </span>
        )}
      </td>
      <td>{channels(rule)}</td>
      <td>
        <div className="actions">
          {firing && !rule.acknowledgement && (
            <button type="button" className="button-small" onClick={() => actions.acknowledge(rule)} aria-label={`Acknowledge ${rule.name}`}>
              Acknowledge
            </button>
          )}
          {muted ? (
            <button type="button" className="button-small" onClick={() => actions.unmute(rule)} aria-label={`Unmute ${rule.name}`}>
              Unmute
            </button>
          ) : (
            <button type="button" className="button-small" onClick={() => setParams({ mute: String(rule.id) })} aria-label={`Mute ${rule.name}`}>
              Mute…
            </button>
          )}
          <button type="button" className="button-small" onClick={() => setParams({ rule: String(rule.id) })} aria-label={`Edit ${rule.name}`}>
            Edit
          </button>
          <button type="button" className="button-small button-danger" onClick={() => actions.remove(rule)} aria-label={`Delete ${rule.name}`}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
