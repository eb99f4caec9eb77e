/**
 * The received-step filters of the destination view, as they live in the address:
 * `eventType`, `eventName` and `appVersion` may repeat (any of the values), `enriched` is
 * `yes` or `no`. Every panel and the live updates are narrowed by the same EventFilter.
 */
import type { EventFilter } from './gql/graphql';

export type FilterDimension = 'eventType' | 'eventName' | 'appVersion';

export interface EventFilters {
  eventType: string[];
  eventName: string[];
  appVersion: string[];
  enriched: boolean | null;
}

export const FILTER_DIMENSIONS: { key: FilterDimension; label: string }[] = [
  { key: 'eventType', label: 'Event type' },
  { key: 'eventName', label: 'Event name' },
  { key: 'appVersion', label: 'App version' },
];

const unique = (values: string[]) => [...new Set(values.filter((v) => v !== ''))];

export function parseFilters(params: URLSearchParams): EventFilters {
  const enriched = params.get('enriched');
  return {
    eventType: unique(params.getAll('eventType')),
    eventName: unique(params.getAll('eventName')),
    appVersion: unique(params.getAll('appVersion')),
    enriched: enriched === 'yes' ? true : enriched === 'no' ? false : null,
  };
}

export function hasFilters(filters: EventFilters): boolean {
  return filters.eventType.length + filters.eventName.length + filters.appVersion.length > 0 || filters.enriched !== null;
}

/** The API's EventFilter, or null when nothing is filtered (an empty list would match nothing). */
export function eventFilter(filters: EventFilters): EventFilter | null {
  if (!hasFilters(filters)) return null;
  const filter: EventFilter = {};
  if (filters.eventType.length) filter.eventTypes = filters.eventType;
  if (filters.eventName.length) filter.eventNames = filters.eventName;
  if (filters.appVersion.length) filter.appVersions = filters.appVersion;
  if (filters.enriched !== null) filter.enriched = filters.enriched;
  return filter;
}

/** The address `here` with one filter value added or removed (repeatable parameters). */
export function filterHref(here: { pathname: string; search: string }, dimension: FilterDimension | 'enriched', value: string | null, add: boolean): string {
  const params = new URLSearchParams(here.search);
  if (dimension === 'enriched') {
    if (add && value) params.set('enriched', value);
    else params.delete('enriched');
  } else {
    const kept = params.getAll(dimension).filter((v) => v !== value);
    params.delete(dimension);
    for (const v of add && value !== null ? [...kept, value] : kept) params.append(dimension, v);
  }
  // Filters change every number: a step's reason or samples may not exist under the new ones.
  params.delete('reason');
  params.delete('samples');
  const query = params.toString();
  return here.pathname + (query ? `?${query}` : '');
}
