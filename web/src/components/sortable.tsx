import { useMemo, useState, type ReactNode } from 'react';

export interface SortState<K extends string> {
  key: K;
  descending: boolean;
}

/** Sorts rows by a chosen column; choosing the same column again flips the order. */
export function useSort<T, K extends string>(rows: T[], accessors: Record<K, (row: T) => number | string>, initial: SortState<NoInfer<K>>) {
  const [sort, setSort] = useState(initial);
  const sorted = useMemo(() => {
    const get = accessors[sort.key];
    const copy = [...rows];
    copy.sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
    return copy;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, sort]);
  const toggle = (key: K) => setSort((s) => ({ key, descending: s.key === key ? !s.descending : true }));
  return { sorted, sort, toggle };
}

/** A column header that sorts: a real button, with aria-sort on the cell. */
export function SortHeader<K extends string>({
  column,
  sort,
  toggle,
  children,
  numeric,
  className,
}: {
  column: K;
  sort: SortState<K>;
  toggle: (k: K) => void;
  children: ReactNode;
  numeric?: boolean;
  className?: string;
}) {
  const active = sort.key === column;
  return (
    <th
      scope="col"
      className={[numeric ? 'num' : '', className ?? ''].join(' ').trim() || undefined}
      aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
    >
      <button type="button" className="sort-button" onClick={() => toggle(column)}>
        {children}
        <span className="sort-mark" aria-hidden="true">
          {active ? (sort.descending ? '↓' : '↑') : '↕'}
        </span>
      </button>
    </th>
  );
}
