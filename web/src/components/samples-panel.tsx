import { countOf, formatTimeWithSeconds } from '../format';
import { followLink } from '../route';
import type { DiscardRow } from './discard-table';
import { prettyJson, SampleExchange } from './sample-exchange';
import { SidePanel } from './side-panel';

/** Up to ten kept samples of one reason: when, which event, the error, the payload, and a failed delivery's request and response. */
export function SamplesPanel({
  row,
  timeZone,
  sourceNames,
  onClose,
}: {
  row: DiscardRow;
  timeZone: string;
  sourceNames: Map<string, string>;
  onClose: () => void;
}) {
  return (
    <SidePanel
      wide
      onClose={onClose}
      title={
        <>
          Samples · {row.reason.title} <code>{row.reason.code}</code>
        </>
      }
    >
      <p className="subtle">
        {countOf(row.samples.length, 'kept sample')} of the events discarded for this reason in the range, newest first ({timeZone}).
      </p>
      <ol className="samples">
        {row.samples.map((sample, i) => (
          <li key={i} className="sample" data-sample={i}>
            <dl className="facts">
              <dt>At</dt>
              <dd>{formatTimeWithSeconds(sample.at, timeZone)}</dd>
              <dt>Event</dt>
              <dd>
                {sample.eventType || '–'} · {sample.eventName || '–'} · app {sample.appVersion || '–'}
              </dd>
              <dt>Source</dt>
              <dd>
                {sourceNames.get(sample.sourceId) ?? sample.sourceId}
                {sourceNames.has(sample.sourceId) && sourceNames.get(sample.sourceId) !== sample.sourceId && (
                  <span className="subtle mono"> ({sample.sourceId})</span>
                )}
              </dd>
              <dt>Message id</dt>
              <dd>
                {sample.messageId ? (
                  <a className="mono" href={`/trace?messageId=${encodeURIComponent(sample.messageId)}`} onClick={followLink}>
                    {sample.messageId} (trace)
                  </a>
                ) : (
                  <span className="muted">not reported</span>
                )}
              </dd>
              {sample.error && (
                <>
                  <dt>Error</dt>
                  <dd className="sample-error">{sample.error}</dd>
                </>
              )}
            </dl>
            <details open={i === 0}>
              <summary>Payload{sample.truncated ? ' (cut at the sample size limit)' : ''}</summary>
              <pre className="payload" tabIndex={0} aria-label={`Payload of sample ${i + 1}`}>
                {prettyJson(sample.payload, '(no payload kept)')}
              </pre>
            </details>
            <SampleExchange sample={sample} n={i + 1} />
          </li>
        ))}
      </ol>
    </SidePanel>
  );
}
