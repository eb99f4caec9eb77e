import { useState, type ReactNode } from 'react';
import type { ChangeFieldsFragment } from '../gql/graphql';
import { formatCount, formatShare, formatSignedCount } from '../format';
import { ChangeText } from './change-text';

/** Rows opened on narrow screens, where a table keeps its first columns and moves the rest behind a tap. */
export function useOpenRows(): { isOpen: (key: string) => boolean; toggle: (key: string) => void } {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  return {
    isOpen: (key) => open.has(key),
    toggle: (key) =>
      setOpen((now) => {
        const next = new Set(now);
        if (next.has(key)) next.delete(key);
        else next.add(key);
        return next;
      }),
  };
}

/** Shown on narrow screens only: opens the row's other columns below it. */
export function RowToggle({ open, onToggle, label }: { open: boolean; onToggle: () => void; label: string }) {
  return (
    <button type="button" className="row-toggle button-small" aria-expanded={open} onClick={onToggle}>
      {open ? 'Less' : 'More'}
      <span className="visually-hidden"> about {label}</span>
    </button>
  );
}

/** A wide table's own scroller: focusable, so its hidden columns are reachable by keyboard. */
export function TableScroller({ label, children, className = '' }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={`table-wrap ${className}`} tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

export interface RowNumbers {
  count: number;
  previousCount: number;
  share: number | null;
  mappingShare?: number | null;
  change: ChangeFieldsFragment;
}

/** A row's count and its share of its own step ("23 % of this step"). */
export function CountCell({ row, stepTotal, unit }: { row: RowNumbers; stepTotal: number | null; unit: string }) {
  const ofStep = stepTotal ? (row.count / stepTotal) * 100 : null;
  return (
    <td className="num" data-column="count" data-label={unit[0].toUpperCase() + unit.slice(1)}>
      {formatCount(row.count)}
      {ofStep !== null && (
        <span className="cell-sub" title={`This row's ${unit} out of the ${formatCount(stepTotal!)} of the whole step`}>
          {formatShare(ofStep)} of this step
        </span>
      )}
    </td>
  );
}

/**
 * A row's change in the unit that moves: the relative change of its count; in percent mode the
 * share beside its points, naming the denominator (received, or the events that reached the mapping).
 */
export function ChangeCell({
  row,
  view,
  unit,
  mappingName,
  goodWhenUp,
}: {
  row: RowNumbers;
  view: 'percent' | 'counts';
  unit: string;
  mappingName: string | null;
  goodWhenUp: boolean;
}) {
  const denominator = mappingName && row.mappingShare != null ? `the events that reached ${mappingName}` : 'Successfully received';
  const share = mappingName && row.mappingShare != null ? row.mappingShare : row.share;
  const title = `Relative change of this row's ${unit}: ${formatCount(row.count)} now, ${formatCount(row.previousCount)} in the previous period`;
  return (
    <td className="num" data-column="change" data-label="Change" title={title}>
      <ChangeText relative={row.change.relativePercent} goodWhenUp={goodWhenUp} />
      {view === 'counts' && (
        <span className="cell-sub">
          {formatSignedCount(row.change.count)} {unit}
        </span>
      )}
      {view === 'percent' && share !== null && (
        <span className="cell-sub" title={`Share of ${denominator}; points: that share now minus before`}>
          {formatShare(share)} of {mappingName && row.mappingShare != null ? 'the mapping' : 'received'}
          {!(mappingName && row.mappingShare != null) && (
            <>
              {' '}
              · <ChangeText points={row.change.percentagePoints} goodWhenUp={goodWhenUp} />
            </>
          )}
        </span>
      )}
    </td>
  );
}
