import { useState } from 'react';
import { ApiError, request } from '../api/client';
import { useSubscription } from '../api/live';
import { useQuery } from '../api/use-query';
import { useRememberViewer } from '../api/viewer';
import { ReplayLiveDocument, ReplaysDocument, type ReplayFieldsFragment, type ReplaysQuery } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { isActive, ReplayStatusText, selectionWords } from '../components/replay-parts';
import { SkeletonTableRows } from '../components/skeleton';
import { TableScroller } from '../components/table-parts';
import { ZonePicker } from '../components/zone-picker';
import { formatCount, formatTime } from '../format';
import { followLink, useRoute } from '../route';
import { zoneFromParams } from '../zone';

const PAGE = 20;

/** Older replays after the first page, a page at a time ("Show older replays"). */
function useOlder(first: ReplayFieldsFragment[] | undefined) {
  const [older, setOlder] = useState<{ rows: ReplayFieldsFragment[]; done: boolean }>({ rows: [], done: false });
  const [error, setError] = useState<ApiError | null>(null);
  const all = first ? [...first, ...older.rows.filter((r) => !first.some((f) => f.id === r.id))] : null;
  const more = async () => {
    const last = all?.at(-1);
    if (!last) return;
    try {
      const page = (await request(ReplaysDocument, { first: PAGE, after: last.id })).replays;
      setOlder({ rows: [...older.rows, ...page], done: page.length < PAGE });
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const exhausted = older.done || (first !== undefined && first.length < PAGE && older.rows.length === 0);
  return { all, more, exhausted, error };
}

/** The workspace's replays, newest first: what each held, how far it got and what came of it. */
export function ReplaysPage() {
  const { params } = useRoute();
  const zone = zoneFromParams(params).zone;
  const query = useQuery(ReplaysDocument, { first: PAGE, after: null });
  useRememberViewer(query.data?.viewer);
  const { all, more, exhausted, error } = useOlder(query.data?.replays);
  const names = destinationNames(query.data);
  return (
    <section data-view="replays" aria-labelledby="replays-title">
      <div className="page-head">
        <div>
          <h1 id="replays-title">Replays</h1>
          <p className="subtle">
            Undelivered messages handed back to your delivery system to send again, and what later reports say came of them. Start one from a destination’s
            failed deliveries.
          </p>
        </div>
        <ZonePicker zone={zone} />
      </div>
      {(query.error ?? error) && <ErrorNotice error={(query.error ?? error)!} retry={query.retry} />}
      <TableScroller label="Replays" className="panel">
        <table className="table responsive-table replays-table">
          <caption>Replays, newest first ({zone})</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Messages
              </th>
              <th scope="col">Destination · what</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {!all && !query.error && <SkeletonTableRows columns={5} rows={3} />}
            {all?.map((replay) => (
              <ReplayRow key={replay.id} replay={replay} names={names} zone={zone} />
            ))}
          </tbody>
        </table>
        {all && all.length === 0 && <p className="empty-state">No replay yet. Open a destination’s Failed delivery step to replay its undelivered messages.</p>}
        {all && all.length > 0 && !exhausted && (
          <div className="table-more">
            <button type="button" onClick={more}>
              Show older replays
            </button>
          </div>
        )}
      </TableScroller>
    </section>
  );
}

interface Names {
  destinations: Map<string, string>;
  mappings: Map<string, string>;
}

function destinationNames(data: ReplaysQuery | undefined): Names {
  const destinations = new Map<string, string>();
  const mappings = new Map<string, string>();
  for (const d of data?.destinations ?? []) {
    destinations.set(String(d.id), d.name);
    for (const m of d.mappings) mappings.set(String(m.id), m.name);
  }
  return { destinations, mappings };
}

/** One replay; a pending or sending one follows its progress live. */
function ReplayRow({ replay, names, zone }: { replay: ReplayFieldsFragment; names: Names; zone: string }) {
  const [live, setLive] = useState<ReplayFieldsFragment | null>(null);
  useSubscription(ReplayLiveDocument, isActive(replay.status) ? { id: replay.id } : null, (data) => setLive(data.replayUpdated));
  const r = live ?? replay;
  const o = r.outcome;
  return (
    <tr data-replay={r.id} data-status={r.status} data-count={r.messages}>
      <th scope="row">
        <a href={`/replays/${encodeURIComponent(String(r.id))}`} onClick={followLink}>
          {formatTime(r.createdAt, zone)}
        </a>
        <span className="cell-sub mono">{r.id}</span>
      </th>
      <td data-label="Status">
        <ReplayStatusText status={r.status} />
        <span className="cell-sub">
          {formatCount(r.progress.batchesAcknowledged)} of {formatCount(r.batches)} batches acknowledged
        </span>
      </td>
      <td className="num" data-label="Messages">
        {formatCount(r.messages)}
      </td>
      <td data-label="Destination · what" className="col-full">
        {names.destinations.get(String(r.destinationId)) ?? r.destinationId}
        <span className="cell-sub">{selectionWords(r.selection, names.mappings, zone)}</span>
      </td>
      <td data-label="Outcome" className="col-full">
        {formatCount(o.recovered)} recovered · {formatCount(o.failedAgain)} failed again · {formatCount(o.waiting)} waiting
      </td>
    </tr>
  );
}
