import { usePipelineWatch } from '../api/live-refresh';
import { useSnapshot, type Snapshot } from '../api/snapshot';
import { mayReplay, useRememberViewer, useViewer } from '../api/viewer';
import {
  DestinationViewDocument,
  type DestinationViewQuery,
  type DestinationViewQueryVariables,
  type PipelineFieldsFragment,
  type PipelineStepKind,
} from '../gql/graphql';
import { Pipeline } from '../components/pipeline';
import { Insights } from '../components/insights';
import { LatencyLine } from '../components/latency-line';
import { ViewProblem, type Problem } from '../components/view-problem';
import { ViewStatus } from '../components/view-status';
import { hasFilters } from '../filters';
import { formatRange } from '../format';
import { setParams, useRoute } from '../route';
import { parseDestinationState, type DestinationState } from '../state';
import { DestinationHeader, RangeLine } from './destination-head';
import { destinationViewVariables, viewIdentity } from './destination-query';
import { StepDetail, type Panels } from './step-detail';
import { LiveTail } from './live-tail';

export { RangeControls, RangeLine, rangeQuery } from './destination-head';

type ViewSnapshot = Snapshot<DestinationViewQuery, DestinationViewQueryVariables>;

const CLASSIC_LAYOUT: PipelineStepKind[] = [
  'SUCCESSFULLY_RECEIVED',
  'FAILED_ON_INGEST',
  'FILTERED_AT_SOURCE',
  'FILTERED_AT_DESTINATION',
  'RETRY_PENDING',
  'FAILED_DELIVERY',
  'SUCCESSFUL_DELIVERY',
];

/** The panels of the snapshot that answer what the view shows now (a drill-down may still be on its way). */
function panelsOf(
  snapshot: ViewSnapshot,
  wanted: DestinationViewQueryVariables,
): Panels & { insights?: NonNullable<DestinationViewQuery['destination']>['insights']; latency?: NonNullable<DestinationViewQuery['destination']>['latency'] } {
  const answered = snapshot.answered;
  const d = snapshot.data?.destination;
  if (!answered || !d) return {};
  const sameStep = answered.step === wanted.step;
  return {
    insights: answered.withInsights ? (d.insights ?? undefined) : undefined,
    latency: answered.withLatency ? (d.latency ?? undefined) : undefined,
    discards: answered.withDiscards && sameStep ? (d.discards ?? undefined) : undefined,
    breakdown: answered.withBreakdown && sameStep && answered.reason === wanted.reason ? (d.breakdown ?? undefined) : undefined,
    series:
      answered.withSeries && sameStep && JSON.stringify(answered.seriesGroupBy) === JSON.stringify(wanted.seriesGroupBy)
        ? (d.timeseries ?? undefined)
        : undefined,
    syncs: answered.withSyncs ? (d.syncs ?? undefined) : undefined,
    syncRuns: answered.withSyncRuns ? (d.syncRuns ?? undefined) : undefined,
    replay: answered.withReplay && wanted.withReplay && sameStep ? (snapshot.data?.replayPreview ?? undefined) : undefined,
  };
}

function clientProblem(state: DestinationState): Problem | null {
  if (state.zoneProblem) return { zone: state.zoneProblem };
  if (state.rangeProblem) return { range: state.rangeProblem };
  return null;
}

/**
 * One destination (/destinations/<id>?range=…): header, pipeline and the selected step's
 * panels, all from one snapshot that a live change of the pipeline refreshes as a whole.
 */
export function DestinationPage({ id }: { id: string }) {
  const { params } = useRoute();
  const state = parseDestinationState(params);
  const problem = clientProblem(state);
  // Known once any answer brought it; until then the view does not ask for the replay preview.
  const viewer = useViewer(false);
  const variables = problem ? null : destinationViewVariables(id, state, true, mayReplay(viewer));
  const snapshot = useSnapshot(
    DestinationViewDocument,
    problem ? null : viewIdentity(id, state),
    variables,
    problem ? undefined : destinationViewVariables(id, state, false),
  );
  useRememberViewer(snapshot.data?.viewer);
  const destination = snapshot.data?.destination ?? undefined;
  const rolling = 'preset' in state.range;
  usePipelineWatch(
    rolling && destination && variables ? { destinationId: id, range: variables.range, mappingId: state.mapping, filter: variables.filter } : null,
    destination?.pipeline,
    snapshot.refresh,
  );
  const shownProblem = problem ?? (snapshot.error && !snapshot.data ? { error: snapshot.error } : null);
  return (
    <div className="destination" data-view="destination">
      <DestinationHeader id={id} destination={shownProblem ? undefined : destination} state={state} failed={Boolean(shownProblem)} />
      {shownProblem ? (
        <ViewProblem problem={shownProblem} what="destination" id={id} retry={snapshot.retry} />
      ) : (
        <DestinationBody id={id} state={state} snapshot={snapshot} wanted={variables!} rolling={rolling} />
      )}
    </div>
  );
}

function DestinationBody({
  id,
  state,
  snapshot,
  wanted,
  rolling,
}: {
  id: string;
  state: DestinationState;
  snapshot: ViewSnapshot;
  wanted: DestinationViewQueryVariables;
  rolling: boolean;
}) {
  const destination = snapshot.data?.destination ?? undefined;
  const pipeline = destination?.pipeline;
  const panels = panelsOf(snapshot, wanted);
  const mappingName = destination?.mappings.find((m) => m.id === state.mapping)?.name ?? null;
  const select = (kind: PipelineStepKind) => setParams({ step: state.step === kind ? null : kind, reason: null, samples: null, sync: null, doc: null });
  const live = rolling ? true : 'A fixed (custom) range: its numbers do not follow live changes; the retry gauge does.';
  return (
    <>
      <ViewStatus asOf={snapshot.asOf} updating={snapshot.updating} error={snapshot.error} retry={snapshot.retry} timeZone={state.timeZone} live={live} />
      <RangeLine pipeline={pipeline} state={state} />
      <Pipeline
        steps={pipeline?.steps ?? null}
        layout={pipeline?.steps.map((s) => s.kind) ?? CLASSIC_LAYOUT}
        view={state.view}
        selected={state.step}
        onSelect={select}
        mappingName={mappingName}
        retry={
          destination?.kind === 'STORAGE' ? null : { count: pipeline?.retryPending, follow: rolling ? null : { destinationId: id, mappingId: state.mapping } }
        }
      />
      {pipeline && isEmpty(pipeline) && (
        <p className="notice" role="status">
          No reports for this destination between {formatRange(pipeline.from, pipeline.to, state.timeZone)}
          {hasFilters(state.filters) ? ' that match the filters' : ''}.
          {state.lookback && ' The last 5 minutes are held back by the lookback; include them to see the newest reports.'}
        </p>
      )}
      {destination && destination.kind !== 'STORAGE' && <LatencyLine latency={panels.latency} filtered={hasFilters(state.filters)} />}
      {destination &&
        pipeline &&
        (state.step ? (
          <StepDetail
            destinationId={id}
            pipeline={pipeline}
            state={state}
            panels={panels}
            mappingName={mappingName}
            mappingNames={new Map(destination.mappings.map((m) => [m.id, m.name]))}
            sourceNames={new Map(destination.sources.map((s) => [s.id, s.name]))}
          />
        ) : (
          <Insights insights={panels.insights} />
        ))}
      {destination && <LiveTail destinationId={id} state={state} mappingNames={new Map(destination.mappings.map((m) => [String(m.id), m.name]))} />}
    </>
  );
}

function isEmpty(pipeline: PipelineFieldsFragment): boolean {
  return pipeline.steps.every((s) => s.count === 0);
}
