/**
 * The destination page's state, read from and written to the address: range, zone, mapping,
 * step, reason, view, lookback, and which side panel is open.
 */
import type { Granularity, OverviewQueryVariables, PipelineStepKind, TimeRangeInput, TimeRangePreset } from './gql/graphql';
import { parseFilters, type EventFilters } from './filters';
import { zoneFromParams } from './zone';

export const PRESETS: { value: TimeRangePreset; label: string; short: string; minutes: number }[] = [
  { value: 'LAST_10_MINUTES', label: 'Last 10 minutes', short: '10 min', minutes: 10 },
  { value: 'LAST_HOUR', label: 'Last hour', short: '1 h', minutes: 60 },
  { value: 'LAST_24_HOURS', label: 'Last 24 hours', short: '24 h', minutes: 1440 },
  { value: 'LAST_7_DAYS', label: 'Last 7 days', short: '7 d', minutes: 10_080 },
  { value: 'LAST_2_WEEKS', label: 'Last 2 weeks', short: '2 w', minutes: 20_160 },
];

export const DEFAULT_PRESET: TimeRangePreset = 'LAST_24_HOURS';

export type RangeChoice = { preset: TimeRangePreset } | { from: string; to: string };

export interface DestinationState {
  range: RangeChoice;
  /** The address's range could not be read (an unknown preset, a custom range without valid ends): the default is used meanwhile. */
  rangeProblem: string | null;
  timeZone: string;
  /** The address names a zone the browser does not know (`tz=Not/AZone`); the browser's zone is used meanwhile. */
  zoneProblem: string | null;
  filters: EventFilters;
  mapping: string | null;
  step: PipelineStepKind | null;
  reason: string | null;
  view: 'percent' | 'counts';
  lookback: boolean;
  /** The reason whose samples are open in the side panel. */
  samples: string | null;
  /** The sync whose detail is open. */
  sync: string | null;
  /** The catalogue entry (anchor) open in the docs panel. */
  doc: string | null;
}

const STEP_KINDS = new Set<string>([
  'SUCCESSFULLY_RECEIVED',
  'FAILED_ON_INGEST',
  'FILTERED_AT_SOURCE',
  'FILTERED_AT_DESTINATION',
  'RETRY_PENDING',
  'FAILED_DELIVERY',
  'SUCCESSFUL_DELIVERY',
  'EVENTS_TO_WAREHOUSE_ROWS',
  'FAILED_TO_SYNC',
  'SUCCESSFULLY_SYNCED',
  'RECORDS_EXTRACTED',
  'FAILED_TO_EXTRACT',
  'FILTERED_AT_MAPPING',
  'MEMBERSHIP_CHANGES_COMPUTED',
]);

export function parseRange(params: URLSearchParams): RangeChoice {
  return readRange(params).range;
}

/** The range of the address, and what was wrong with it when it could not be read. */
export function readRange(params: URLSearchParams): { range: RangeChoice; problem: string | null } {
  const range = params.get('range');
  const from = params.get('from');
  const to = params.get('to');
  if (range === 'custom') {
    if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to))) return { range: { from, to }, problem: null };
    return { range: { preset: DEFAULT_PRESET }, problem: 'The custom range in the address has no valid start and end.' };
  }
  const preset = PRESETS.find((p) => p.value === range);
  if (range !== null && !preset)
    return { range: { preset: DEFAULT_PRESET }, problem: `The address asks for a range the page does not offer (“${range.slice(0, 40)}”).` };
  return { range: { preset: preset?.value ?? DEFAULT_PRESET }, problem: null };
}

export function parseDestinationState(params: URLSearchParams): DestinationState {
  const step = params.get('step');
  const { range, problem } = readRange(params);
  const zone = zoneFromParams(params);
  return {
    range,
    rangeProblem: problem,
    timeZone: zone.zone,
    zoneProblem: zone.problem,
    filters: parseFilters(params),
    mapping: params.get('mapping') || null,
    step: step && STEP_KINDS.has(step) ? (step as PipelineStepKind) : null,
    reason: params.get('reason') || null,
    view: params.get('view') === 'counts' ? 'counts' : 'percent',
    lookback: params.get('lookback') !== 'off',
    samples: params.get('samples') || null,
    sync: params.get('sync') || null,
    doc: params.get('doc') || null,
  };
}

export function rangeInput(range: RangeChoice, timeZone: string, lookback: boolean): TimeRangeInput {
  return 'preset' in range ? { preset: range.preset, timeZone, lookback } : { from: range.from, to: range.to, timeZone, lookback };
}

export function rangeMinutes(range: RangeChoice): number {
  if ('preset' in range) return PRESETS.find((p) => p.value === range.preset)!.minutes;
  return Math.max(1, (Date.parse(range.to) - Date.parse(range.from)) / 60_000);
}

/** Buckets a chart can show legibly: minutes up to 4 h (the API's limit), hours up to 7 days. */
export function granularityFor(range: RangeChoice): Granularity {
  const minutes = rangeMinutes(range);
  // Every bucket of every series is a point the API prices: minutes only up to an hour.
  if (minutes <= 60) return 'MINUTE';
  if (minutes <= 10_080) return 'HOUR';
  return 'DAY';
}

export const DISCARD_STEPS = new Set<PipelineStepKind>([
  'FAILED_ON_INGEST',
  'FILTERED_AT_SOURCE',
  'FAILED_TO_EXTRACT',
  'FILTERED_AT_DESTINATION',
  'FILTERED_AT_MAPPING',
  'FAILED_DELIVERY',
]);
export const DESTINATION_SIDE_STEPS = new Set<PipelineStepKind>([
  'FILTERED_AT_DESTINATION',
  'FILTERED_AT_MAPPING',
  'RETRY_PENDING',
  'FAILED_DELIVERY',
  'SUCCESSFUL_DELIVERY',
]);
/** The first box of each kind: every share is a percent of it, and it opens the breakdown (and the sync runs). */
export const ENTRY_STEPS = new Set<PipelineStepKind>(['SUCCESSFULLY_RECEIVED', 'RECORDS_EXTRACTED', 'MEMBERSHIP_CHANGES_COMPUTED']);
export const SYNC_STEPS = new Set<PipelineStepKind>(['FAILED_TO_SYNC', 'SUCCESSFULLY_SYNCED']);

/** Step names as the pipeline shows them (the API's labels), for skeletons and insights. */
export const STEP_LABELS: Partial<Record<PipelineStepKind, string>> = {
  SUCCESSFULLY_RECEIVED: 'Successfully received',
  FAILED_ON_INGEST: 'Failed on ingest',
  FILTERED_AT_SOURCE: 'Filtered at source',
  FILTERED_AT_DESTINATION: 'Filtered at destination',
  FAILED_DELIVERY: 'Failed delivery',
  SUCCESSFUL_DELIVERY: 'Successful delivery',
  EVENTS_TO_WAREHOUSE_ROWS: 'Events to warehouse rows',
  FAILED_TO_SYNC: 'Failed to sync',
  SUCCESSFULLY_SYNCED: 'Successfully synced',
  RECORDS_EXTRACTED: 'Records extracted',
  FAILED_TO_EXTRACT: 'Failed to extract',
  FILTERED_AT_MAPPING: 'Filtered at mapping',
  MEMBERSHIP_CHANGES_COMPUTED: 'Membership changes computed',
};

/** The overview's one request: presets only, trend in minutes for short ranges, else hours. */
export function overviewVariables(params: URLSearchParams): OverviewQueryVariables & { range: { preset: TimeRangePreset } } {
  const range = parseRange(params);
  const preset = 'preset' in range ? range.preset : DEFAULT_PRESET;
  return { range: { preset, timeZone: zoneFromParams(params).zone }, granularity: granularityFor({ preset }) === 'MINUTE' ? 'MINUTE' : 'HOUR' };
}
