import { useState } from 'react';
import type { BreakdownQuery } from '../gql/graphql';
import { formatCount, formatShare } from '../format';
import { ChangeText } from './change-text';
import { SkeletonTableRows } from './skeleton';
import { SortHeader, useSort } from './sortable';

type Row = NonNullable<BreakdownQuery['destination']>['breakdown'][number];

const FIRST_ROWS = 20;

/**
 * The columns a row can carry: the server groups by the destination kind's own dimensions
 * (events by type, name and version; Reverse ETL records by operation and mapping; audience
 * changes by audience and change), and leaves the others null.
 */
const COLUMNS = [
  { key: 'type', title: 'Event type', value: (r: Row) => r.eventType },
  { key: 'name', title: 'Event name', value: (r: Row) => r.eventName },
  { key: 'version', title: 'App version', value: (r: Row) => r.appVersion, mono: true },
  { key: 'audience', title: 'Audience', value: (r: Row) => (r.audienceId === null ? null : `${r.audienceId} · ${r.spaceId}`), mono: true },
  { key: 'operation', title: 'Operation', value: (r: Row) => r.operation },
  { key: 'mapping', title: 'Mapping', value: (r: Row) => r.mappingId, mono: true },
] as const;

const ACCESSORS = {
  ...Object.fromEntries(COLUMNS.map((c) => [c.key, (r: Row) => c.value(r) ?? ''])),
  count: (r: Row) => r.count,
  change: (r: Row) => r.change.count ?? 0,
} as Record<string, (r: Row) => string | number>;

/** The kind of what a table counts, for its words. */
export function unitOfRows(rows: Row[] | null): 'events' | 'records' | 'changes' {
  const first = rows?.[0];
  if (first?.audienceId != null) return 'changes';
  return first?.operation != null ? 'records' : 'events';
}

/** A step's events (or records, or changes), of one reason or all, by the kind's dimensions; sortable. */
export function BreakdownTable({ rows, view }: { rows: Row[] | null; view: 'percent' | 'counts' }) {
  const { sorted, sort, toggle } = useSort(rows ?? [], ACCESSORS, { key: 'count', descending: true });
  const shownColumns = rows && rows.length > 0 ? COLUMNS.filter((c) => c.value(rows[0]) !== null) : COLUMNS.slice(0, 3);
  const unit = unitOfRows(rows);
  // The largest rows answer the question; the long tail is one click away.
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? sorted : sorted.slice(0, FIRST_ROWS);
  return (
    <div className="table-wrap">
      <table className="table breakdown-table">
        <caption className="visually-hidden">{`${unit[0].toUpperCase()}${unit.slice(1)} by ${shownColumns.map((c) => c.title.toLowerCase()).join(', ')}`}</caption>
        <thead>
          <tr>
            {shownColumns.map((c) => (
              <SortHeader key={c.key} column={c.key} sort={sort} toggle={toggle}>
                {c.title}
              </SortHeader>
            ))}
            <SortHeader column="count" sort={sort} toggle={toggle} numeric>{`${unit[0].toUpperCase()}${unit.slice(1)}`}</SortHeader>
            <SortHeader column="change" sort={sort} toggle={toggle} numeric>Change</SortHeader>
          </tr>
        </thead>
        <tbody>
          {!rows && <SkeletonTableRows columns={5} />}
          {shown.map((row, i) => (
            <tr key={`${shownColumns.map((c) => c.value(row)).join('|')}|${i}`} data-count={row.count}>
              {shownColumns.map((c) => (
                <td key={c.key} className={'mono' in c ? 'mono' : undefined}>
                  {c.value(row) || <span className="muted">{c.key === 'mapping' ? 'no mapping' : 'not reported'}</span>}
                </td>
              ))}
              <td className="num">
                {formatCount(row.count)}
                {row.share !== null && <span className="cell-sub">{formatShare(row.share)} of the first step</span>}
              </td>
              <td className="num">{view === 'counts' ? <ChangeText count={row.change.count} /> : <ChangeText points={row.change.percentagePoints} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="empty-state">Nothing at this step in the range.</p>}
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
