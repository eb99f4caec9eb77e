import type { OverviewQuery } from '../gql/graphql';
import { Sparkline } from '../components/sparkline';
import { ChangeText } from '../components/change-text';
import { RowToggle } from '../components/table-parts';
import { countOf, formatCount, formatShare } from '../format';
import { followLink } from '../route';

export type Destination = OverviewQuery['destinations'][number];
export type HealthStatus = 'healthy' | 'attention' | 'idle';

export interface Row {
  destination: Destination;
  health: HealthStatus;
  deliveredShare: number | null;
  deliveredChange: number | null;
  failed: number;
  failedUnit: 'event' | 'sync';
  filtered: number;
}

function stepOf(d: Destination, kind: string) {
  return d.pipeline.steps.find((s) => s.kind === kind);
}

export function toRow(d: Destination): Row {
  const storage = d.kind === 'STORAGE';
  // Reverse ETL and audience destinations filter at their own boxes; every kind fails at FAILED_DELIVERY or FAILED_TO_SYNC.
  const delivered = stepOf(d, storage ? 'EVENTS_TO_WAREHOUSE_ROWS' : 'SUCCESSFUL_DELIVERY');
  const failed = stepOf(d, storage ? 'FAILED_TO_SYNC' : 'FAILED_DELIVERY');
  const filtered = ['FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'FILTERED_AT_MAPPING'].reduce((sum, k) => sum + (stepOf(d, k)?.count ?? 0), 0);
  return {
    destination: d,
    health: d.health.status.toLowerCase() as HealthStatus,
    deliveredShare: delivered?.share ?? null,
    deliveredChange: delivered?.change.percentagePoints ?? null,
    failed: failed?.count ?? 0,
    failedUnit: storage ? 'sync' : 'event',
    filtered,
  };
}

export const HEALTH_WORDS: Record<HealthStatus, { icon: string; text: string }> = {
  attention: { icon: '⚠', text: 'Needs attention' },
  healthy: { icon: '✓', text: 'Healthy' },
  idle: { icon: '○', text: 'Idle' },
};

/** One destination: name, health and why, delivered share and its change first; the rest behind a tap on narrow screens. */
export function OverviewRow({ row, query, open, onToggle }: { row: Row; query: string; open: boolean; onToggle: () => void }) {
  const d = row.destination;
  const href = `/destinations/${encodeURIComponent(d.id)}${query}`;
  // Partial first and last buckets hold less than a full one: a trend line leaves them out rather than dip at its ends.
  const points = d.intake.points.filter((p) => !p.partial).map((p) => p.count);
  const words = HEALTH_WORDS[row.health];
  const retry = d.pipeline.retryPending;
  return (
    <tr data-destination={d.id} data-health={row.health} className={open ? 'row-open' : undefined}>
      <th scope="row">
        <a href={href} onClick={followLink} className="row-link">
          {d.name}
        </a>
        <span className="kind-badge">{d.kind.toLowerCase()}</span>
        <RowToggle open={open} onToggle={onToggle} label={d.name} />
      </th>
      <td className="num" data-column="delivered" data-label="Delivered">
        {formatShare(row.deliveredShare)}
      </td>
      <td className="num" data-column="change" data-label="Change" title="Share delivered now minus in the previous period, in points">
        <ChangeText points={row.deliveredChange} goodWhenUp />
      </td>
      <td className="col-full" data-column="health">
        <span className={`health health-${row.health}`}>
          <span aria-hidden="true">{words.icon}</span> {words.text}
        </span>
        <span className="health-why">why: {d.health.summary}</span>
      </td>
      <td className="num col-more" data-count={row.failed} data-label="Failed">
        {countOf(row.failed, row.failedUnit)}
      </td>
      <td className="num col-more" data-label="Filtered">
        {formatCount(row.filtered)}
      </td>
      <td className="num col-more" data-label="Retry pending">
        {retry === null || retry === undefined ? <span className="muted">n/a</span> : formatCount(retry)}
      </td>
      <td className="sources col-more" data-label="Sources">
        {d.sources.length === 0
          ? '–'
          : d.sources.map((s, i) => (
              <span key={s.id}>
                {i > 0 && ', '}
                <a href={`/sources/${encodeURIComponent(s.id)}${query}`} onClick={followLink} data-source={s.id}>
                  {s.name}
                </a>
              </span>
            ))}
      </td>
      <td className="col-more" data-label="Received, trend">
        <Sparkline
          values={points}
          label={`${d.kind === 'RETL' ? 'Records extracted' : d.kind === 'AUDIENCE' ? 'Membership changes computed' : 'Received events'} over the range, ${formatCount(d.intake.total)} in total`}
        />
      </td>
    </tr>
  );
}
