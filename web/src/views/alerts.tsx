import { useState } from 'react';
import { ApiError, request } from '../api/client';
import { useQuery } from '../api/use-query';
import { AcknowledgeAlertDocument, AlertsPageDocument, DeleteAlertRuleDocument, UnmuteAlertRuleDocument } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { AlertForm } from './alert-form';
import { AlertHistory } from './alert-history';
import { MutationProblem } from './alert-kinds';
import { MutePanel } from './alert-mute';
import { namesOf, RulesTable, type Rule, type RuleActions } from './alert-rules';
import { zoneFromParams } from '../zone';
import { setParams, useRoute } from '../route';

export { MutationProblem } from './alert-kinds';

/** Alert rules (create, edit, delete, mute, acknowledge with an admin token) and what fired in the last 7 days. */
export function AlertsPage() {
  const { params } = useRoute();
  const zone = zoneFromParams(params).zone;
  const query = useQuery(AlertsPageDocument, { range: { preset: 'LAST_7_DAYS', timeZone: zone, lookback: false } });
  const [mutationError, setMutationError] = useState<ApiError | null>(null);
  const editing = params.get('rule');
  const muting = params.get('mute');
  const data = query.data;
  const run = async (change: () => Promise<unknown>) => {
    try {
      await change();
      setMutationError(null);
      query.retry();
    } catch (err) {
      setMutationError(err as ApiError);
    }
  };
  const actions: RuleActions = {
    remove: (rule: Rule) =>
      window.confirm(`Delete the alert rule “${rule.name}”? Its history stays.`) && run(() => request(DeleteAlertRuleDocument, { id: rule.id })),
    unmute: (rule: Rule) => run(() => request(UnmuteAlertRuleDocument, { id: rule.id })),
    acknowledge: (rule: Rule) => run(() => request(AcknowledgeAlertDocument, { ruleId: rule.id })),
  };
  const muted = muting && data ? data.alertRules.find((r) => r.id === muting) : undefined;
  return (
    <section data-view="alerts" aria-labelledby="alerts-title">
      <div className="page-head">
        <div>
          <h1 id="alerts-title">Alerts</h1>
          <p className="subtle">
            Rules watch delivery rates, discards, source volume, syncs and retries, at a warning and a critical threshold; firings appear here and reach Slack,
            PagerDuty, webhooks and email.
          </p>
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
          <RulesTable rules={data?.alertRules ?? null} zone={zone} names={namesOf(data)} you={data ? String(data.viewer.tokenId) : null} actions={actions} />
          <AlertHistory history={data?.alertHistory ?? null} zone={zone} />
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
      {muted && (
        <MutePanel
          rule={muted}
          zone={zone}
          onDone={(changed) => {
            setParams({ mute: null });
            if (changed) query.retry();
          }}
        />
      )}
    </section>
  );
}
