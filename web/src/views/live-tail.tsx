import { useEffect, useRef, useState } from 'react';
import { useSubscription } from '../api/live';
import { DeliveryFailuresLiveDocument, type DeliveryFailuresLiveSubscription, type PipelineStepKind } from '../gql/graphql';
import { TableScroller } from '../components/table-parts';
import { eventFilter } from '../filters';
import { countOf, formatCount } from '../format';
import { followLink, setParams, useRoute } from '../route';
import { type DestinationState } from '../state';
import { STEP_LABELS } from '../steps.generated';

type Failure = DeliveryFailuresLiveSubscription['deliveryFailures']['failures'][number] & { key: number };

/** The destination-side discard boxes the tail can show; another selected step shows all of them. */
const TAIL_STEPS = new Set<PipelineStepKind>(['FAILED_DELIVERY', 'FILTERED_AT_DESTINATION', 'FAILED_TO_EXTRACT', 'FILTERED_AT_MAPPING']);
/** The list keeps the newest this many: a busy destination must not grow the page without end. */
export const TAIL_ROWS = 100;
/** Screen readers hear a summary at most this often, not every failure (up to 20 a second). */
const ANNOUNCE_MS = 4000;

export function tailStep(state: DestinationState): PipelineStepKind | null {
  return state.step && TAIL_STEPS.has(state.step) ? state.step : null;
}

/** A panel on the destination page: failed and filtered reports as ingest stores them, opened on demand (`tail=on`). */
export function LiveTail({ destinationId, state, mappingNames }: { destinationId: string; state: DestinationState; mappingNames: Map<string, string> }) {
  const { params } = useRoute();
  const on = params.get('tail') === 'on';
  const step = tailStep(state);
  const variables = { destinationId, step, mappingId: state.mapping, filter: eventFilter(state.filters) };
  return (
    <section className="panel detail live-tail" aria-labelledby="tail-title" data-detail="live-tail">
      <div className="detail-head">
        <h2 id="tail-title">Live tail · {step ? STEP_LABELS[step] : 'failed and filtered reports'}</h2>
        <button type="button" aria-expanded={on} aria-controls="tail-feed" onClick={() => setParams({ tail: on ? null : 'on' }, { replace: true })}>
          {on ? 'Stop the live tail' : 'Start the live tail'}
        </button>
      </div>
      <p className="subtle">
        Reports as the gateway stores them, newest first{state.mapping ? ', this mapping only' : ''}; the filters above apply; times in {state.timeZone}.
      </p>
      {/* A new selection starts a new tail (a new subscription, an empty list). */}
      <div id="tail-feed">{on && <TailFeed key={JSON.stringify(variables)} variables={variables} timeZone={state.timeZone} mappingNames={mappingNames} />}</div>
    </section>
  );
}

interface Variables {
  destinationId: string;
  step: PipelineStepKind | null;
  mappingId: string | null;
  filter: ReturnType<typeof eventFilter>;
}

/** The subscription's pushes as a bounded list (newest first), pausable: while paused, arrivals are held, not shown. */
function useTail(variables: Variables) {
  const [rows, setRows] = useState<Failure[]>([]);
  const [held, setHeld] = useState<Failure[]>([]);
  const [more, setMore] = useState(0);
  const [state, setState] = useState<'connecting' | 'live' | 'failed'>('connecting');
  const [paused, setPaused] = useState(false);
  const pausedNow = useRef(false);
  pausedNow.current = paused;
  const next = useRef(0);
  const unannounced = useRef({ failures: 0, more: 0 });
  useSubscription(
    DeliveryFailuresLiveDocument,
    variables,
    ({ deliveryFailures: batch }) => {
      setState('live');
      const arrived = batch.failures.map((f) => ({ ...f, key: next.current++ })).reverse();
      const add = (list: Failure[]) => [...arrived, ...list].slice(0, TAIL_ROWS);
      if (pausedNow.current) setHeld(add);
      else setRows(add);
      if (batch.more > 0) setMore((n) => n + batch.more);
      unannounced.current.failures += arrived.length;
      unannounced.current.more += batch.more;
    },
    () => setState('failed'),
  );
  const resume = () => {
    setRows((list) => [...held, ...list].slice(0, TAIL_ROWS));
    setHeld([]);
    setPaused(false);
  };
  return { rows, held, more, state, paused, pause: () => setPaused(true), resume, clear: () => (setRows([]), setMore(0)), unannounced };
}

/** What a screen reader hears, every few seconds at most: how many arrived and how many the cap left out. */
function useAnnouncement(unannounced: { current: { failures: number; more: number } }): string {
  const [text, setText] = useState('');
  useEffect(() => {
    const timer = setInterval(() => {
      const { failures, more } = unannounced.current;
      if (failures === 0 && more === 0) return;
      unannounced.current = { failures: 0, more: 0 };
      setText(`${countOf(failures, 'new report')}${more > 0 ? `, ${formatCount(more)} more not shown` : ''}.`);
    }, ANNOUNCE_MS);
    return () => clearInterval(timer);
  }, [unannounced]);
  return text;
}

function TailFeed({ variables, timeZone, mappingNames }: { variables: Variables; timeZone: string; mappingNames: Map<string, string> }) {
  const tail = useTail(variables);
  const announcement = useAnnouncement(tail.unannounced);
  return (
    <div data-tail-state={tail.paused ? 'paused' : tail.state} data-tail-more={tail.more}>
      <div className="tail-bar">
        <span className="tail-status">{tailStatus(tail.state, tail.paused, tail.held.length)}</span>
        {tail.paused ? (
          <button type="button" className="button-small" onClick={tail.resume}>
            Resume{tail.held.length > 0 ? ` (${formatCount(tail.held.length)} held)` : ''}
          </button>
        ) : (
          <button type="button" className="button-small" onClick={tail.pause}>
            Pause
          </button>
        )}
        <button type="button" className="button-small button-quiet" onClick={tail.clear}>
          Clear
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </p>
      {tail.more > 0 && (
        <p className="notice notice-warn tail-more" data-more={tail.more}>
          {formatCount(tail.more)} more not shown: the gateway sends at most 20 reports a second to each viewer and counts the rest.
        </p>
      )}
      <TailTable rows={tail.rows} timeZone={timeZone} mappingNames={mappingNames} />
    </div>
  );
}

function tailStatus(state: 'connecting' | 'live' | 'failed', paused: boolean, held: number): string {
  if (state === 'failed') return 'The live tail stopped: the gateway refused it or the connection broke. Stop and start it again.';
  if (state === 'connecting') return 'Connecting…';
  if (paused) return `Paused: ${countOf(held, 'new report')} held until you resume.`;
  return `Live: newest first, the last ${TAIL_ROWS} kept.`;
}

function TailTable({ rows, timeZone, mappingNames }: { rows: Failure[]; timeZone: string; mappingNames: Map<string, string> }) {
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone });
  return (
    <TableScroller label="Live tail" className="bounded-list">
      <table className="table responsive-table tail-table">
        <caption className="visually-hidden">Failed and filtered reports, newest first ({timeZone})</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Reason</th>
            <th scope="col">Attempt</th>
            <th scope="col">Message</th>
            <th scope="col">Event</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.key} data-tail-row data-message-id={f.messageId ?? ''} data-tail-reason={f.reason} data-step-kind={f.step}>
              <th scope="row">{time.format(new Date(f.at))}</th>
              <td data-label="Reason">
                <code className="reason-code">{f.reason}</code>
                <span className="cell-sub">{STEP_LABELS[f.step]}</span>
              </td>
              <td data-label="Attempt">{f.attempt ?? '–'}</td>
              <td data-label="Message" className="col-full">
                {f.messageId ? (
                  <a className="mono" href={`/trace?messageId=${encodeURIComponent(f.messageId)}`} onClick={followLink}>
                    {f.messageId}
                  </a>
                ) : (
                  <span className="muted">no message id</span>
                )}
                {f.count > 1 && <span className="cell-sub">{countOf(f.count, 'event')}</span>}
                {f.mappingId && <span className="cell-sub">{mappingNames.get(String(f.mappingId)) ?? f.mappingId}</span>}
              </td>
              <td data-label="Event" className="col-full">
                {f.eventType} · {f.eventName || '–'} · app {f.appVersion || '–'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="empty-state">Nothing failed or was filtered since the tail started.</p>}
    </TableScroller>
  );
}
