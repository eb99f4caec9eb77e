import { useMemo, useState } from 'react';
import { useQuery } from '../api/use-query';
import { OverviewDocument, type OverviewQuery } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { Sparkline } from '../components/sparkline';
import { SortHeader, useSort } from '../components/sortable';
import { ChangeText } from '../components/change-text';
import { formatCount, formatRange, formatShare } from '../format';
import { followLink, setParams, useRoute } from '../route';
import { PRESETS, overviewVariables } from '../state';

type Destination = OverviewQuery['destinations'][number];

interface Row {
  destination: Destination;
  deliveredShare: number | null;
  deliveredChange: number | null;
  failed: number;
  failedUnit: string;
  filtered: number;
  /** Higher is worse: what puts a destination at the top of the list. */
  trouble: number;
}

function stepOf(d: Destination, kind: string) {
  return d.pipeline.steps.find((s) => s.kind === kind);
}

function toRow(d: Destination): Row {
  const storage = d.kind === 'STORAGE';
  // Reverse ETL and audience destinations filter at their own boxes; every kind fails at FAILED_DELIVERY or FAILED_TO_SYNC.
  const delivered = stepOf(d, storage ? 'EVENTS_TO_WAREHOUSE_ROWS' : 'SUCCESSFUL_DELIVERY');
  const failed = stepOf(d, storage ? 'FAILED_TO_SYNC' : 'FAILED_DELIVERY');
  const filtered = ['FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'FILTERED_AT_MAPPING'].reduce((sum, k) => sum + (stepOf(d, k)?.count ?? 0), 0);
  // Storage: the share of syncs that did not fully succeed, so kinds compare on one scale.
  const syncs = (failed?.count ?? 0) + (stepOf(d, 'SUCCESSFULLY_SYNCED')?.count ?? 0);
  const failedShare = storage ? (syncs ? ((failed?.count ?? 0) / syncs) * 100 : 0) : (failed?.share ?? 0);
  const drop = Math.max(0, -(delivered?.change.percentagePoints ?? 0));
  return {
    destination: d,
    deliveredShare: delivered?.share ?? null,
    deliveredChange: delivered?.change.percentagePoints ?? null,
    failed: failed?.count ?? 0,
    failedUnit: storage ? 'syncs' : 'events',
    filtered,
    trouble: failedShare + drop + (d.retryPending ?? 0) / 1000,
  };
}

const ACCESSORS = {
  trouble: (r: Row) => r.trouble,
  name: (r: Row) => r.destination.name.toLowerCase(),
  delivered: (r: Row) => r.deliveredShare ?? -1,
  failed: (r: Row) => r.failed,
  filtered: (r: Row) => r.filtered,
  change: (r: Row) => r.deliveredChange ?? 0,
  retry: (r: Row) => r.destination.retryPending ?? -1,
};

export function Overview() {
  const { params } = useRoute();
  const variables = overviewVariables(params);
  const { preset } = variables.range;
  const timeZone = variables.range.timeZone ?? 'UTC';
  const query = useQuery(OverviewDocument, variables);
  const [search, setSearch] = useState(params.get('q') ?? '');
  const rows = useMemo(() => (query.data?.destinations ?? []).map(toRow), [query.data]);
  const needle = search.trim().toLowerCase();
  const visible = rows.filter((r) => !needle || [r.destination.name, r.destination.id, r.destination.kind, ...r.destination.sources.map((s) => s.name)].some((t) => t.toLowerCase().includes(needle)));
  const { sorted, sort, toggle } = useSort(visible, ACCESSORS, { key: 'trouble', descending: true });
  const first = query.data?.destinations[0]?.pipeline;
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
          <label className="field">
            <span>Search</span>
            <input type="search" value={search} placeholder="Name, kind or source" onChange={(e) => setSearch(e.target.value)} />
          </label>
        </div>
      </div>
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      <div className="panel table-wrap">
        <table className="table overview-table">
          <caption className="visually-hidden">Destinations, least healthy first unless sorted otherwise</caption>
          <thead>
            <tr>
              <SortHeader column="name" sort={sort} toggle={toggle}>Destination</SortHeader>
              <th scope="col">Sources</th>
              <SortHeader column="delivered" sort={sort} toggle={toggle} numeric>Delivered</SortHeader>
              <SortHeader column="change" sort={sort} toggle={toggle} numeric>Change</SortHeader>
              <SortHeader column="failed" sort={sort} toggle={toggle} numeric>Failed</SortHeader>
              <SortHeader column="filtered" sort={sort} toggle={toggle} numeric>Filtered</SortHeader>
              <SortHeader column="retry" sort={sort} toggle={toggle} numeric>Retry pending</SortHeader>
              <th scope="col">Received, trend</th>
              <SortHeader column="trouble" sort={sort} toggle={toggle}>Health</SortHeader>
            </tr>
          </thead>
          <tbody>
            {query.loading && !query.data && <SkeletonRows />}
            {sorted.map((row) => (
              <OverviewRow key={row.destination.id} row={row} preset={preset} />
            ))}
          </tbody>
        </table>
        {query.data && sorted.length === 0 && <p className="empty-state">{rows.length === 0 ? 'No destination has reported yet.' : `No destination matches “${search}”.`}</p>}
      </div>
    </section>
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

function OverviewRow({ row, preset }: { row: Row; preset: string }) {
  const d = row.destination;
  const unhealthy = row.trouble >= 1;
  const href = `/destinations/${encodeURIComponent(d.id)}?range=${preset}`;
  const points = d.intake.points.map((p) => p.count);
  return (
    <tr data-destination={d.id}>
      <th scope="row">
        <a href={href} onClick={followLink} className="row-link">
          {d.name}
        </a>
        <span className="kind-badge">{d.kind.toLowerCase()}</span>
      </th>
      <td className="sources">
        {d.sources.length === 0
          ? '–'
          : d.sources.map((s, i) => (
              <span key={s.id}>
                {i > 0 && ', '}
                <a href={`/sources/${encodeURIComponent(s.id)}?range=${preset}`} onClick={followLink} data-source={s.id}>
                  {s.name}
                </a>
              </span>
            ))}
      </td>
      <td className="num">{formatShare(row.deliveredShare)}</td>
      <td className="num">
        <ChangeText points={row.deliveredChange} goodWhenUp />
      </td>
      <td className="num" data-count={row.failed}>
        {formatCount(row.failed)} <span className="unit">{row.failedUnit}</span>
      </td>
      <td className="num">{formatCount(row.filtered)}</td>
      <td className="num">{d.retryPending === null || d.retryPending === undefined ? <span className="muted">n/a</span> : formatCount(d.retryPending)}</td>
      <td>
        <Sparkline values={points} label={`${d.kind === 'RETL' ? 'Records extracted' : d.kind === 'AUDIENCE' ? 'Membership changes computed' : 'Received events'} over the range, ${formatCount(d.intake.total)} in total`} />
      </td>
      <td>
        <span className={`health ${unhealthy ? 'health-bad' : 'health-ok'}`}>
          <span aria-hidden="true">{unhealthy ? '⚠' : '✓'}</span> {unhealthy ? 'Needs attention' : 'Healthy'}
        </span>
      </td>
    </tr>
  );
}
