import { useState } from 'react';
import { ApiError, request } from '../api/client';
import { useSubscription } from '../api/live';
import { useQuery } from '../api/use-query';
import { mayReplay, useRememberViewer } from '../api/viewer';
import { CancelReplayDocument, ReplayDocument, ReplayLiveDocument, type ReplayFieldsFragment, type ReplayQuery } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { Modal } from '../components/modal';
import { ReasonCounts } from '../components/reason-counts';
import { isActive, ReplayOutcomeBar, ReplayProgressBars, ReplayStatusText, selectionWords } from '../components/replay-parts';
import { ZonePicker } from '../components/zone-picker';
import { countOf, formatTimeWithSeconds } from '../format';
import { followLink, useRoute } from '../route';
import { zoneFromParams } from '../zone';

/** One replay (/replays/<id>): what it holds, its progress and its outcome, live (`replayUpdated`); cancel while it runs. */
export function ReplayPage({ id }: { id: string }) {
  const { params } = useRoute();
  const zone = zoneFromParams(params).zone;
  const query = useQuery(ReplayDocument, { id });
  useRememberViewer(query.data?.viewer);
  const [pushed, setPushed] = useState<ReplayFieldsFragment | null>(null);
  // The subscription sends the replay at once, then on every change of status, progress or outcome.
  useSubscription(ReplayLiveDocument, query.data ? { id } : null, (data) => setPushed(data.replayUpdated));
  const replay = pushed?.id === id ? pushed : query.data?.replay;
  const notFound = query.error?.kind === 'invalid' && query.error.problem?.kind === 'notFound';
  return (
    <section data-view="replay" aria-labelledby="replay-title">
      <a className="back-link" href="/replays" onClick={followLink}>
        ← Replays
      </a>
      <div className="page-head">
        <div>
          <h1 id="replay-title">{replay ? `Replay to ${destinationName(query.data, replay)}` : 'Replay'}</h1>
          <p className="subtle mono">{id}</p>
        </div>
        <ZonePicker zone={zone} />
      </div>
      {notFound ? (
        <section className="panel problem" data-problem="not-found">
          <h2>No replay “{id}”</h2>
          <p>This workspace has no replay with that id.</p>
          <a href="/replays" onClick={followLink}>
            See every replay
          </a>
        </section>
      ) : (
        query.error && <ErrorNotice error={query.error} retry={query.retry} />
      )}
      {replay && query.data && <ReplayBody replay={replay} data={query.data} zone={zone} onChanged={setPushed} />}
      {!replay && !query.error && (
        <p className="subtle" role="status">
          Loading the replay…
        </p>
      )}
    </section>
  );
}

function destinationName(data: ReplayQuery | undefined, replay: ReplayFieldsFragment): string {
  return data?.destinations.find((d) => d.id === replay.destinationId)?.name ?? String(replay.destinationId);
}

function ReplayBody({
  replay,
  data,
  zone,
  onChanged,
}: {
  replay: ReplayFieldsFragment;
  data: ReplayQuery;
  zone: string;
  onChanged: (r: ReplayFieldsFragment) => void;
}) {
  const mappingNames = new Map(data.destinations.flatMap((d) => d.mappings.map((m) => [String(m.id), m.name] as const)));
  const titles = new Map(data.discardReasons.map((r) => [r.code, r.title]));
  const you = (token: string | null) => (token && token === data.viewer.tokenId ? `${token} (you)` : (token ?? '–'));
  return (
    <div className="replay-detail" data-replay={replay.id} data-status={replay.status}>
      <div className="panel replay-summary">
        <div className="replay-summary-head" role="status">
          <ReplayStatusText status={replay.status} />{' '}
          <span>
            {countOf(replay.messages, 'message')} in {countOf(replay.batches, 'batch', 'batches')}
          </span>
        </div>
        <dl className="facts">
          <dt>What</dt>
          <dd>{selectionWords(replay.selection, mappingNames, zone)}</dd>
          <dt>Delivery</dt>
          <dd>
            {replay.delivery === 'PUSH' ? (
              'Pushed in signed batches to the replay endpoint'
            ) : (
              <>
                Pulled by your delivery system from <span className="mono">/v1/replays/{replay.id}/messages</span>
              </>
            )}
          </dd>
          <dt>Created</dt>
          <dd>
            {formatTimeWithSeconds(replay.createdAt, zone)} by {you(replay.createdBy)}
          </dd>
          {replay.startedAt && (
            <>
              <dt>First batch</dt>
              <dd>{formatTimeWithSeconds(replay.startedAt, zone)}</dd>
            </>
          )}
          {replay.finishedAt && (
            <>
              <dt>{replay.status === 'CANCELLED' ? 'Cancelled' : 'Finished'}</dt>
              <dd>
                {formatTimeWithSeconds(replay.finishedAt, zone)}
                {replay.cancelledBy && <> by {you(replay.cancelledBy)}</>}
              </dd>
            </>
          )}
          {replay.error && (
            <>
              <dt>Why it failed</dt>
              <dd className="sample-error">{replay.error}</dd>
            </>
          )}
        </dl>
        {isActive(replay.status) && mayReplay(data.viewer) && <CancelReplay id={String(replay.id)} onCancelled={onChanged} />}
      </div>
      <section className="panel detail" aria-labelledby="progress-title" data-detail="replay-progress">
        <h2 id="progress-title">Progress</h2>
        <p className="subtle">Batches handed to your delivery system: sent, then acknowledged (it answered 2xx, or pulled past them).</p>
        <ReplayProgressBars replay={replay} />
      </section>
      <section className="panel detail" aria-labelledby="outcome-title" data-detail="replay-outcome">
        <h2 id="outcome-title">Outcome, from later reports</h2>
        <p className="subtle">Each message’s newest delivered or failed-delivery report since the replay was created decides; updates as reports arrive.</p>
        <ReplayOutcomeBar replay={replay} />
        <ReasonCounts rows={replay.outcome.failedAgainByReason} titles={titles} caption="Failed again, by reason" unit="Messages" />
      </section>
    </div>
  );
}

/** Cancel, confirmed first: batches already sent stay sent. */
function CancelReplay({ id, onCancelled }: { id: string; onCancelled: (r: ReplayFieldsFragment) => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const cancel = async () => {
    setBusy(true);
    try {
      onCancelled((await request(CancelReplayDocument, { id })).cancelReplay);
      setAsking(false);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button-danger" onClick={() => setAsking(true)} data-cancel-replay>
        Cancel this replay
      </button>
      {asking && (
        <Modal title="Cancel this replay?" onClose={() => setAsking(false)}>
          <p>No further batch is sent; batches already sent stay sent, and their messages may still be delivered.</p>
          {error && <ErrorNotice error={error} retry={cancel} />}
          <div className="form-actions">
            <button type="button" className="button-primary" onClick={cancel} disabled={busy}>
              Cancel the replay
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              Keep it running
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}
