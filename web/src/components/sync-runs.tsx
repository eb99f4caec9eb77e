import { useQuery } from '../api/use-query';
import { SyncRunDocument, SyncRunsDocument, type SyncRunFieldsFragment, type SyncRunSplitFieldsFragment } from '../gql/graphql';
import { formatCount, formatTime, formatTimeWithSeconds } from '../format';
import { setParams } from '../route';
import { rangeInput, type DestinationState } from '../state';
import { ErrorNotice } from './error-notice';
import { SidePanel } from './side-panel';
import { SkeletonTableRows } from './skeleton';

const STATUS = { SUCCESS: '✓ Success', PARTIAL: '◐ Partial', FAILED: '✕ Failed' } as const;

/** A Reverse ETL destination's sync runs, newest first; a row opens the run's detail. */
export function SyncRunsView({ id, state }: { id: string; state: DestinationState }) {
  const query = useQuery(SyncRunsDocument, { id, range: rangeInput(state.range, state.timeZone, state.lookback) });
  const runs = query.data?.destination?.syncRuns ?? null;
  return (
    <section className="panel detail" aria-labelledby="runs-title" data-detail="sync-runs">
      <div className="detail-head">
        <h2 id="runs-title">Sync runs · records extracted, delivered and failed per run</h2>
      </div>
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      <div className="table-wrap">
        <table className="table syncs-table">
          <caption className="visually-hidden">Reverse ETL sync runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Added · updated · removed</th>
              <th scope="col" className="num">Delivered</th>
              <th scope="col" className="num">Failed</th>
              <th scope="col">Top reasons</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {!runs && <SkeletonTableRows columns={8} />}
            {runs?.map((run) => (
              <tr key={run.id} data-sync-run={run.id} data-status={run.status} data-count={run.extracted}>
                <td>{formatTime(run.startedAt, state.timeZone)}</td>
                <td>{formatTime(run.finishedAt, state.timeZone, false)}</td>
                <td>
                  <span className={`status status-${run.status.toLowerCase()}`}>{STATUS[run.status]}</span>
                </td>
                <td className="num">
                  {formatCount(run.added)} · {formatCount(run.updated)} · {formatCount(run.removed)}
                </td>
                <td className="num" data-delivered={run.delivered}>{formatCount(run.delivered)}</td>
                <td className="num" data-failed={run.failedToExtract + run.failed}>{formatCount(run.failedToExtract + run.failed)}</td>
                <td>{run.topReasons.map((r) => `${r.reason.title} (${formatCount(r.count)})`).join(', ') || <span className="muted">–</span>}</td>
                <td>
                  <button type="button" className="button-small" onClick={() => setParams({ sync: run.id })} aria-label={`Detail of the run started ${formatTime(run.startedAt, state.timeZone)}`}>
                    Detail ▸
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs && runs.length === 0 && <p className="empty-state">No sync runs started in the range.</p>}
      </div>
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
                <th scope="col" className="num">Records</th>
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
