import type { DiscardRow } from './discard-table';

type Sample = DiscardRow['samples'][number];
type Headers = NonNullable<Sample['request']>['headers'];

/** JSON indented when it parses (a cut body does not), else as sent. */
export function prettyJson(text: string | null | undefined, none: string): string {
  if (!text) return none;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function HeaderTable({ headers, caption }: { headers: Headers; caption: string }) {
  if (headers.length === 0) return <p className="muted">No headers reported</p>;
  return (
    <table className="exchange-headers">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Header</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {headers.map((h, i) => (
          <tr key={i} data-header={h.name}>
            <th scope="row" className="mono">
              {h.name}
            </th>
            <td className={h.value === '[redacted]' ? 'mono muted' : 'mono'}>{h.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body({ body, truncated, label }: { body: string | null | undefined; truncated: boolean; label: string }) {
  return (
    <>
      <p className="subtle">Body{truncated ? ' (cut at the sample size limit)' : ''}</p>
      <pre className="payload" data-body tabIndex={0} aria-label={label}>
        {prettyJson(body, '(no body reported)')}
      </pre>
    </>
  );
}

/**
 * A failed delivery's request and response side by side, as the producer reported them
 * (secrets were redacted at ingest); nothing at all when it reported neither.
 */
export function SampleExchange({ sample, n }: { sample: Sample; n: number }) {
  const { request, response } = sample;
  if (!request && !response) return null;
  return (
    <div className="exchange" data-exchange>
      {request && (
        <section className="exchange-part" data-exchange-part="request" aria-labelledby={`request-${n}`}>
          <h3 id={`request-${n}`}>Request</h3>
          <p className="mono" data-request-line>
            {request.method ?? '–'} {request.url ?? '(URL not reported)'}
          </p>
          <HeaderTable headers={request.headers} caption={`Request headers of sample ${n}`} />
          <Body body={request.body} truncated={request.bodyTruncated} label={`Request body of sample ${n}`} />
        </section>
      )}
      {response && (
        <section className="exchange-part" data-exchange-part="response" aria-labelledby={`response-${n}`}>
          <h3 id={`response-${n}`}>Response</h3>
          <p className="mono" data-status>
            {response.status === null || response.status === undefined ? 'Status not reported' : `Status ${response.status}`}
          </p>
          <HeaderTable headers={response.headers} caption={`Response headers of sample ${n}`} />
          <Body body={response.body} truncated={response.bodyTruncated} label={`Response body of sample ${n}`} />
        </section>
      )}
    </div>
  );
}
