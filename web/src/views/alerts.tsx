import { useState } from 'react';
import { ApiError, request } from '../api/client';
import { useQuery } from '../api/use-query';
import { AlertsPageDocument, DeleteAlertRuleDocument, type AlertsPageQuery } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { SkeletonTableRows } from '../components/skeleton';
import { AlertForm, KIND_NAMES } from './alert-form';
import { formatCount, formatTime } from '../format';
import { zoneFromParams } from '../zone';
import { TableScroller } from '../components/table-parts';
import { setParams, useRoute } from '../route';

type Rule = AlertsPageQuery['alertRules'][number];

function thresholdText(rule: Pick<Rule, 'kind' | 'threshold'>): string {
  return rule.kind === 'SYNC_FAILURES' || rule.kind === 'RETRY_PENDING_ABOVE' ? `${formatCount(rule.threshold)}` : `${rule.threshold} %`;
}

/** Alert rules (create, edit, delete with an admin token) and what fired in the last 7 days. */
export function AlertsPage() {
  const { params } = useRoute();
  const zone = zoneFromParams(params).zone;
  const query = useQuery(AlertsPageDocument, { range: { preset: 'LAST_7_DAYS', timeZone: zone, lookback: false } });
  const [mutationError, setMutationError] = useState<ApiError | null>(null);
  const editing = params.get('rule');
  const data = query.data;
  const remove = async (rule: Rule) => {
    if (!window.confirm(`Delete the alert rule “${rule.name}”? Its history stays.`)) return;
    try {
      await request(DeleteAlertRuleDocument, { id: rule.id });
      setMutationError(null);
      query.retry();
    } catch (err) {
      setMutationError(err as ApiError);
    }
  };
  return (
    <section data-view="alerts" aria-labelledby="alerts-title">
      <div className="page-head">
        <div>
          <h1 id="alerts-title">Alerts</h1>
          <p className="subtle">Rules watch delivery rates, discards, source volume, syncs and retries; firings appear here and as notifications.</p>
        </div>
        <button type="button" className="button-primary" onClick={() => setParams({ rule: 'new' })}>
          New rule
        </button>
      </div>
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      {mutationError && <MutationProblem error={mutationError} />}
      {/* Without an answer there is nothing to lay out: the notice above says why and offers the retry. */}
      {!(query.error && !data) && (
        <>
          <RulesTable rules={data?.alertRules ?? null} zone={zone} onRemove={remove} names={namesOf(data)} />
          <History history={data?.alertHistory ?? null} zone={zone} />
        </>
      )}
      {editing && data && (
        <AlertForm
          rule={data.alertRules.find((r) => r.id === editing) ?? null}
          destinations={data.destinations}
          sources={data.sources}
          onDone={(saved) => {
            setParams({ rule: null });
            if (saved) query.retry();
          }}
        />
      )}
    </section>
  );
}

export function MutationProblem({ error }: { error: ApiError }) {
  if (error.kind === 'auth') {
    return (
      <p className="notice notice-error" role="alert">
        {error.message} Changing alert rules needs a token with the admin scope.
      </p>
    );
  }
  return <ErrorNotice error={error} retry={() => undefined} />;
}

function History({ history, zone }: { history: AlertsPageQuery['alertHistory'] | null; zone: string }) {
  return (
    <TableScroller label="Alert history" className="panel">
      <table className="table">
        <caption>History, last 7 days ({zone})</caption>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Rule</th>
            <th scope="col">Transition</th>
            <th scope="col">What happened</th>
            <th scope="col">Notifications</th>
          </tr>
        </thead>
        <tbody>
          {!history && <SkeletonTableRows columns={5} rows={2} />}
          {history?.map((event) => (
            <tr key={event.id}>
              <td>{formatTime(event.at, zone)}</td>
              <td>{event.ruleName}</td>
              <td>
                <span className={`status status-${event.state === 'FIRING' ? 'failed' : 'success'}`}>{event.state === 'FIRING' ? '⚠ Firing' : '✓ Resolved'}</span>
              </td>
              <td>{event.message}</td>
              <td>{event.notifications.map((n) => `${n.channel.toLowerCase()} ${n.outcome.toLowerCase()}`).join(', ') || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {history && history.length === 0 && <p className="empty-state">Nothing fired in the last 7 days.</p>}
    </TableScroller>
  );
}

/** Display names of what rules point at: destinations, their mappings and sources. */
function namesOf(data: AlertsPageQuery | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of data?.destinations ?? []) {
    names.set(d.id, d.name);
    for (const m of d.mappings) names.set(`${d.id}/${m.id}`, m.name);
  }
  for (const s of data?.sources ?? []) names.set(s.id, s.name);
  return names;
}

function target(rule: Rule, names: Map<string, string>): string {
  const where = rule.destinationId ?? rule.sourceId;
  const parts = [where && (names.get(where) ?? where), rule.mappingId && (names.get(`${rule.destinationId}/${rule.mappingId}`) ?? rule.mappingId), rule.step?.toLowerCase().replaceAll('_', ' '), rule.reason];
  return parts.filter(Boolean).join(' · ');
}

function RulesTable({ rules, zone, onRemove, names }: { rules: Rule[] | null; zone: string; onRemove: (rule: Rule) => void; names: Map<string, string> }) {
  return (
    <TableScroller label="Alert rules" className="panel">
      <table className="table">
        <caption>Rules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Watches</th>
            <th scope="col">Target</th>
            <th scope="col" className="num">
              Threshold
            </th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {!rules && <SkeletonTableRows columns={6} rows={2} />}
          {rules?.map((rule) => (
            <tr key={rule.id} data-rule={rule.id}>
              <th scope="row">
                {rule.name}
                {!rule.enabled && <span className="tag">disabled</span>}
              </th>
              <td>{KIND_NAMES[rule.kind]}</td>
              <td>{target(rule, names)}</td>
              <td className="num">{thresholdText(rule)}</td>
              <td>
                <span className={`status status-${rule.state === 'FIRING' ? 'failed' : 'success'}`}>{rule.state === 'FIRING' ? '⚠ Firing' : '✓ OK'}</span>
                <span className="cell-sub">since {formatTime(rule.stateSince, zone)}</span>
              </td>
              <td>
                <div className="actions">
                <button type="button" className="button-small" onClick={() => setParams({ rule: rule.id })}>
                  Edit
                </button>
                <button type="button" className="button-small button-danger" onClick={() => onRemove(rule)} aria-label={`Delete ${rule.name}`}>
                  Delete
                </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rules && rules.length === 0 && <p className="empty-state">No rules yet. Create one to be told when delivery degrades.</p>}
    </TableScroller>
  );
}
