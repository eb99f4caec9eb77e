import { useState } from 'react';
import type { BreakdownQuery } from '../gql/graphql';
import { formatCount, formatShare } from '../format';
import { ChangeText } from './change-text';
import { SkeletonTableRows } from './skeleton';
import { SortHeader, useSort } from './sortable';

type Row = NonNullable<BreakdownQuery['destination']>['breakdown'][number];

const FIRST_ROWS = 20;

const ACCESSORS = {
  // The page asks for all three dimensions, so none is null here; '' sorts a missing one first.
  type: (r: Row) => r.eventType ?? '',
  name: (r: Row) => r.eventName ?? '',
  version: (r: Row) => r.appVersion ?? '',
  count: (r: Row) => r.count,
  change: (r: Row) => r.change.count ?? 0,
};

/** Events of a step (or of one reason) by event type, name and app version; sortable. */
export function BreakdownTable({ rows, view }: { rows: Row[] | null; view: 'percent' | 'counts' }) {
  const { sorted, sort, toggle } = useSort(rows ?? [], ACCESSORS, { key: 'count', descending: true });
  // The largest rows answer the question; the long tail is one click away.
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? sorted : sorted.slice(0, FIRST_ROWS);
  return (
    <div className="table-wrap">
      <table className="table breakdown-table">
        <caption className="visually-hidden">Events by event type, name and app version</caption>
        <thead>
          <tr>
            <SortHeader column="type" sort={sort} toggle={toggle}>Event type</SortHeader>
            <SortHeader column="name" sort={sort} toggle={toggle}>Event name</SortHeader>
            <SortHeader column="version" sort={sort} toggle={toggle}>App version</SortHeader>
            <SortHeader column="count" sort={sort} toggle={toggle} numeric>Events</SortHeader>
            <SortHeader column="change" sort={sort} toggle={toggle} numeric>Change</SortHeader>
          </tr>
        </thead>
        <tbody>
          {!rows && <SkeletonTableRows columns={5} />}
          {shown.map((row, i) => (
            <tr key={`${row.eventType}|${row.eventName}|${row.appVersion}|${i}`} data-count={row.count}>
              <td>{row.eventType || <span className="muted">not reported</span>}</td>
              <td>{row.eventName || <span className="muted">not reported</span>}</td>
              <td className="mono">{row.appVersion || <span className="muted">not reported</span>}</td>
              <td className="num">
                {formatCount(row.count)}
                {row.share !== null && <span className="cell-sub">{formatShare(row.share)} of received</span>}
              </td>
              <td className="num">{view === 'counts' ? <ChangeText count={row.change.count} /> : <ChangeText points={row.change.percentagePoints} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="empty-state">No events at this step in the range.</p>}
      {sorted.length > shown.length && (
        <p className="table-more">
          <button type="button" onClick={() => setShowAll(true)}>
            Show all {sorted.length} rows
          </button>
        </p>
      )}
    </div>
  );
}
