import { useState } from 'react';
import { ApiError, request } from '../api/client';
import { useQuery } from '../api/use-query';
import { UndeliveredDocument, type UndeliveredQuery, type UndeliveredQueryVariables } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { SkeletonTableRows } from '../components/skeleton';
import { TableScroller } from '../components/table-parts';
import { eventFilter } from '../filters';
import { countOf, formatTimeWithSeconds } from '../format';
import { followLink, setParams, useRoute } from '../route';
import { rangeInput, type DestinationState } from '../state';

type Row = NonNullable<UndeliveredQuery['destination']>['undelivered'][number];

const PAGE = 50;

interface Props {
  destinationId: string;
  state: DestinationState;
  mappingNames: Map<string, string>;
  /** Set when the token may replay: replays the selected message ids. */
  onReplay?: (messageIds: string[]) => void;
}

/** The failed-delivery step's undelivered messages (what a replay would send), opened on demand (`undelivered=on`). */
export function UndeliveredPanel(props: Props) {
  const { params } = useRoute();
  const open = params.get('undelivered') === 'on';
  const reason = props.state.reason;
  return (
    <section className="panel detail" aria-labelledby="undelivered-title" data-detail="undelivered">
      <div className="detail-head">
        <h2 id="undelivered-title">
          Undelivered messages
          {reason && (
            <>
              {' '}
              · reason <code>{reason}</code>
            </>
          )}
        </h2>
        <button
          type="button"
          aria-expanded={open}
          aria-controls="undelivered-list"
          onClick={() => setParams({ undelivered: open ? null : 'on' }, { replace: true })}
        >
          {open ? 'Hide the list' : 'Show the list'}
        </button>
      </div>
      <p className="subtle">
        Messages whose last report is a failed delivery (a later delivery takes a message off), oldest failure first: what a replay sends. Reports without a
        message id are not listed.
      </p>
      <div id="undelivered-list">{open && <UndeliveredList {...props} />}</div>
    </section>
  );
}

/** Pages after the first, a page at a time; a new selection (range, filter, reason) starts over. */
function usePages(variables: UndeliveredQueryVariables) {
  const first = useQuery(UndeliveredDocument, variables);
  const key = JSON.stringify(variables);
  const [later, setLater] = useState<{ key: string; rows: Row[]; done: boolean }>({ key: '', rows: [], done: false });
  const [error, setError] = useState<ApiError | null>(null);
  const mine = later.key === key ? later : { key, rows: [], done: false };
  const firstRows = first.data?.destination?.undelivered;
  const rows = firstRows ? [...firstRows, ...mine.rows] : null;
  const more = async () => {
    const last = rows?.at(-1);
    if (!last) return;
    try {
      const page = (await request(UndeliveredDocument, { ...variables, after: last.cursor })).destination?.undelivered ?? [];
      setLater({ key, rows: [...mine.rows, ...page], done: page.length < PAGE });
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const exhausted = mine.done || (firstRows !== undefined && firstRows.length < PAGE && mine.rows.length === 0);
  return { rows, more, exhausted, error: first.error ?? error ?? undefined, retry: first.retry };
}

function UndeliveredList({ destinationId, state, mappingNames, onReplay }: Props) {
  const variables: UndeliveredQueryVariables = {
    id: destinationId,
    range: rangeInput(state.range, state.timeZone, false),
    mappingId: state.mapping,
    reason: state.reason,
    filter: eventFilter(state.filters),
  };
  const { rows, more, exhausted, error, retry } = usePages(variables);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const shownIds = [...new Set(rows?.map((r) => r.messageId) ?? [])];
  const chosen = shownIds.filter((id) => selected.has(id));
  const toggle = (id: string, on: boolean) => setSelected((now) => (on ? new Set([...now, id]) : new Set([...now].filter((x) => x !== id))));
  const allChosen = shownIds.length > 0 && chosen.length === shownIds.length;
  return (
    <>
      {error && <ErrorNotice error={error} retry={retry} />}
      {onReplay && rows && rows.length > 0 && (
        <div className="selection-bar">
          <label className="checkbox">
            <input type="checkbox" checked={allChosen} onChange={(e) => setSelected(e.target.checked ? new Set(shownIds) : new Set())} />
            Select every message shown
          </label>
          <button type="button" className="button-replay" disabled={chosen.length === 0} data-replay-selected={chosen.length} onClick={() => onReplay(chosen)}>
            ↻ Replay {countOf(chosen.length, 'selected message')}
          </button>
        </div>
      )}
      <TableScroller label="Undelivered messages" className="bounded-list">
        <table className="table responsive-table undelivered-table">
          <caption className="visually-hidden">Undelivered messages, oldest failure first ({state.timeZone})</caption>
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Failed at</th>
              <th scope="col">Reason</th>
              <th scope="col">Event</th>
            </tr>
          </thead>
          <tbody>
            {!rows && !error && <SkeletonTableRows columns={4} />}
            {rows?.map((row) => (
              <tr key={row.cursor} data-undelivered={row.messageId}>
                <th scope="row">
                  {onReplay && (
                    <input
                      type="checkbox"
                      className="row-check"
                      checked={selected.has(row.messageId)}
                      onChange={(e) => toggle(row.messageId, e.target.checked)}
                      aria-label={`Select ${row.messageId}`}
                    />
                  )}
                  <a className="mono" href={`/trace?messageId=${encodeURIComponent(row.messageId)}`} onClick={followLink}>
                    {row.messageId}
                  </a>
                  {row.mappingId && <span className="cell-sub">{mappingNames.get(String(row.mappingId)) ?? row.mappingId}</span>}
                </th>
                <td data-label="Failed at">{formatTimeWithSeconds(row.at, state.timeZone)}</td>
                <td data-label="Reason">
                  <code className="reason-code">{row.reason}</code>
                </td>
                <td data-label="Event" className="col-full">
                  {row.eventType} · {row.eventName || '–'} · app {row.appVersion || '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroller>
      {rows && rows.length === 0 && (
        <p className="empty-state">No undelivered message in this range: every failure was delivered later, or its reports carried no message id.</p>
      )}
      {rows && rows.length > 0 && !exhausted && (
        <div className="table-more">
          <button type="button" onClick={more}>
            Show {PAGE} more
          </button>
        </div>
      )}
    </>
  );
}
