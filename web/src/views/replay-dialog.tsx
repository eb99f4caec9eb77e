import { useEffect, useRef, useState } from 'react';
import { ApiError, request } from '../api/client';
import { useQuery } from '../api/use-query';
import {
  CreateReplayDocument,
  ReplayPreviewDocument,
  type CreateReplayMutation,
  type ReplayDelivery,
  type ReplayInput,
  type ReplayPreviewQuery,
} from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { Modal } from '../components/modal';
import { ReasonCounts } from '../components/reason-counts';
import { countOf, formatCount, formatRange } from '../format';
import { followLink } from '../route';

type Preview = ReplayPreviewQuery['replayPreview'];
type Created = CreateReplayMutation['createReplay'];

export interface ReplayDialogProps {
  input: ReplayInput;
  /** What is replayed, in words ("reason 429 · Too many requests", "3 selected messages"). */
  what: string;
  mappingNames: Map<string, string>;
  timeZone: string;
  onClose: () => void;
}

/**
 * One idempotency key per confirmation: a double click, or a retry after a lost answer, gets the
 * first replay back instead of a second one. Random bytes, not randomUUID(): that one needs a
 * secure context, and a gateway may be served over plain http inside a network.
 */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `page-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The confirmation of a replay: the preview (how many, by reason and mapping, what is left out), where it goes, then the job. */
export function ReplayDialog({ input, what, mappingNames, timeZone, onClose }: ReplayDialogProps) {
  const preview = useQuery(ReplayPreviewDocument, { input, range: input.range ?? { preset: 'LAST_2_WEEKS' } });
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [chosen, setChosen] = useState<ReplayDelivery | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const data = preview.data;
  const delivery: ReplayDelivery = chosen ?? (data?.replayEndpoint ? 'PUSH' : 'PULL');
  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    try {
      setCreated((await request(CreateReplayDocument, { input, delivery, idempotencyKey })).createReplay);
      setError(null);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={created ? 'Replay created' : 'Replay undelivered messages'} onClose={onClose} className="replay-dialog">
      {created ? (
        <CreatedReplay replay={created} onClose={onClose} />
      ) : (
        <>
          <p className="subtle">
            {what}
            {data && <> · failed deliveries {formatRange(data.timeRange.from, data.timeRange.to, timeZone)}</>}
          </p>
          {preview.error && <ErrorNotice error={preview.error} retry={preview.retry} />}
          {!data && !preview.error && (
            <p role="status" className="subtle">
              Counting the undelivered messages…
            </p>
          )}
          {data && (
            <PreviewSummary preview={data.replayPreview} titles={new Map(data.discardReasons.map((r) => [r.code, r.title]))} mappingNames={mappingNames} />
          )}
          {data && <DeliveryChoice endpoint={data.replayEndpoint?.url ?? null} value={delivery} onChange={setChosen} />}
          {error && <CreateProblem error={error} retry={confirm} />}
          <div className="form-actions">
            <button type="button" className="button-primary" onClick={confirm} disabled={!data || busy || !replayable(data.replayPreview)} data-confirm-replay>
              {data ? `Replay ${countOf(data.replayPreview.replayable, 'message')}` : 'Replay'}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}

function replayable(p: Preview): boolean {
  return p.replayable > 0 && p.replayable <= p.maxMessages;
}

/** What the replay would hold: the count that matters first, then what is left out and why, then the split. */
function PreviewSummary({ preview, titles, mappingNames }: { preview: Preview; titles: Map<string, string>; mappingNames: Map<string, string> }) {
  const over = preview.replayable > preview.maxMessages;
  const mappings = preview.byMapping.filter((m) => m.mappingId !== null);
  return (
    <div
      className="replay-preview"
      data-replay-preview
      data-total={preview.total}
      data-replayable={preview.replayable}
      data-in-active-replay={preview.inActiveReplay}
      data-max-messages={preview.maxMessages}
    >
      <p className="replay-headline">
        <strong>{countOf(preview.replayable, 'message')}</strong> would be handed back to your delivery system to send again.
      </p>
      <dl className="facts">
        <dt>Undelivered</dt>
        <dd>{countOf(preview.total, 'message')} match (a message counts once per mapping; reports without a message id cannot be replayed)</dd>
        <dt>Left out</dt>
        <dd>{preview.inActiveReplay > 0 ? `${countOf(preview.inActiveReplay, 'message')} already in an active replay` : 'none'}</dd>
        <dt>Most per replay</dt>
        <dd>{formatCount(preview.maxMessages)}</dd>
      </dl>
      {over && (
        <p className="notice notice-error" role="alert" data-replay-problem="limit">
          {formatCount(preview.replayable)} messages match, more than the {formatCount(preview.maxMessages)} one replay may hold. Narrow the range, or pick a
          reason or a mapping.
        </p>
      )}
      {preview.replayable === 0 && preview.inActiveReplay > 0 && <HeldProblem count={preview.inActiveReplay} />}
      {preview.total === 0 && (
        <p className="notice" role="status">
          Nothing to replay: no message of this selection is undelivered now (reports without a message id cannot be replayed).
        </p>
      )}
      <ReasonCounts rows={preview.byReason} titles={titles} caption="By reason of the final failure" unit="Messages" />
      {mappings.length > 0 && (
        <ReasonCounts
          rows={mappings.map((m) => ({ reason: String(m.mappingId), count: m.count }))}
          titles={mappingNames}
          caption="By mapping"
          unit="Messages"
          what="Mapping"
        />
      )}
    </div>
  );
}

function HeldProblem({ count }: { count: number }) {
  return (
    <p className="notice notice-warn" role="alert" data-replay-problem="in-active-replay">
      <span>
        Nothing left to replay: all {countOf(count, 'message')} that match are already in an active replay.{' '}
        <a href="/replays" onClick={followLink}>
          See the replays
        </a>
      </span>
    </p>
  );
}

/** Push to the workspace's endpoint (when one is set), or leave the batches for the delivery system to pull. */
function DeliveryChoice({ endpoint, value, onChange }: { endpoint: string | null; value: ReplayDelivery; onChange: (d: ReplayDelivery) => void }) {
  return (
    <fieldset className="delivery-choice">
      <legend>How your delivery system gets the messages</legend>
      <label className="radio">
        <input type="radio" name="replay-delivery" value="PUSH" checked={value === 'PUSH'} disabled={!endpoint} onChange={() => onChange('PUSH')} />
        <span>
          Push signed batches to the replay endpoint{' '}
          {endpoint ? <span className="mono">{endpoint}</span> : <span className="subtle">(none is set: an admin sets one, see the replay docs)</span>}
        </span>
      </label>
      <label className="radio">
        <input type="radio" name="replay-delivery" value="PULL" checked={value === 'PULL'} onChange={() => onChange('PULL')} />
        <span>
          Let it pull the batches from <span className="mono">/v1/replays/&lt;id&gt;/messages</span>
        </span>
      </label>
    </fieldset>
  );
}

/** Why the gateway refused the replay, in the page's words (never its raw error); `retry` confirms again with the same key. */
function CreateProblem({ error, retry }: { error: ApiError; retry: () => void }) {
  const problem = error.problem?.kind === 'request' ? error.problem : null;
  if (problem?.limit === 'replayMaxMessages') {
    return (
      <p className="notice notice-error" role="alert" data-replay-problem="limit">
        {formatCount(problem.matched ?? 0)} messages match, more than the {formatCount(problem.value ?? 0)} one replay may hold. Narrow the range, or pick a
        reason or a mapping.
      </p>
    );
  }
  if (problem?.inActiveReplay !== undefined) {
    if (problem.inActiveReplay > 0) return <HeldProblem count={problem.inActiveReplay} />;
    return (
      <p className="notice notice-warn" role="alert" data-replay-problem="nothing">
        Nothing to replay any more: these messages were delivered meanwhile, or another replay took them.
      </p>
    );
  }
  if (problem?.field === 'delivery') {
    return (
      <p className="notice notice-error" role="alert" data-replay-problem="endpoint">
        This workspace has no replay endpoint to push to: choose to let your delivery system pull, or ask an admin to set one.
      </p>
    );
  }
  if (error.kind === 'auth') {
    return (
      <p className="notice notice-error" role="alert" data-replay-problem="scope">
        {error.message} Replays need a token with the replay or admin scope.
      </p>
    );
  }
  return <ErrorNotice error={error} retry={retry} />;
}

function CreatedReplay({ replay, onClose }: { replay: Created; onClose: () => void }) {
  const follow = useRef<HTMLAnchorElement>(null);
  // Focus moves to the next thing to do (the confirm button that had it is gone).
  useEffect(() => follow.current?.focus(), []);
  return (
    <div className="replay-created" role="status" data-replay-created={replay.id} data-messages={replay.messages}>
      <p>
        <strong>{countOf(replay.messages, 'message')}</strong> in {countOf(replay.batches, 'batch', 'batches')} will be handed back to your delivery system.
        Replay <span className="mono">{replay.id}</span>.
      </p>
      <div className="form-actions">
        <a ref={follow} className="button-link button-primary" href={`/replays/${encodeURIComponent(replay.id)}`} onClick={followLink}>
          Follow its progress
        </a>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
