/**
 * What the Delivery Overview page sends, built from the page's own code so the mix cannot
 * drift from it: the generated typed documents (web/src/gql, from web/src/operations) and
 * the page's own variable builders (web/src/state.ts), fed the same address a reader opens.
 * Which requests go together follows the views (web/src/views): the overview sends one
 * request; the destination page sends DestinationView twice: the pipeline alone (the boot
 * module's request, which draws it), then with its open panels (the movers and the latency
 * line); a click on a discard step sends DestinationView once more with that step's panels
 * (its samples come in the same answer, so opening them sends nothing).
 * Subscriptions the views open (PipelineChanged, alert events) are not part of a page load
 * here: they are graphql-ws, measured by the fan-out section.
 */
import { DestinationViewDocument, OverviewDocument, type PipelineStepKind } from '../../web/src/gql/graphql';
import { overviewVariables, parseDestinationState } from '../../web/src/state';
import { DISCARD_STEPS } from '../../web/src/steps.generated';
import { destinationViewVariables } from '../../web/src/views/destination-query';

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

/** `/destinations/<id>` with no step open: the pipeline alone, then the view with its panels. */
export function destinationLoad(id: string, search = ''): PageLoad {
  const state = parseDestinationState(new URLSearchParams(search));
  return {
    kind: 'destination',
    waves: [
      [request('DestinationView', DestinationViewDocument, destinationViewVariables(id, state, false))],
      [request('DestinationView', DestinationViewDocument, destinationViewVariables(id, state, true))],
    ],
  };
}

/** A click on discard step `step` of a destination page (`?step=…`): the view's one request with that step's panels. */
export function discardsLoad(id: string, step: PipelineStepKind, search = ''): PageLoad {
  const params = new URLSearchParams(search);
  params.set('step', step);
  const state = parseDestinationState(params);
  return { kind: 'discards', waves: [[request('DestinationView', DestinationViewDocument, destinationViewVariables(id, state, true))]] };
}

/** The discard steps a reader can click in a DestinationPage answer (red boxes with events first). */
export function discardStepsOf(data: unknown): PipelineStepKind[] {
  const steps =
    (data as { destination?: { pipeline?: { steps?: { kind: PipelineStepKind; isDiscard: boolean; count: number | null }[] } } } | null)?.destination?.pipeline
      ?.steps ?? [];
  const clickable = steps.filter((s) => s.isDiscard && DISCARD_STEPS.has(s.kind));
  return [...clickable.filter((s) => (s.count ?? 0) > 0), ...clickable.filter((s) => !((s.count ?? 0) > 0))].map((s) => s.kind);
}
