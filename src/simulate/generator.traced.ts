/**
 * The scripted message of the demo (TracedMessage): one event with a fixed id, so the docs can
 * show `trace` on an id that exists in every demo. No randomness: it looks the same in every run.
 */
import { routeMapping, type TracedMessage } from './model';
import { MINUTE } from './generator.time';
import type { RawDelivery } from './generator.types';
import type { SourceState } from './generator.world';

/** The reports of the scripted messages received in minute `m` by this source. */
export function emitTracedMessages(out: RawDelivery[], state: SourceState, m: number): void {
  for (const message of state.traced) {
    if (Math.floor(message.start / MINUTE) * MINUTE === m) emitTraced(out, state, message);
  }
}

function emitTraced(out: RawDelivery[], state: SourceState, message: TracedMessage): void {
  const t = message.start;
  const event = { type: 'track' as const, name: message.eventName };
  const row = (
    time: number,
    step: RawDelivery['step'],
    destinationId = '',
    destinationKind: RawDelivery['destinationKind'] = '',
    mappingId = '',
    reason = '',
  ): RawDelivery => ({
    time,
    origin: t,
    sourceId: state.source.id,
    destinationId,
    destinationKind,
    mappingId,
    step,
    reason,
    eventType: event.type,
    eventName: event.name,
    appVersion: message.appVersion,
    enriched: false,
    count: 1,
    messageId: message.id,
    sample: null,
  });
  out.push(row(t, 'received'));
  for (const { dest } of state.destinations) {
    const mapping = dest.kind === 'actions' ? routeMapping(dest, event.type, event.name) : null;
    if (dest.blockedEventNames.includes(event.name) || (dest.kind === 'actions' && !mapping)) {
      out.push(
        row(t + 2_000, 'filtered_destination', dest.id, dest.kind, '', dest.kind === 'actions' && !mapping ? 'NO_MATCHING_MAPPING' : 'FILTERED_BY_RULES'),
      );
      continue;
    }
    const mappingId = mapping ? mapping.id : '';
    if (dest.id === message.retryAt) {
      // The first attempt is rate limited; the retry three minutes later gets through.
      out.push(row(t + 1_000, 'retry_enqueued', dest.id, dest.kind, mappingId, '429'));
      out.push(row(t + 3 * MINUTE, 'retry_resolved', dest.id, dest.kind, mappingId, '429'));
      out.push(row(t + 3 * MINUTE, 'delivered', dest.id, dest.kind, mappingId));
    } else {
      out.push(row(t + 2_000, 'delivered', dest.id, dest.kind, mappingId));
    }
  }
}
