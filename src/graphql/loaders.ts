import DataLoader from 'dataloader';
import type { AlertStore, NotificationValue } from '../alerts/store';
import type { ResolvedRange } from '../domain/time-range';
import type { CatalogEntry, CatalogService, ConnectionEntry, DestinationEntry, MappingEntry } from '../metrics/catalog.service';
import { pipelineCounts, syncCounts, type PipelineRead, type RetryKey, type StepCounts, type SyncCounts } from '../metrics/pipeline.query';
import { breakdownMany, type BreakdownCount, type BreakdownDimension } from '../metrics/breakdown.query';
import type { StepScope } from '../metrics/step-scope';
import { timeseriesMany, type Dimension, type Granularity, type SeriesValue } from '../metrics/timeseries.query';
import type { WorkspaceDb } from '../metrics/workspace-db';
import { latencyMany, type LatencyValue, type OutcomeStep } from '../metrics/latency.query';
import { attemptBreakdown, attemptCounts, tupleKey, type AttemptCounts, type AttemptPeriods, type EventTuple } from '../metrics/attempts.query';
import { groupedLoader, type BatchRecorder } from './grouped-loader';
import { pipelineReads, type Load, type PipelineKey } from './pipeline-reads';
import { rangeKey, sliceKey, sliceOf, type Slice } from '../metrics/slice';

/** A source's own steps (destinationId null), or one connected destination's steps narrowed to that source. */
export interface SourcePipelineKey {
  sourceId: string;
  destinationId: string | null;
  range: ResolvedRange;
}

/** One destination's timeseries; keys that differ only in the destination share one statement. */
export interface TimeseriesKey {
  scope: StepScope;
  slice: Slice;
  granularity: Granularity;
  groupBy: readonly Dimension[];
}

/** One destination's breakdown; keys that differ only in the destination share one statement. */
export interface BreakdownKey {
  scope: StepScope;
  slice: Slice;
  reason: string | null;
  first: number;
  groupBy: readonly BreakdownDimension[];
}

/** What a pipeline's attempts read: a destination (narrowed to one source) and a slice. */
export interface AttemptScope {
  destinationId: string;
  sourceId: string | null;
  slice: Slice;
}

/** One breakdown row's attempts: the breakdown's arguments and the row's event values. */
export interface BreakdownAttemptsKey {
  scope: StepScope;
  slice: Slice;
  reason: string | null;
  groupBy: readonly BreakdownDimension[];
  tuple: EventTuple;
}

/** One destination's latency quantiles; keys that differ only in the destination share one statement. */
export interface LatencyKey {
  destinationId: string;
  step: OutcomeStep;
  slice: Slice;
  granularity: Granularity;
}

/** Per-request loaders. Each batch function returns results in key order. */
export interface Loaders {
  destination: DataLoader<string, DestinationEntry | null>;
  source: DataLoader<string, CatalogEntry | null>;
  mappingsByDestination: DataLoader<string, MappingEntry[]>;
  sourcesByDestination: DataLoader<string, ConnectionEntry[]>;
  /** The destinations each source is connected to (from the catalogue snapshot). */
  destinationsBySource: DataLoader<string, ConnectionEntry[]>;
  /** Per-source view: every source and (source, destination) pair of one range in one statement. */
  sourcePipelineCounts: DataLoader<SourcePipelineKey, StepCounts, string>;
  /** Step counts with the retry gauge, one statement for every destination of a group (pipeline-reads.ts). */
  pipelineCounts: Load<PipelineKey, PipelineRead>;
  /** The retry gauge: from a pipeline statement of the same dispatch that reads it, else one gauge statement for the rest. */
  retryPending: Load<RetryKey, number>;
  syncCounts: DataLoader<{ destinationId: string; range: ResolvedRange }, SyncCounts, string>;
  timeseries: DataLoader<TimeseriesKey, SeriesValue[], string>;
  breakdown: DataLoader<BreakdownKey, BreakdownCount[], string>;
  /** Delivered and failed events by attempt, one statement for every destination (or source-narrowed pair) of a range and mapping. */
  attempts: DataLoader<AttemptScope, AttemptCounts, string>;
  /** Every row of every destination's breakdown of one argument set in one statement. */
  breakdownAttempts: DataLoader<BreakdownAttemptsKey, AttemptPeriods, string>;
  latency: DataLoader<LatencyKey, LatencyValue, string>;
  /** Notification outcomes of alert events; uncached, since a subscription's context lives long. */
  notifications: DataLoader<string, NotificationValue[]>;
}

type Recorded = <K, V>(name: string, fn: (keys: readonly K[]) => Promise<V[]>, id: (k: K) => string) => (keys: readonly K[]) => Promise<V[]>;

export function createLoaders(wdb: WorkspaceDb, catalog: CatalogService, alerts: AlertStore, record?: BatchRecorder): Loaders {
  const recorded: Recorded =
    <K, V>(name: string, fn: (keys: readonly K[]) => Promise<V[]>, id: (k: K) => string) =>
    (keys: readonly K[]) => {
      record?.(name, keys.map(id));
      return fn(keys);
    };
  const catalogs = catalogLoaders(catalog, recorded);
  return {
    ...catalogs,
    ...sourceLoaders(wdb, catalog, recorded, record),
    ...pipelineReads(wdb, catalogs.sourcesByDestination, record),
    ...groupedMetricLoaders(wdb, record),
    ...outcomeLoaders(wdb, record),
    notifications: new DataLoader(
      recorded(
        'notifications',
        async (ids: readonly string[]) => {
          const rows = await alerts.notifications(wdb, ids);
          return ids.map((id) => rows.filter((r) => r.eventId === id));
        },
        (k) => k,
      ),
      { cache: false },
    ),
  };
}

/** One loader per catalog lookup: a row by id (null when unknown), or the rows that belong to each id. */
function catalogLoaders(
  catalog: CatalogService,
  recorded: Recorded,
): Pick<Loaders, 'destination' | 'source' | 'mappingsByDestination' | 'sourcesByDestination'> {
  const byId =
    <T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>) =>
    async (ids: readonly string[]) => {
      const rows = new Map((await fetch(ids)).map((r) => [r.id, r]));
      return ids.map((id) => rows.get(id) ?? null);
    };
  const self = (k: string) => k;
  return {
    destination: new DataLoader(
      recorded(
        'destination',
        byId((ids) => catalog.destinations(ids)),
        self,
      ),
    ),
    source: new DataLoader(
      recorded(
        'source',
        byId((ids) => catalog.sources(ids)),
        self,
      ),
    ),
    mappingsByDestination: new DataLoader(
      recorded('mappingsByDestination', async (ids: readonly string[]) => groupBy(await catalog.mappings(ids), ids, (m) => m.destinationId), self),
    ),
    sourcesByDestination: new DataLoader(
      recorded('sourcesByDestination', async (ids: readonly string[]) => groupBy(await catalog.connections(ids), ids, (c) => c.destinationId), self),
    ),
  };
}

/** The metric loaders that group keys by everything but the destination, and read each group in one statement. */
function groupedMetricLoaders(wdb: WorkspaceDb, record?: BatchRecorder): Pick<Loaders, 'syncCounts' | 'timeseries' | 'breakdown'> {
  return {
    syncCounts: groupedLoader(
      'syncCounts',
      (k) => rangeKey(k.range),
      (k) => k.destinationId,
      (keys) =>
        syncCounts(
          wdb,
          keys[0].range,
          keys.map((k) => k.destinationId),
        ),
      record,
    ),
    timeseries: groupedLoader<TimeseriesKey, SeriesValue[]>(
      'timeseries',
      (k) => JSON.stringify([k.scope.step, sliceKey(k.slice), k.slice.range.timeZone, k.granularity, k.groupBy]),
      (k) => k.scope.destinationId,
      (keys) =>
        timeseriesMany(
          wdb,
          keys.map((k) => k.scope),
          keys[0].slice,
          keys[0].granularity,
          keys[0].groupBy,
        ),
      record,
    ),
    breakdown: groupedLoader<BreakdownKey, BreakdownCount[]>(
      'breakdown',
      (k) => JSON.stringify([k.scope.step, sliceKey(k.slice), k.reason, k.first, k.groupBy]),
      (k) => k.scope.destinationId,
      (keys) =>
        breakdownMany(
          wdb,
          keys.map((k) => k.scope),
          keys[0].slice,
          keys[0].reason,
          keys[0].first,
          keys[0].groupBy,
        ),
      record,
    ),
  };
}

/** The per-source view's loaders: connections by source, and every source's and (source, destination) pair's counts of one range in one statement. */
function sourceLoaders(
  wdb: WorkspaceDb,
  catalog: CatalogService,
  recorded: Recorded,
  record?: BatchRecorder,
): Pick<Loaders, 'destinationsBySource' | 'sourcePipelineCounts'> {
  return {
    destinationsBySource: new DataLoader(
      recorded(
        'destinationsBySource',
        async (ids: readonly string[]) => groupBy(await catalog.connections(), ids, (c) => c.sourceId),
        (k) => k,
      ),
    ),
    sourcePipelineCounts: groupedLoader<SourcePipelineKey, StepCounts>(
      'sourcePipelineCounts',
      (k) => rangeKey(k.range),
      (k) => `${k.sourceId}/${k.destinationId ?? ''}`,
      (keys) =>
        pipelineCounts(
          wdb,
          sliceOf(keys[0].range),
          keys.map((k) => ({ destinationId: k.destinationId ?? '', sourceIds: [k.sourceId], sourceId: k.sourceId })),
        ),
      record,
      // A source's own steps are asked for ticks before its destinations' rows (those wait for
      // two catalogue loaders); waiting for the next macrotask puts both in one statement.
      (run) => setImmediate(run),
    ),
  };
}

/** The attempts and latency tiers' loaders, each one statement per argument set. */
function outcomeLoaders(wdb: WorkspaceDb, record?: BatchRecorder): Pick<Loaders, 'attempts' | 'breakdownAttempts' | 'latency'> {
  return {
    attempts: groupedLoader<AttemptScope, AttemptCounts>(
      'attempts',
      (k) => `${sliceKey(k.slice)}|${k.sourceId === null ? 'all' : 'narrowed'}`,
      (k) => `${k.destinationId}/${k.sourceId ?? ''}`,
      (keys) => attemptCounts(wdb, keys[0].slice, keys),
      record,
    ),
    breakdownAttempts: groupedLoader<BreakdownAttemptsKey, AttemptPeriods>(
      'breakdownAttempts',
      (k) => JSON.stringify([k.scope.step, k.scope.sourceId ?? null, sliceKey(k.slice), k.reason, k.groupBy]),
      (k) => `${k.scope.destinationId}|${tupleKey(k.tuple)}`,
      async (keys) => {
        const scopes = [...new Map(keys.map((k) => [k.scope.destinationId, k.scope])).values()];
        const tuples = [...new Map(keys.map((k) => [tupleKey(k.tuple), k.tuple])).values()];
        const maps = await attemptBreakdown(wdb, scopes, keys[0].slice, keys[0].reason, keys[0].groupBy, tuples);
        const byDestination = new Map(scopes.map((s, i) => [s.destinationId, maps[i]]));
        const none = { now: { firstAttempt: 0, retried: 0 }, before: { firstAttempt: 0, retried: 0 } };
        return keys.map((k) => byDestination.get(k.scope.destinationId)?.get(tupleKey(k.tuple)) ?? none);
      },
      record,
    ),
    latency: groupedLoader<LatencyKey, LatencyValue>(
      'latency',
      (k) => JSON.stringify([k.step, sliceKey(k.slice), k.slice.range.timeZone, k.granularity]),
      (k) => k.destinationId,
      (keys) =>
        latencyMany(
          wdb,
          keys.map((k) => k.destinationId),
          keys[0].step,
          keys[0].slice,
          keys[0].granularity,
        ),
      record,
    ),
  };
}

function groupBy<T>(rows: T[], keys: readonly string[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k)!);
}
