import { followLink } from '../route';

/** Placeholder rows in a table's final layout while its numbers load. */
export function SkeletonTableRows({ columns, rows = 3 }: { columns: number; rows?: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, i) => (
        <tr key={i} aria-hidden="true">
          {Array.from({ length: columns }, (_, j) => (
            <td key={j}>
              <span className="skeleton skeleton-text" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** A view's back link and title: the name, or a skeleton while it loads, then the kind's badge. */
export function ViewTitle({ name, badge }: { name: string | null | undefined; badge: string | null }) {
  return (
    <>
      <a className="back-link" href="/" onClick={followLink}>
        ← Destinations
      </a>
      <h1>
        {name ?? (
          <>
            <span className="skeleton skeleton-title" aria-hidden="true" />
            <span className="visually-hidden">Loading</span>
          </>
        )}
        {badge && <span className="kind-badge">{badge}</span>}
      </h1>
    </>
  );
}
