import type { ReportStep } from '../../domain/steps';
import type { Dimension } from '../../metrics/timeseries.query';

/** One endpoint of the reference's delivery-overview API: the step it counts and what it takes. */
export interface CompatEndpoint {
  path: string;
  step: ReportStep;
  /** Destination-side endpoints take `destinationConfigId` (required) and `subscriptionId`. */
  destinationSide: boolean;
  /** What `groupBy` and `filter` accept here. */
  dimensions: readonly CompatDimension[];
}

/** The reference's dimension names and ours. */
export const COMPAT_DIMENSIONS = {
  eventName: 'EVENT_NAME',
  eventType: 'EVENT_TYPE',
  appVersion: 'APP_VERSION',
  discardReason: 'REASON',
} as const satisfies Record<string, Dimension>;
export type CompatDimension = keyof typeof COMPAT_DIMENSIONS;

const EVENT_DIMENSIONS: readonly CompatDimension[] = ['eventName', 'eventType', 'appVersion'];
const DISCARD_DIMENSIONS: readonly CompatDimension[] = [...EVENT_DIMENSIONS, 'discardReason'];

/**
 * The six endpoints under /compat/segment/delivery-overview/. Steps that discard carry
 * a reason; the two that do not (received, delivered) take no `discardReason` (the
 * reference's successful-delivery reads retry attempts from it, which this gateway
 * does not record).
 */
export const COMPAT_ENDPOINTS: Record<string, CompatEndpoint> = Object.fromEntries(
  (
    [
      ['successfully-received', 'received', false, EVENT_DIMENSIONS],
      ['failed-on-ingest', 'failed_ingest', false, DISCARD_DIMENSIONS],
      ['filtered-at-source', 'filtered_source', false, DISCARD_DIMENSIONS],
      ['filtered-at-destination', 'filtered_destination', true, DISCARD_DIMENSIONS],
      ['failed-delivery', 'failed_delivery', true, DISCARD_DIMENSIONS],
      ['successful-delivery', 'delivered', true, EVENT_DIMENSIONS],
    ] as const
  ).map(([path, step, destinationSide, dimensions]) => [path, { path, step, destinationSide, dimensions }]),
);

export const COMPAT_PREFIX = '/compat/segment/delivery-overview/';
