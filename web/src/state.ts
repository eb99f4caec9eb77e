/**
 * The destination page's state, read from and written to the address: range, zone, mapping,
 * step, reason, view, lookback, and which side panel is open.
 */
import type { Granularity, OverviewQueryVariables, PipelineStepKind, TimeRangeInput, TimeRangePreset } from './gql/graphql';
import { parseFilters, type EventFilters } from './filters';
import { zoneFromParams } from './zone';
import { STEP_KINDS } from './steps.generated';

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
    step: step && STEP_KINDS.has(step as PipelineStepKind) ? (step as PipelineStepKind) : null,
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

/** The overview's one request: presets only, trend in minutes for short ranges, else hours. */
export function overviewVariables(params: URLSearchParams): OverviewQueryVariables & { range: { preset: TimeRangePreset } } {
  const range = parseRange(params);
  const preset = 'preset' in range ? range.preset : DEFAULT_PRESET;
  return { range: { preset, timeZone: zoneFromParams(params).zone }, granularity: granularityFor({ preset }) === 'MINUTE' ? 'MINUTE' : 'HOUR' };
}
