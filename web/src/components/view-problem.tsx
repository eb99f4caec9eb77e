import type { ApiError } from '../api/client';
import { browserTimeZone } from '../format';
import { followLink, withParams } from '../route';
import { ErrorNotice } from './error-notice';
import { ZonePicker } from './zone-picker';

const DAY = 86_400_000;

export type Problem = { error: ApiError } | { zone: string } | { range: string };

function dateText(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(ms));
}

/**
 * What a view shows instead of its panels when it cannot show numbers: what went wrong and
 * the way out (a link, the allowed range, the zone list, a retry). Never a skeleton that spins.
 */
export function ViewProblem({ problem, what, id, retry }: { problem: Problem; what: 'destination' | 'source'; id: string; retry: () => void }) {
  if ('zone' in problem) return <ZoneProblem asked={problem.zone} />;
  if ('range' in problem) return <RangeProblem detail={problem.range} />;
  const { error } = problem;
  if (error.kind === 'invalid' && error.problem?.kind === 'zone') return <ZoneProblem asked={new URLSearchParams(location.search).get('tz') ?? ''} />;
  if (error.kind === 'invalid' && error.problem?.kind === 'range') return <RangeProblem detail={error.message} />;
  if (error.kind === 'invalid' && error.problem?.kind === 'notFound') return <NotFound what={what} id={id} suggestions={error.problem.suggestions} />;
  if (error.kind === 'auth') return null; // the sign-in panel takes over
  return (
    <section className="panel problem" data-problem={error.kind} aria-labelledby="problem-title">
      <h2 id="problem-title">{error.kind === 'rate' ? 'Waiting for the gateway' : 'These numbers could not be loaded'}</h2>
      <ErrorNotice error={error} retry={retry} />
      <a href="/" onClick={followLink}>
        Go to the destinations overview
      </a>
    </section>
  );
}

function NotFound({ what, id, suggestions }: { what: 'destination' | 'source'; id: string; suggestions: string[] }) {
  const base = what === 'destination' ? '/destinations/' : '/sources/';
  return (
    <section className="panel problem" data-problem="not-found" data-view="not-found" aria-labelledby="problem-title">
      <h2 id="problem-title">
        No {what} “{id}”
      </h2>
      <p>This workspace has no {what} with that id. It may belong to another workspace, or it has not reported yet.</p>
      {suggestions.length > 0 && (
        <p>
          Did you mean{' '}
          {suggestions.map((s, i) => (
            <span key={s}>
              {i > 0 && ', '}
              <a href={`${base}${encodeURIComponent(s)}${location.search}`} onClick={followLink} className="mono">
                {s}
              </a>
            </span>
          ))}
          ?
        </p>
      )}
      <a href="/" onClick={followLink}>
        See all destinations
      </a>
    </section>
  );
}

function RangeProblem({ detail }: { detail: string }) {
  const zone = browserTimeZone();
  const now = Date.now();
  return (
    <section className="panel problem" data-problem="range" aria-labelledby="problem-title">
      <h2 id="problem-title">This time range is not available</h2>
      <p>{detail}</p>
      <p>
        Ranges must lie inside the last 14 days: from {dateText(now - 14 * DAY, zone)} to now ({zone}).
      </p>
      <a href={withParams({ range: 'LAST_24_HOURS', from: null, to: null })} onClick={followLink}>
        Show the last 24 hours instead
      </a>
    </section>
  );
}

function ZoneProblem({ asked }: { asked: string }) {
  const browser = browserTimeZone();
  return (
    <section className="panel problem" data-problem="zone" aria-labelledby="problem-title">
      <h2 id="problem-title">Unknown time zone “{asked.slice(0, 64)}”</h2>
      <p>Times are shown in an IANA time zone such as Europe/Berlin or America/New_York. Pick one from the list, or use this browser’s zone.</p>
      <div className="controls">
        <ZonePicker zone={browser} />
        <a href={withParams({ tz: null })} onClick={followLink}>
          Use {browser}
        </a>
      </div>
    </section>
  );
}
