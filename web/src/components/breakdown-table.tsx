import { useState } from 'react';
import type { BreakdownFieldsFragment } from '../gql/graphql';
import { SkeletonTableRows } from './skeleton';
import { SortHeader, useSort } from './sortable';
import { ChangeCell, CountCell, RowToggle, TableScroller, useOpenRows } from './table-parts';

type Row = BreakdownFieldsFragment;

const FIRST_ROWS = 20;

/**
 * The columns a row can carry: the server groups by the destination kind's own dimensions
 * (events by type, name and version; Reverse ETL records by operation and mapping; audience
 * changes by audience and change), and leaves the others null.
 */
function columnsFor(mappingNames: Map<string, string>) {
  return [
    { key: 'type', title: 'Event type', value: (r: Row) => r.eventType },
    { key: 'name', title: 'Event name', value: (r: Row) => r.eventName },
    { key: 'version', title: 'App version', value: (r: Row) => r.appVersion, mono: true },
    { key: 'audience', title: 'Audience', value: (r: Row) => (r.audienceId === null ? null : `${r.audienceId} · space ${r.spaceId}`), mono: true },
    { key: 'operation', title: 'Operation', value: (r: Row) => r.operation },
    { key: 'mapping', title: 'Mapping', value: (r: Row) => (r.mappingId === null ? null : (mappingNames.get(r.mappingId) ?? r.mappingId)) },
  ] as { key: string; title: string; value: (r: Row) => string | null; mono?: boolean }[];
}

/** The kind of what a table counts, for its words. */
export function unitOfRows(rows: Row[] | null): 'events' | 'records' | 'changes' {
  const first = rows?.[0];
  if (first?.audienceId != null) return 'changes';
  return first?.operation != null ? 'records' : 'events';
}

export interface BreakdownTableProps {
  rows: Row[] | null;
  view: 'percent' | 'counts';
  stepTotal: number | null;
  mappingName: string | null;
  mappingNames: Map<string, string>;
  /** Rows of a discard step: fewer is better; of other steps, more is. */
  goodWhenUp: boolean;
}

/** A step's events (or records, or changes), of one reason or all, by the kind's dimensions; sortable. */
export function BreakdownTable({ rows, view, stepTotal, mappingName, mappingNames, goodWhenUp }: BreakdownTableProps) {
  const columns = columnsFor(mappingNames);
  const accessors = {
    ...Object.fromEntries(columns.map((c) => [c.key, (r: Row) => c.value(r) ?? ''])),
    count: (r: Row) => r.count,
    change: (r: Row) => r.change.relativePercent ?? Number.POSITIVE_INFINITY,
  } as Record<string, (r: Row) => string | number>;
  const { sorted, sort, toggle } = useSort(rows ?? [], accessors, { key: 'count', descending: true });
  const shownColumns = rows && rows.length > 0 ? columns.filter((c) => c.value(rows[0]) !== null) : columns.slice(0, 3);
  const unit = unitOfRows(rows);
  const { isOpen, toggle: toggleRow } = useOpenRows();
  // The largest rows answer the question; the long tail is one click away.
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? sorted : sorted.slice(0, FIRST_ROWS);
  const Unit = `${unit[0].toUpperCase()}${unit.slice(1)}`;
  return (
    <TableScroller label={`${Unit} by ${shownColumns.map((c) => c.title.toLowerCase()).join(', ')}`}>
      <table className="table breakdown-table responsive-table">
        <caption className="visually-hidden">{`${Unit} by ${shownColumns.map((c) => c.title.toLowerCase()).join(', ')}`}</caption>
        <thead>
          <tr>
            {shownColumns.map((c, i) => (
              <SortHeader key={c.key} column={c.key} sort={sort} toggle={toggle} className={i > 0 ? 'col-more' : undefined}>
                {c.title}
              </SortHeader>
            ))}
            <SortHeader column="count" sort={sort} toggle={toggle} numeric>
              {Unit}
            </SortHeader>
            <SortHeader column="change" sort={sort} toggle={toggle} numeric>
              Change
            </SortHeader>
          </tr>
        </thead>
        <tbody>
          {!rows && <SkeletonTableRows columns={5} />}
          {shown.map((row) => {
            const key = shownColumns.map((c) => c.value(row)).join('|');
            const label = shownColumns.map((c) => c.value(row) || 'not reported').join(' · ');
            return (
              <tr key={key} data-count={row.count} className={isOpen(key) ? 'row-open' : undefined}>
                {shownColumns.map((c, i) => (
                  <td key={c.key} className={[c.mono ? 'mono' : '', i > 0 ? 'col-more' : ''].join(' ')} data-label={c.title}>
                    {c.value(row) || <span className="muted">{c.key === 'mapping' ? 'no mapping' : 'not reported'}</span>}
                    {i === 0 && shownColumns.length > 1 && <RowToggle open={isOpen(key)} onToggle={() => toggleRow(key)} label={label} />}
                  </td>
                ))}
                <CountCell row={row} stepTotal={stepTotal} unit={unit} />
                <ChangeCell row={row} view={view} unit={unit} mappingName={mappingName} goodWhenUp={goodWhenUp} />
              </tr>
            );
          })}
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
    </TableScroller>
  );
}
