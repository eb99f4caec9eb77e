import { useMemo, useState } from 'react';
import { usePipelineWatch } from '../api/live-refresh';
import { useSnapshot } from '../api/snapshot';
import { OverviewDocument, type OverviewQueryVariables } from '../gql/graphql';
import { ViewProblem } from '../components/view-problem';
import { ViewStatus } from '../components/view-status';
import { ZonePicker } from '../components/zone-picker';
import { SortHeader, useSort } from '../components/sortable';
import { TableScroller, useOpenRows } from '../components/table-parts';
import { formatRange } from '../format';
import { setParams, useRoute } from '../route';
import { PRESETS, overviewVariables } from '../state';
import { zoneFromParams } from '../zone';
import { HEALTH_WORDS, OverviewRow, toRow, type Destination, type Row } from './overview-row';

/** Live changes reach the overview through one pushed pipeline per destination (the first ones, in health order). */
const WATCHED = 50;
const HEALTH_RANK = { attention: 0, healthy: 1, idle: 2 } as const;

const ACCESSORS = {
  // Attention first, then the highest failure rate, then the most failures.
  health: (r: Row) => HEALTH_RANK[r.health] * 1e6 - (r.destination.health.failureRate ?? 0) * 1e3 - Math.min(r.failed, 999) / 1e3,
  name: (r: Row) => r.destination.name.toLowerCase(),
  delivered: (r: Row) => r.deliveredShare ?? -1,
  change: (r: Row) => r.deliveredChange ?? 0,
};

export function Overview() {
  const { params } = useRoute();
  const zone = zoneFromParams(params);
  const variables = overviewVariables(params);
  const { preset } = variables.range;
  const timeZone = variables.range.timeZone ?? 'UTC';
  const snapshot = useSnapshot(OverviewDocument, zone.problem ? null : JSON.stringify(variables), zone.problem ? null : variables);
  const [search, setSearch] = useState(params.get('q') ?? '');
  const rows = useMemo(() => (snapshot.data?.destinations ?? []).map(toRow), [snapshot.data]);
  const needle = search.trim().toLowerCase();
  const visible = rows.filter(
    (r) =>
      !needle ||
      [r.destination.name, r.destination.id, r.destination.kind, ...r.destination.sources.map((s) => s.name)].some((t) => t.toLowerCase().includes(needle)),
  );
  const { sorted, sort, toggle } = useSort(visible, ACCESSORS, { key: 'health', descending: false });
  const { isOpen, toggle: toggleRow } = useOpenRows();
  const first = snapshot.data?.destinations[0]?.pipeline;
  const query = `?range=${preset}${params.get('tz') ? `&tz=${encodeURIComponent(params.get('tz')!)}` : ''}`;
  const problem = zone.problem ? { zone: zone.problem } : snapshot.error && !snapshot.data ? { error: snapshot.error } : null;
  return (
    <section className="overview" aria-labelledby="overview-title" data-view="overview">
      <div className="page-head">
        <div>
          <h1 id="overview-title">Destinations</h1>
          <p className="subtle">{first ? formatRange(first.from, first.to, timeZone) : 'Where your events are going, destination by destination.'}</p>
        </div>
        <div className="controls">
          <label className="field">
            <span>Range</span>
            <select value={preset} onChange={(e) => setParams({ range: e.target.value })}>
              {PRESETS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <ZonePicker zone={timeZone} />
          <label className="field">
            <span>Search</span>
            <input type="search" value={search} placeholder="Name, kind or source" onChange={(e) => setSearch(e.target.value)} />
          </label>
        </div>
      </div>
      {problem ? (
        <ViewProblem problem={problem} what="destination" id="" retry={snapshot.retry} />
      ) : (
        <>
          <ViewStatus asOf={snapshot.asOf} updating={snapshot.updating} error={snapshot.error} retry={snapshot.retry} timeZone={timeZone} live />
          {sorted.slice(0, WATCHED).map((r) => (
            <DestinationWatch key={r.destination.id} destination={r.destination} range={variables.range} refresh={snapshot.refresh} />
          ))}
          <HealthLegend />
          <OverviewTable rows={snapshot.data ? sorted : null} sort={sort} toggle={toggle} query={query} isOpen={isOpen} toggleRow={toggleRow} />
          {snapshot.data && sorted.length === 0 && (
            <p className="empty-state">{rows.length === 0 ? 'No destination has reported yet.' : `No destination matches “${search}”.`}</p>
          )}
        </>
      )}
    </section>
  );
}

function DestinationWatch({ destination, range, refresh }: { destination: Destination; range: OverviewQueryVariables['range']; refresh: () => void }) {
  usePipelineWatch({ destinationId: destination.id, range }, destination.pipeline, refresh);
  return null;
}

function HealthLegend() {
  return (
    <details className="legend">
      <summary>
        Health: <span className="health health-attention">⚠ needs attention</span> · <span className="health health-healthy">✓ healthy</span> ·{' '}
        <span className="health health-idle">○ idle</span> — how it is decided
      </summary>
      <p>
        One rule for every destination over the range. <strong>{HEALTH_WORDS.attention.text}</strong> when its failure rate at least doubled against its own
        previous period (and rose by a point or more, over 10 or more failures), or is 20 % or more; when it delivered less than 1 % of the events that arrived
        and were not filtered; when more than 100 events wait for a retry and they are over 5 % of the range’s events; or when one of its alerts fires.{' '}
        <strong>Idle</strong> when nothing arrived, failed or waits. <strong>Healthy</strong> otherwise: filtering on purpose never counts against it. Each row
        says why.
      </p>
    </details>
  );
}

type Sort = ReturnType<typeof useSort<Row, keyof typeof ACCESSORS>>;

function OverviewTable({
  rows,
  sort,
  toggle,
  query,
  isOpen,
  toggleRow,
}: {
  rows: Row[] | null;
  sort: Sort['sort'];
  toggle: Sort['toggle'];
  query: string;
  isOpen: (k: string) => boolean;
  toggleRow: (k: string) => void;
}) {
  return (
    <div className="panel">
      <TableScroller label="Destinations">
        <table className="table overview-table responsive-table">
          <caption className="visually-hidden">Destinations, those needing attention first unless sorted otherwise</caption>
          <thead>
            <tr>
              <SortHeader column="name" sort={sort} toggle={toggle}>
                Destination
              </SortHeader>
              <SortHeader column="delivered" sort={sort} toggle={toggle} numeric>
                Delivered
              </SortHeader>
              <SortHeader column="change" sort={sort} toggle={toggle} numeric>
                Change
              </SortHeader>
              <SortHeader column="health" sort={sort} toggle={toggle} className="col-full">
                Health
              </SortHeader>
              <th scope="col" className="num col-more">
                Failed
              </th>
              <th scope="col" className="num col-more">
                Filtered
              </th>
              <th scope="col" className="num col-more">
                Retry pending
              </th>
              <th scope="col" className="col-more">
                Sources
              </th>
              <th scope="col" className="col-more">
                Received, trend
              </th>
            </tr>
          </thead>
          <tbody>
            {!rows && <SkeletonRows />}
            {rows?.map((row) => (
              <OverviewRow key={row.destination.id} row={row} query={query} open={isOpen(row.destination.id)} onToggle={() => toggleRow(row.destination.id)} />
            ))}
          </tbody>
        </table>
      </TableScroller>
    </div>
  );
}

function SkeletonRows() {
  return (
    <>
      {[0, 1, 2, 3].map((i) => (
        <tr key={i} aria-hidden="true">
          {Array.from({ length: 9 }, (_, j) => (
            <td key={j}>
              <span className="skeleton skeleton-text" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}
