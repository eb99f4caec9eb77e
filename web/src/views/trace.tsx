import { useState, type FormEvent } from 'react';
import { useQuery } from '../api/use-query';
import { TraceDocument, type TraceQuery } from '../gql/graphql';
import { ErrorNotice } from '../components/error-notice';
import { SkeletonTableRows } from '../components/skeleton';
import { formatCount, formatTimeWithSeconds } from '../format';
import { ZonePicker } from '../components/zone-picker';
import { TableScroller } from '../components/table-parts';
import { zoneFromParams } from '../zone';
import { followLink, navigate, useRoute } from '../route';

/** The pipeline's own step names; the retry box is told apart by the step as reported. */
const STEP_WORDS: Record<string, string> = {
  SUCCESSFULLY_RECEIVED: 'Successfully received',
  FAILED_ON_INGEST: 'Failed on ingest',
  FILTERED_AT_SOURCE: 'Filtered at source',
  FILTERED_AT_DESTINATION: 'Filtered at destination',
  FAILED_DELIVERY: 'Failed delivery',
  SUCCESSFUL_DELIVERY: 'Successful delivery',
  EVENTS_TO_WAREHOUSE_ROWS: 'Events to warehouse rows',
};
const RETRY_WORDS: Record<string, string> = { RETRY_ENQUEUED: 'Queued for retry', RETRY_RESOLVED: 'Left the retry queue' };

function stepWords(step: string, reportStep: string): string {
  return step === 'RETRY_PENDING' ? (RETRY_WORDS[reportStep] ?? 'Retry pending') : (STEP_WORDS[step] ?? step);
}

/** One message's path: every report that carried its message id, oldest first. */
export function TracePage() {
  const { params } = useRoute();
  const messageId = params.get('messageId') ?? '';
  const [draft, setDraft] = useState(messageId);
  const query = useQuery(TraceDocument, messageId ? { messageId } : null);
  const zone = zoneFromParams(params).zone;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) navigate(`/trace?messageId=${encodeURIComponent(draft.trim())}`);
  };
  return (
    <section data-view="trace" aria-labelledby="trace-title">
      <div className="page-head">
        <div>
          <h1 id="trace-title">Trace a message</h1>
          <p className="subtle">Every step one message went through, from the reports that carried its message id.</p>
        </div>
      </div>
      <form className="panel search-form" onSubmit={submit} role="search">
        <label className="field grow">
          <span>Message id</span>
          <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="e.g. m-123" spellCheck={false} />
        </label>
        <button type="submit" className="button-primary">
          Trace
        </button>
        <ZonePicker zone={zone} />
      </form>
      {query.error && <ErrorNotice error={query.error} retry={query.retry} />}
      {messageId && <TraceTable messageId={messageId} data={query.data} failed={Boolean(query.error)} zone={zone} />}
    </section>
  );
}

/** The reports of one message, oldest first, with names for its source, destination and mapping. */
function TraceTable({ messageId, data, failed, zone }: { messageId: string; data: TraceQuery | undefined; failed: boolean; zone: string }) {
  const entries = data?.trace;
  const sourceNames = new Map(data?.sources.map((x) => [x.id, x.name]));
  const destinations = new Map(data?.destinations.map((d) => [d.id, d]));
  const mappingName = (destinationId: string | null, id: string) =>
    (destinationId && destinations.get(destinationId)?.mappings.find((m) => m.id === id)?.name) || id;
  return (
    <div className="panel">
      <TableScroller label={`Path of ${messageId}`}>
        <table className="table">
          <caption>
            Path of <code>{messageId}</code> ({zone})
          </caption>
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Step</th>
              <th scope="col">Source</th>
              <th scope="col">Destination</th>
              <th scope="col">Reason</th>
              <th scope="col">Event</th>
              <th scope="col" className="num">
                Events
              </th>
            </tr>
          </thead>
          <tbody>
            {!entries && !failed && <SkeletonTableRows columns={7} rows={2} />}
            {entries?.map((e, i) => (
              <tr key={i} data-step={e.step} data-count={e.count}>
                <td>{formatTimeWithSeconds(e.at, zone)}</td>
                <td>{stepWords(e.step, e.reportStep)}</td>
                <td>{sourceNames.get(e.sourceId) ?? e.sourceId}</td>
                <td>
                  {e.destinationId ? (
                    <a href={`/destinations/${encodeURIComponent(e.destinationId)}`} onClick={followLink}>
                      {destinations.get(e.destinationId)?.name ?? e.destinationId}
                    </a>
                  ) : (
                    '–'
                  )}
                  {e.mappingId && <span className="subtle"> · {mappingName(e.destinationId, e.mappingId)}</span>}
                </td>
                <td>{e.reason ? <code>{e.reason}</code> : '–'}</td>
                <td>
                  {e.eventType} · {e.eventName || '–'}
                </td>
                <td className="num">{formatCount(e.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroller>
      {entries && entries.length === 0 && <p className="empty-state">No report carried this message id in the last 14 days.</p>}
    </div>
  );
}
