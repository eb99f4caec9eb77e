/**
 * What a replay of the destination view's selection asks for: the view's destination, range,
 * mapping and event filter, the failed-delivery step, and a reason or a list of message ids.
 * The lookback is off: a replay wants every failure known so far (the API's default too).
 */
import type { ReplayInput } from './gql/graphql';
import { eventFilter } from './filters';
import { rangeInput, type DestinationState } from './state';

export interface ReplayNarrowing {
  reason?: string | null;
  messageIds?: string[];
}

export function replayInputOf(destinationId: string, state: DestinationState, narrowing: ReplayNarrowing = {}): ReplayInput {
  return {
    destinationId,
    range: rangeInput(state.range, state.timeZone, false),
    mappingId: state.mapping,
    filter: eventFilter(state.filters),
    step: 'FAILED_DELIVERY',
    ...(narrowing.reason ? { reason: narrowing.reason } : {}),
    ...(narrowing.messageIds ? { messageIds: narrowing.messageIds } : {}),
  };
}
