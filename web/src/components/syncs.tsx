import { useQuery } from '../api/use-query';
import { SyncsDocument, type PipelineStepKind, type SyncsQuery } from '../gql/graphql';
import { formatCount, formatTime, formatTimeWithSeconds } from '../format';
import { setParams } from '../route';
import { rangeInput, type DestinationState } from '../state';
import { ErrorNotice } from './error-notice';
import { SidePanel } from './side-panel';
import { SkeletonTableRows } from './skeleton';

type Sync = NonNullable<SyncsQuery['destination']>['syncs'][number];

const STATUS = { SUCCESS: '✓ Success', PARTIAL: '◐ Partial', FAILED: '✕ Failed' } as const;

/** Failed to sync: syncs that did not fully succeed. Successfully synced: full and partial successes. */
function belongs(step: PipelineStepKind, sync: Sync): boolean {
  if (step === 'FAILED_TO_SYNC') return sync.status !== 'SUCCESS' || sync.rowsFailed > 0;
  return sync.status !== 'FAILED';
}

export function SyncsView({ id, state, step }: { id: string; state: DestinationState; step: PipelineStepKind }) {
  const query = useQuery(SyncsDocument, { id, range: rangeInput(state.range, state.timeZone, state.lookback) });
  const syncs = query.data?.destination?.syncs.filter((s) => belongs(step, s)) ?? null;
  const open = syncs?.find((s) => s.id === state.sync);
  const title = step === 'FAILED_TO_SYNC' ? 'Failed to sync · syncs with failed or partial collections' : 'Successfully synced · full and partial successes';
  return (
    <section className="panel detail" aria-labelledby="syncs-title" data-detail="syncs">
      <div className="detail-head">
        <h2 id="syncs-title">{title}</h2>
      </div>
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      <div className="table-wrap">
        <table className="table syncs-table">
          <caption className="visually-hidden">Warehouse syncs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
              <th scope="col" className="num">
                Failed collections
              </th>
              <th scope="col" className="num">
                Rows synced
              </th>
              <th scope="col" className="num">
                Rows failed
              </th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {!syncs && <SkeletonTableRows columns={7} />}
            {syncs?.map((sync) => (
              <tr key={sync.id} data-sync={sync.id} data-status={sync.status} data-count={sync.rowsFailed}>
                <td>{formatTime(sync.startedAt, state.timeZone)}</td>
                <td>
                  <span className={`status status-${sync.status.toLowerCase()}`}>{STATUS[sync.status]}</span>
                </td>
                <td>{sync.reason ?? <span className="muted">–</span>}</td>
                <td className="num">
                  {sync.failedCollections} of {sync.collections.length}
                </td>
                <td className="num">{formatCount(sync.rowsSynced)}</td>
                <td className="num">{formatCount(sync.rowsFailed)}</td>
                <td>
                  <button type="button" className="button-small" onClick={() => setParams({ sync: sync.id })} aria-label={`Detail of the sync started ${formatTime(sync.startedAt, state.timeZone)}`}>
                    Detail ▸
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {syncs && syncs.length === 0 && <p className="empty-state">No such syncs in the range.</p>}
      </div>
      {open && <SyncDetail sync={open} timeZone={state.timeZone} />}
    </section>
  );
}

function SyncDetail({ sync, timeZone }: { sync: Sync; timeZone: string }) {
  return (
    <SidePanel title={`Sync ${sync.id}`} onClose={() => setParams({ sync: null })}>
      <dl className="facts">
        <dt>Status</dt>
        <dd>{STATUS[sync.status]}</dd>
        <dt>Started</dt>
        <dd>{formatTimeWithSeconds(sync.startedAt, timeZone)}</dd>
        <dt>Finished</dt>
        <dd>{formatTimeWithSeconds(sync.finishedAt, timeZone)}</dd>
        <dt>Reason</dt>
        <dd>{sync.reason ?? '–'}</dd>
      </dl>
      <table className="table">
        <caption>Collections</caption>
        <thead>
          <tr>
            <th scope="col">Collection</th>
            <th scope="col" className="num">
              Rows synced
            </th>
            <th scope="col" className="num">
              Rows failed
            </th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {sync.collections.map((c) => (
            <tr key={c.name} data-count={c.rowsFailed}>
              <th scope="row" className="mono">
                {c.name}
              </th>
              <td className="num">{formatCount(c.rowsSynced)}</td>
              <td className="num">{c.rowsFailed > 0 ? <strong>✕ {formatCount(c.rowsFailed)}</strong> : '0'}</td>
              <td>{c.reason ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </SidePanel>
  );
}
