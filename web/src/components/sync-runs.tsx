import { useState } from 'react';
import { ApiError, request } from '../api/client';
import { useQuery } from '../api/use-query';
import { OlderSyncRunsDocument, SyncRunDocument, type SyncRunFieldsFragment, type SyncRunSplitFieldsFragment } from '../gql/graphql';
import { countOf, formatCount, formatTime, formatTimeWithSeconds } from '../format';
import { setParams } from '../route';
import { rangeInput, type DestinationState } from '../state';
import { ErrorNotice } from './error-notice';
import { SidePanel } from './side-panel';
import { SkeletonTableRows } from './skeleton';
import { RowToggle, TableScroller, useOpenRows } from './table-parts';

const STATUS = { SUCCESS: '✓ Success', PARTIAL: '◐ Partial', FAILED: '✕ Failed' } as const;

/** Older runs, a page at a time after the newest page (which comes with the view's snapshot). */
function useOlderRuns(id: string, state: DestinationState, newest: SyncRunFieldsFragment[] | undefined) {
  const [older, setOlder] = useState<{ key: string; runs: SyncRunFieldsFragment[]; done: boolean }>({ key: '', runs: [], done: false });
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const range = rangeInput(state.range, state.timeZone, state.lookback);
  const key = JSON.stringify([id, range]);
  const mine = older.key === key ? older : { key, runs: [], done: false };
  const all = newest ? [...newest, ...mine.runs.filter((r) => !newest.some((n) => n.id === r.id))] : null;
  const more = async () => {
    const last = all?.at(-1);
    if (!last) return;
    setLoading(true);
    try {
      const page = (await request(OlderSyncRunsDocument, { id, range, after: last.cursor })).destination?.syncRuns ?? [];
      setOlder({ key, runs: [...mine.runs, ...page], done: page.length < 50 });
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setLoading(false);
    }
  };
  const exhausted = mine.done || (newest !== undefined && newest.length < 50 && mine.runs.length === 0);
  return { all, more, exhausted, loading, error };
}

/** A Reverse ETL destination's sync runs, newest first, paged; a row opens the run's detail. */
export function SyncRunsView({ id, state, newest }: { id: string; state: DestinationState; newest: SyncRunFieldsFragment[] | undefined }) {
  const { all: runs, more, exhausted, loading, error } = useOlderRuns(id, state, newest);
  const { isOpen, toggle } = useOpenRows();
  return (
    <section className="panel detail" aria-labelledby="runs-title" data-detail="sync-runs">
      <div className="detail-head">
        <h2 id="runs-title">Sync runs · records extracted, delivered and failed per run</h2>
        {runs && <span className="subtle">{countOf(runs.length, 'run')} shown, newest first</span>}
      </div>
      <TableScroller label="Sync runs">
        <table className="table syncs-table responsive-table">
          <caption className="visually-hidden">Reverse ETL sync runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col" className="num">
                Delivered
              </th>
              <th scope="col" className="num">
                Failed
              </th>
              <th scope="col" className="col-more">
                Finished
              </th>
              <th scope="col" className="col-more">
                Status
              </th>
              <th scope="col" className="num col-more">
                Added · updated · removed
              </th>
              <th scope="col" className="col-more">
                Top reasons
              </th>
              <th scope="col" className="col-more">
                Detail
              </th>
            </tr>
          </thead>
          <tbody>
            {!runs && <SkeletonTableRows columns={8} />}
            {runs?.map((run) => (
              <tr key={run.id} data-sync-run={run.id} data-status={run.status} data-count={run.extracted} className={isOpen(run.id) ? 'row-open' : undefined}>
                <th scope="row">
                  {formatTime(run.startedAt, state.timeZone)}
                  <RowToggle open={isOpen(run.id)} onToggle={() => toggle(run.id)} label={`the run started ${formatTime(run.startedAt, state.timeZone)}`} />
                </th>
                <td className="num" data-delivered={run.delivered}>
                  {formatCount(run.delivered)}
                </td>
                <td className="num" data-failed={run.failedToExtract + run.failed}>
                  {formatCount(run.failedToExtract + run.failed)}
                </td>
                <td className="col-more" data-label="Finished">
                  {formatTime(run.finishedAt, state.timeZone, false)}
                </td>
                <td className="col-more" data-label="Status">
                  <span className={`status status-${run.status.toLowerCase()}`}>{STATUS[run.status]}</span>
                </td>
                <td className="num col-more" data-label="Added · updated · removed">
                  {formatCount(run.added)} · {formatCount(run.updated)} · {formatCount(run.removed)}
                </td>
                <td className="col-more" data-label="Top reasons">
                  {run.topReasons.map((r) => `${r.reason.title} (${formatCount(r.count)})`).join(', ') || <span className="muted">–</span>}
                </td>
                <td className="col-more" data-label="Detail">
                  <button
                    type="button"
                    className="button-small"
                    onClick={() => setParams({ sync: run.id })}
                    aria-label={`Detail of the run started ${formatTime(run.startedAt, state.timeZone)}`}
                  >
                    Detail ▸
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs && runs.length === 0 && <p className="empty-state">No sync runs started in the range.</p>}
      </TableScroller>
      {error && <ErrorNotice error={error} retry={more} />}
      {runs && runs.length > 0 && (
        <p className="table-more">
          {exhausted ? (
            <span className="subtle">All {countOf(runs.length, 'run')} of the range are shown.</span>
          ) : (
            <button type="button" onClick={more} disabled={loading}>
              {loading ? 'Loading older runs…' : 'Show older runs'}
            </button>
          )}
        </p>
      )}
      {state.sync && <RunDetail id={id} syncId={state.sync} timeZone={state.timeZone} />}
    </section>
  );
}

function RunDetail({ id, syncId, timeZone }: { id: string; syncId: string; timeZone: string }) {
  const query = useQuery(SyncRunDocument, { id, syncId });
  const run = query.data?.destination?.syncRun;
  return (
    <SidePanel title={`Sync run ${syncId}`} onClose={() => setParams({ sync: null })} wide>
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      {query.data && !run && <p className="empty-state">No reports name this run.</p>}
      {run && (
        <div data-run-detail={run.id}>
          <RunFacts run={run} timeZone={timeZone} />
          <SplitTable caption="By operation" first="Operation" rows={run.operations} />
          <SplitTable caption="By mapping" first="Mapping" rows={run.mappings} />
          <table className="table">
            <caption>Why records did not arrive</caption>
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Step</th>
                <th scope="col" className="num">
                  Records
                </th>
                <th scope="col">What to do</th>
              </tr>
            </thead>
            <tbody>
              {run.reasons.map((r) => (
                <tr key={`${r.reason.step}/${r.reason.code}`} data-reason={r.reason.code} data-count={r.count}>
                  <th scope="row">
                    {r.reason.title} <code>{r.reason.code}</code>
                  </th>
                  <td>{r.reason.step.toLowerCase().replaceAll('_', ' ')}</td>
                  <td className="num">{formatCount(r.count)}</td>
                  <td>
                    {r.reason.remedy}{' '}
                    <a href={r.reason.docsUrl} target="_blank" rel="noreferrer">
                      In the catalogue
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </SidePanel>
  );
}

function RunFacts({ run, timeZone }: { run: SyncRunFieldsFragment; timeZone: string }) {
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>{STATUS[run.status]}</dd>
      <dt>Started</dt>
      <dd>{formatTimeWithSeconds(run.startedAt, timeZone)}</dd>
      <dt>Finished</dt>
      <dd>{formatTimeWithSeconds(run.finishedAt, timeZone)}</dd>
      <dt>Records extracted</dt>
      <dd>
        {formatCount(run.extracted)} ({formatCount(run.added)} added, {formatCount(run.updated)} updated, {formatCount(run.removed)} removed)
      </dd>
      <dt>Retry pending</dt>
      <dd>{formatCount(run.retryPending)}</dd>
    </dl>
  );
}

function SplitTable({ caption, first, rows }: { caption: string; first: string; rows: SyncRunSplitFieldsFragment[] }) {
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{first}</th>
          {['Extracted', 'Failed to extract', 'Filtered at mapping', 'Delivered', 'Failed'].map((h) => (
            <th key={h} scope="col" className="num">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.value} data-split={r.value} data-count={r.delivered}>
            <th scope="row" className="mono">
              {r.value || <span className="muted">no mapping</span>}
            </th>
            {[r.extracted, r.failedToExtract, r.filtered, r.delivered, r.failed].map((n, i) => (
              <td key={i} className="num">
                {formatCount(n)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
