import type { PipelineStepKind, SyncFieldsFragment } from '../gql/graphql';
import { countOf, formatCount, formatTime, formatTimeWithSeconds } from '../format';
import { setParams } from '../route';
import type { DestinationState } from '../state';
import { syncRemedy } from '../sync-remedies';
import { SidePanel } from './side-panel';
import { SkeletonTableRows } from './skeleton';
import { RowToggle, TableScroller, useOpenRows } from './table-parts';

type Sync = SyncFieldsFragment;

/** What the view asks for (web/src/operations/pipeline.graphql): said on the page when reached, never cut silently. */
const SYNCS_ASKED = 200;

const STATUS = { SUCCESS: '✓ Success', PARTIAL: '◐ Partial', FAILED: '✕ Failed' } as const;

/** Failed to sync: syncs that did not fully succeed. Successfully synced: full and partial successes. */
function belongs(step: PipelineStepKind, sync: Sync): boolean {
  if (step === 'FAILED_TO_SYNC') return sync.status !== 'SUCCESS' || sync.rowsFailed > 0;
  return sync.status !== 'FAILED';
}

export function SyncsView({ all, state, step }: { all: Sync[] | undefined; state: DestinationState; step: PipelineStepKind }) {
  const syncs = all?.filter((s) => belongs(step, s)) ?? null;
  const open = syncs?.find((s) => s.id === state.sync);
  const { isOpen, toggle } = useOpenRows();
  const failedRows = syncs?.reduce((sum, s) => sum + s.rowsFailed, 0) ?? 0;
  const title = step === 'FAILED_TO_SYNC' ? 'Failed to sync · syncs with failed or partial collections' : 'Successfully synced · full and partial successes';
  return (
    <section className="panel detail" aria-labelledby="syncs-title" data-detail="syncs">
      <div className="detail-head">
        <h2 id="syncs-title">{title}</h2>
        {syncs && step === 'FAILED_TO_SYNC' && (
          <span className="subtle" data-failed-rows={failedRows}>
            {countOf(syncs.length, 'sync')}, {countOf(failedRows, 'row')} failed in total
          </span>
        )}
      </div>
      <TableScroller label="Warehouse syncs">
        <table className="table syncs-table responsive-table">
          <caption className="visually-hidden">Warehouse syncs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Rows failed
              </th>
              <th scope="col" className="col-more">
                Reason · what to do
              </th>
              <th scope="col" className="num col-more">
                Failed collections
              </th>
              <th scope="col" className="num col-more">
                Rows synced
              </th>
              <th scope="col" className="col-more">
                Detail
              </th>
            </tr>
          </thead>
          <tbody>
            {!syncs && <SkeletonTableRows columns={7} />}
            {syncs?.map((sync) => (
              <tr key={sync.id} data-sync={sync.id} data-status={sync.status} data-count={sync.rowsFailed} className={isOpen(sync.id) ? 'row-open' : undefined}>
                <th scope="row">
                  {formatTime(sync.startedAt, state.timeZone)}
                  <RowToggle open={isOpen(sync.id)} onToggle={() => toggle(sync.id)} label={`the sync started ${formatTime(sync.startedAt, state.timeZone)}`} />
                </th>
                <td>
                  <span className={`status status-${sync.status.toLowerCase()}`}>{STATUS[sync.status]}</span>
                </td>
                <td className="num">{formatCount(sync.rowsFailed)}</td>
                <td className="col-more" data-label="Reason · what to do">
                  {sync.reason ?? <span className="muted">–</span>}
                  {syncRemedy(sync.reason) && <p className="subtle sync-remedy">{syncRemedy(sync.reason)}</p>}
                </td>
                <td className="num col-more" data-label="Failed collections">
                  {sync.failedCollections} of {sync.collections.length}
                </td>
                <td className="num col-more" data-label="Rows synced">
                  {formatCount(sync.rowsSynced)}
                </td>
                <td className="col-more" data-label="Detail">
                  <button
                    type="button"
                    className="button-small"
                    onClick={() => setParams({ sync: sync.id })}
                    aria-label={`Detail of the sync started ${formatTime(sync.startedAt, state.timeZone)}`}
                  >
                    Detail ▸
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {syncs && syncs.length === 0 && <p className="empty-state">No such syncs in the range.</p>}
      </TableScroller>
      {all && all.length >= SYNCS_ASKED && (
        <p className="table-more subtle">The view reads the {SYNCS_ASKED} newest syncs of the range; for older ones, pick a shorter or earlier range.</p>
      )}
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
        <dt>What to do</dt>
        <dd>{syncRemedy(sync.reason) ?? 'Nothing: every row loaded.'}</dd>
        <dt>Rows failed</dt>
        <dd>
          {formatCount(sync.rowsFailed)} of {formatCount(sync.rowsSynced + sync.rowsFailed)}
        </dd>
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
              <td>
                {c.reason ?? '–'}
                {c.rowsFailed > 0 && syncRemedy(c.reason) && <p className="subtle">{syncRemedy(c.reason)}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </SidePanel>
  );
}
