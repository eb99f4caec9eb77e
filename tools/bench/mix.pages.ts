/**
 * What the Delivery Overview page sends, built from the page's own code so the mix cannot
 * drift from it: the generated typed documents (web/src/gql, from web/src/operations) and
 * the page's own variable builders (web/src/state.ts), fed the same address a reader opens.
 * Which requests go together follows the views (web/src/views): the overview sends one
 * request; the destination page sends DestinationPage, and Insights once that answer has
 * drawn the pipeline (Insights mounts under it); a click on a discard step sends Discards
 * (its samples come in the same answer, so opening them sends nothing).
 * Subscriptions the destination page opens (PipelineLive, RetryPendingLive) are not part of
 * a page load here: they are graphql-ws, measured by the fan-out section.
 */
import { DestinationPageDocument, DiscardsDocument, InsightsDocument, OverviewDocument, type PipelineStepKind } from '../../web/src/gql/graphql';
import { DISCARD_STEPS, destinationPageVariables, granularityFor, overviewVariables, parseDestinationState, rangeInput } from '../../web/src/state';

export type PageLoadKind = 'overview' | 'destination' | 'discards';
export const PAGE_LOAD_KINDS: readonly PageLoadKind[] = ['overview', 'destination', 'discards'];

/** One GraphQL request as the page's client sends it (web/src/api/client.ts). */
export interface PageRequest {
  operation: string;
  body: string;
}

/** A page load: waves of requests; a wave's requests go at once, the next wave once every answer is in. */
export interface PageLoad {
  kind: PageLoadKind;
  waves: PageRequest[][];
}

const request = (operation: string, document: { toString(): string }, variables: unknown): PageRequest => ({
  operation,
  // The exact body web/src/api/client.ts posts.
  body: JSON.stringify({ query: document.toString(), variables }),
});

/** `/` (optionally `?range=…`): the overview's one request. */
export function overviewLoad(search = ''): PageLoad {
  return { kind: 'overview', waves: [[request('Overview', OverviewDocument, overviewVariables(new URLSearchParams(search)))]] };
}

/** `/destinations/<id>` with no step open: DestinationPage, then Insights. */
export function destinationLoad(id: string, search = ''): PageLoad {
  const state = parseDestinationState(new URLSearchParams(search));
  const range = rangeInput(state.range, state.timeZone, state.lookback);
  return {
    kind: 'destination',
    waves: [[request('DestinationPage', DestinationPageDocument, destinationPageVariables(id, state))], [request('Insights', InsightsDocument, { id, range, mappingId: state.mapping })]],
  };
}

/** A click on discard step `step` of a destination page (`?step=…`): the DiscardView's one request. */
export function discardsLoad(id: string, step: PipelineStepKind, search = ''): PageLoad {
  const params = new URLSearchParams(search);
  params.set('step', step);
  const state = parseDestinationState(params);
  const variables = { id, step, range: rangeInput(state.range, state.timeZone, state.lookback), mappingId: state.mapping, granularity: granularityFor(state.range) };
  return { kind: 'discards', waves: [[request('Discards', DiscardsDocument, variables)]] };
}

/** The discard steps a reader can click in a DestinationPage answer (red boxes with events first). */
export function discardStepsOf(data: unknown): PipelineStepKind[] {
  const steps = (data as { destination?: { pipeline?: { steps?: { kind: PipelineStepKind; isDiscard: boolean; count: number | null }[] } } } | null)?.destination?.pipeline?.steps ?? [];
  const clickable = steps.filter((s) => s.isDiscard && DISCARD_STEPS.has(s.kind));
  return [...clickable.filter((s) => (s.count ?? 0) > 0), ...clickable.filter((s) => !((s.count ?? 0) > 0))].map((s) => s.kind);
}
