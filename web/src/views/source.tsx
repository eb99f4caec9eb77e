import { useSnapshot } from '../api/snapshot';
import { SourcePageDocument, type PipelineStepKind, type SourcePageQuery } from '../gql/graphql';
import { Pipeline } from '../components/pipeline';
import { TableScroller } from '../components/table-parts';
import { ViewProblem } from '../components/view-problem';
import { ViewStatus } from '../components/view-status';
import { formatCount, formatShare } from '../format';
import { followLink, useRoute } from '../route';
import { ViewTitle } from '../components/skeleton';
import { parseDestinationState, rangeInput, type DestinationState } from '../state';
import { RangeControls, RangeLine, rangeQuery } from './destination-head';

type Source = NonNullable<SourcePageQuery['source']>;
type Row = Source['destinations'][number];

const SOURCE_LAYOUT: PipelineStepKind[] = ['SUCCESSFULLY_RECEIVED', 'FAILED_ON_INGEST', 'FILTERED_AT_SOURCE'];

/**
 * One source (/sources/<id>?range=…): its own steps, and what each connected destination did
 * with its events. Range, zone, lookback and view live in the address as on the destination page.
 */
export function SourcePage({ id }: { id: string }) {
  const { params } = useRoute();
  const state = parseDestinationState(params);
  const variables = state.zoneProblem || state.rangeProblem ? null : { id, range: rangeInput(state.range, state.timeZone, state.lookback) };
  const snapshot = useSnapshot(SourcePageDocument, variables && JSON.stringify(variables), variables);
  const source = snapshot.data?.source;
  const problem = state.zoneProblem
    ? { zone: state.zoneProblem }
    : state.rangeProblem
      ? { range: state.rangeProblem }
      : snapshot.error && !snapshot.data
        ? { error: snapshot.error }
        : null;
  return (
    <div className="destination" data-view="source">
      <SourceHeader id={id} source={source ?? undefined} failed={Boolean(problem)} state={state} />
      {problem ? (
        <ViewProblem problem={problem} what="source" id={id} retry={snapshot.retry} />
      ) : (
        <>
          <ViewStatus
            asOf={snapshot.asOf}
            updating={snapshot.updating}
            error={snapshot.error}
            retry={snapshot.retry}
            timeZone={state.timeZone}
            live="This view does not follow live changes: reload it for newer numbers."
          />
          <RangeLine pipeline={source?.pipeline} state={state} />
          <Pipeline
            steps={source?.pipeline.steps ?? null}
            layout={SOURCE_LAYOUT}
            view={state.view}
            selected={null}
            onSelect={() => undefined}
            readOnly
            mappingName={null}
            retry={null}
          />
          <DestinationTable rows={source?.destinations ?? null} state={state} />
        </>
      )}
    </div>
  );
}

function SourceHeader({ id, source, failed, state }: { id: string; source: Source | undefined; failed: boolean; state: DestinationState }) {
  return (
    <div className="page-head destination-head">
      <div>
        <ViewTitle name={source?.name ?? (failed ? id : null)} badge={source ? 'source' : null} />
        <p className="subtle">
          <span className="mono">{id}</span>
        </p>
      </div>
      <div className="controls">
        <RangeControls state={state} />
      </div>
    </div>
  );
}

/** The destination-side boxes a row shows, per kind: delivered, failed, filtered. */
function cellsOf(row: Row) {
  const step = (kinds: PipelineStepKind[]) => row.pipeline.steps.find((s) => kinds.includes(s.kind)) ?? null;
  return [
    { column: 'delivered', step: step(['SUCCESSFUL_DELIVERY', 'EVENTS_TO_WAREHOUSE_ROWS']) },
    { column: 'failed', step: step(['FAILED_DELIVERY']) },
    { column: 'filtered', step: step(['FILTERED_AT_DESTINATION', 'FILTERED_AT_MAPPING']) },
  ];
}

function DestinationTable({ rows, state }: { rows: Row[] | null; state: DestinationState }) {
  return (
    <section className="panel" aria-labelledby="source-destinations">
      <h2 id="source-destinations" className="panel-title">
        Connected destinations
      </h2>
      <TableScroller label="Connected destinations">
        <table className="table">
          <caption className="visually-hidden">
            What each connected destination did with this source's events; shares are of the destination's first step for this source
          </caption>
          <thead>
            <tr>
              <th scope="col">Destination</th>
              <th scope="col" className="num">
                Delivered
              </th>
              <th scope="col" className="num">
                Failed
              </th>
              <th scope="col" className="num">
                Filtered
              </th>
            </tr>
          </thead>
          <tbody>
            {rows?.map((row) => (
              <tr key={row.destination.id} data-destination={row.destination.id}>
                <th scope="row">
                  <a href={`/destinations/${encodeURIComponent(row.destination.id)}${rangeQuery(state)}`} onClick={followLink} className="row-link">
                    {row.destination.name}
                  </a>
                  <span className="kind-badge">{row.destination.kind.toLowerCase()}</span>
                </th>
                {cellsOf(row).map(({ column, step }) => (
                  <td key={column} className="num" data-column={column} data-step={step?.kind} data-count={step?.count}>
                    {step ? (
                      <>
                        {formatCount(step.count)} <span className="unit">{formatShare(step.share)}</span>
                      </>
                    ) : (
                      <span className="muted">n/a</span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroller>
      {rows && rows.length === 0 && <p className="empty-state">No destination has reported events of this source yet.</p>}
    </section>
  );
}
