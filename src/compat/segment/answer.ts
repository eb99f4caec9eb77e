import type { SeriesList } from '../../metrics/timeseries.query';
import { cursorOf, type CompatRequest } from './params';

/** The reference's `DeliveryOverviewMetricsDataset`: the grouped dimensions, the total, the buckets. */
export interface CompatDataset {
  eventName?: string;
  appVersion?: string;
  eventType?: string;
  discardReason?: string;
  total: number;
  series: { time: string; count: number }[];
}

/** The reference's `GetEgressFailedMetricsFromDeliveryOverview200Response`, which all six endpoints answer with. */
export interface CompatAnswer {
  data: {
    total: number;
    dataset: CompatDataset[];
    pagination: { current: string; next: string | null; previous: string | null; totalEntries: number };
  };
}

/**
 * One page of the grouped dataset: the engine read only the page's series (`count` of
 * them from the cursor's offset, largest total first, then the group values). `total`
 * counts every event of the request, on every page.
 */
export function compatAnswer(list: SeriesList, request: CompatRequest): CompatAnswer {
  const { offset, count } = request;
  const page = list.series.map((s): CompatDataset => {
    const groups: Omit<CompatDataset, 'total' | 'series'> = {};
    if (request.groupBy.includes('eventName')) groups.eventName = s.eventName ?? '';
    if (request.groupBy.includes('appVersion')) groups.appVersion = s.appVersion ?? '';
    if (request.groupBy.includes('eventType')) groups.eventType = s.eventType ?? '';
    if (request.groupBy.includes('discardReason')) groups.discardReason = s.reason ?? '';
    return { ...groups, total: s.total, series: s.points.map((p) => ({ time: p.at.toISOString(), count: p.count })) };
  });
  return {
    data: {
      total: list.total,
      dataset: page,
      pagination: {
        current: cursorOf(offset),
        next: offset + count < list.seriesCount ? cursorOf(offset + count) : null,
        previous: offset > 0 ? cursorOf(Math.max(0, offset - count)) : null,
        totalEntries: list.seriesCount,
      },
    },
  };
}
