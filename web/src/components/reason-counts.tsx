import { formatCount } from '../format';

/** Counts by discard reason (a replay's preview, what failed again) or by mapping: the name first, the code second. */
export function ReasonCounts({
  rows,
  titles,
  caption,
  unit,
  what = 'Reason',
}: {
  rows: { reason: string; count: number }[];
  titles: Map<string, string>;
  caption: string;
  unit: string;
  what?: string;
}) {
  if (rows.length === 0) return null;
  return (
    <table className="table compact-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{what}</th>
          <th scope="col" className="num">
            {unit}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.reason} data-reason-count={row.reason} data-count={row.count}>
            <th scope="row">
              {titles.has(row.reason) && titles.get(row.reason) !== row.reason ? (
                <>
                  {titles.get(row.reason)} <code className="reason-code">{row.reason}</code>
                </>
              ) : (
                <code className="reason-code">{row.reason}</code>
              )}
            </th>
            <td className="num">{formatCount(row.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
