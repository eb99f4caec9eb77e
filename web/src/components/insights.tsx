import type { InsightFieldsFragment } from '../gql/graphql';
import { formatCount, formatPoints, formatShare, formatSignedCount, plural } from '../format';
import { setParams } from '../route';
import { STEP_LABELS } from '../steps.generated';

/** "Biggest movers": where the rate moved most since the previous period, and what explains it. */
export function Insights({ insights }: { insights: InsightFieldsFragment[] | undefined }) {
  return (
    <section className="panel detail" aria-labelledby="insights-title" data-detail="insights">
      <div className="detail-head">
        <h2 id="insights-title">Biggest movers since the previous period</h2>
        <span className="subtle">Select a step above for its reasons and events.</span>
      </div>
      {!insights && <span className="skeleton skeleton-text wide" />}
      {insights && insights.length === 0 && <p className="empty-state">Nothing moved noticeably against the previous period.</p>}
      <ol className="insights">
        {insights?.map((insight) => (
          <li
            key={`${insight.step}:${insight.reason?.code ?? ''}`}
            data-insight-step={insight.step}
            data-insight-reason={insight.reason?.code ?? ''}
            data-count={insight.count}
            data-points={insight.percentagePoints ?? ''}
          >
            <button type="button" className="insight" onClick={() => setParams({ step: insight.step, reason: insight.reason?.code ?? null })}>
              <span className="insight-points">{formatPoints(insight.percentagePoints)}</span>
              <span className="insight-what">
                <strong>{STEP_LABELS[insight.step]}</strong>
                {insight.reason && (
                  <>
                    {' '}
                    · {insight.reason.title} <code>{insight.reason.code}</code>
                  </>
                )}
                <span className="subtle">
                  {' '}
                  {formatShare(insight.previousShare)} → {formatShare(insight.share)} ({formatCount(insight.previousCount)} → {formatCount(insight.count)}{' '}
                  {plural(insight.count, 'event')})
                </span>
              </span>
              <span className="insight-why">
                {insight.contributors.slice(0, 3).map((c) => (
                  <span key={`${c.dimension}:${c.value}`} className="contributor">
                    {c.dimension === 'APP_VERSION' ? `app ${c.value}` : c.value || '(none)'} {formatSignedCount(c.delta)}
                  </span>
                ))}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
