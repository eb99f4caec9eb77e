import type { DiscardsQuery } from '../gql/graphql';
import { formatCount, formatShare } from '../format';
import { followLink, setParams, withParams } from '../route';
import { ChangeText } from './change-text';
import { SkeletonTableRows } from './skeleton';

export type DiscardRow = NonNullable<DiscardsQuery['destination']>['discards'][number];

/** The catalogue anchor of a reason's docs URL (`/docs/discard-reasons.md#<anchor>`). */
export function docsAnchor(docsUrl: string): string {
  return docsUrl.split('#')[1] ?? '';
}

/** One row per reason: title first, code second, what happened and what to do, samples. */
export function DiscardTable({ rows, view, selectedReason }: { rows: DiscardRow[] | null; view: 'percent' | 'counts'; selectedReason: string | null }) {
  return (
    <div className="table-wrap">
      <table className="table discard-table">
        <caption className="visually-hidden">Discarded events by reason; select a reason for its events, or open its samples</caption>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col" className="num">
              Events
            </th>
            <th scope="col" className="num">
              Change
            </th>
            <th scope="col">What happened · what to do</th>
            <th scope="col">Samples</th>
          </tr>
        </thead>
        <tbody>
          {!rows && <SkeletonTableRows columns={5} />}
          {rows?.map((row) => (
            <tr key={row.reason.code} data-reason={row.reason.code} data-count={row.count} className={selectedReason === row.reason.code ? 'row-selected' : undefined}>
              <th scope="row">
                <button type="button" className="link-button reason-title" aria-pressed={selectedReason === row.reason.code} onClick={() => setParams({ reason: selectedReason === row.reason.code ? null : row.reason.code })}>
                  {row.reason.title}
                </button>
                <code className="reason-code">{row.reason.code}</code>
                {row.reason.unknown && <span className="tag">not in the catalogue</span>}
              </th>
              <td className="num">
                {formatCount(row.count)}
                {row.share !== null && <span className="cell-sub">{formatShare(row.share)} of received</span>}
              </td>
              <td className="num">{view === 'counts' ? <ChangeText count={row.change.count} /> : <ChangeText points={row.change.percentagePoints} />}</td>
              <td className="remedy">
                <p className="subtle">{row.reason.description}</p>
                <p>{row.reason.remedy}</p>
                <a href={withParams({ doc: docsAnchor(row.reason.docsUrl) })} onClick={followLink} className="docs-link">
                  Docs: {row.reason.title}
                </a>
              </td>
              <td>
                {row.samples.length > 0 ? (
                  <button type="button" className="button-small" onClick={() => setParams({ samples: row.reason.code })} aria-label={`${row.samples.length} samples of ${row.reason.title}`}>
                    {row.samples.length} samples ▸
                  </button>
                ) : (
                  <span className="muted">none kept</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="empty-state">Nothing was discarded at this step in the range.</p>}
    </div>
  );
}
