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
