/** The shape of a simulated workspace and of its incidents (the data is in model.ts and model.incidents.ts). */
import type { DestinationKind } from '../domain/steps';
import type { Weighted } from './random';
import type { ConnectionIncident, DemoConnections } from './model.connections';

export type SimEventType = 'track' | 'identify' | 'page' | 'screen' | 'group';
export type Platform = 'web' | 'mobile' | 'server';

export interface SimEventDef {
  type: SimEventType;
  name: string;
  /** Relative frequency among the events a source sends. */
  weight: number;
  platforms: readonly Platform[];
}

export interface SimSource {
  id: string;
  name: string;
  platform: Platform;
  /** Mean events per minute at an average hour of a weekday (before the daily rhythm). */
  ratePerMinute: number;
  /** How strongly the daily rhythm swings this source (0 = flat, 1 = full swing). */
  rhythm: number;
  appVersions: readonly Weighted<string>[];
  /** Share of events that went through an enrichment step. */
  enrichedShare: number;
  /** Per-event probability of failing on ingest, and the codes it fails with. */
  failedIngestRate: number;
  failedIngestReasons: readonly Weighted<string>[];
  /** Per-event probability of being filtered at source (tracking plan, event settings). */
  filteredSourceRate: number;
  filteredSourceReasons: readonly Weighted<string>[];
  /** A library name for sample payloads. */
  library: { name: string; version: string };
}

export interface SimMapping {
  id: string;
  name: string;
  /** The mapping's trigger: events of these types… */
  eventTypes: readonly SimEventType[];
  /** …and, when set, only with these names. */
  eventNames?: readonly string[];
}

export interface SimSyncPlan {
  /** A sync starts every `everyMinutes`, `offsetMinutes` after the hour. */
  everyMinutes: number;
  offsetMinutes: number;
  /** Collections (tables) a sync loads, with their share of the rows. */
  collections: readonly Weighted<string>[];
}

export interface SimDestination {
  id: string;
  name: string;
  kind: DestinationKind;
  sourceIds: readonly string[];
  /** Event types the destination cannot take: filtered as UNSUPPORTED_EVENT_TYPE. */
  unsupportedEventTypes: readonly SimEventType[];
  /** Event names a destination filter drops: filtered as FILTERED_BY_RULES. */
  blockedEventNames: readonly string[];
  /** Per-event probability of a partial destination-side filter, and its reasons. */
  filterRate: number;
  filterReasons: readonly Weighted<string>[];
  /** Per-event probability of an immediate (non-retryable) delivery failure. */
  failRate: number;
  failReasons: readonly Weighted<string>[];
  /** Per-event probability of a retryable failure that goes to the retry queue. */
  retryRate: number;
  retryReasons: readonly Weighted<string>[];
  /** Share of retried events that finally fail. */
  retryFailShare: number;
  mappings: readonly SimMapping[];
  sync: SimSyncPlan | null;
}

export interface WorkspaceModel {
  id: string;
  name: string;
  sources: readonly SimSource[];
  destinations: readonly SimDestination[];
  events: readonly SimEventDef[];
  /** Mean number of single-event reports (with a messageId) per source per minute. */
  singleEventsPerMinute: number;
  /** Events per aggregated report, roughly: fewer, fatter reports when larger. */
  eventsPerReport: number;
  /** Probability that a discard report carries a sample payload. */
  sampleRate: number;
  /** Reverse ETL and audience destinations (generator.connections.ts); none when absent. */
  connections?: DemoConnections;
}

// ── Incidents ─────────────────────────────────────────────────────────────────────

export interface RateLimitStorm {
  kind: 'rate_limit_storm';
  id: string;
  destinationId: string;
  start: number;
  end: number;
  reason: string;
  /** Share of events failing outright / going to retry during the storm. */
  failRate: number;
  retryRate: number;
  /** Share of storm retries that finally fail. */
  retryFailShare: number;
}

export interface SchemaViolationSpike {
  kind: 'schema_violation_spike';
  id: string;
  sourceId: string;
  /** The app version whose release caused it; it appears at `start`. */
  appVersion: string;
  start: number;
  end: number;
  /** Share of that version's events filtered as schema_violation during the spike. */
  rate: number;
}

export interface SyncFailure {
  kind: 'sync_failure';
  id: string;
  destinationId: string;
  start: number;
  end: number;
  reason: string;
}

/**
 * One scripted message the docs can name: received by `sourceId` at `start`, retried once at
 * `retryAt` (429) and then delivered there, delivered (or filtered) at every other destination
 * of its source, all by `end`. Its id is `id`, fixed, so `trace` has a known answer in the demo.
 */
export interface TracedMessage {
  kind: 'traced_message';
  id: string;
  sourceId: string;
  start: number;
  end: number;
  eventName: string;
  appVersion: string;
  retryAt: string;
}

export type Incident = RateLimitStorm | SchemaViolationSpike | SyncFailure | TracedMessage | ConnectionIncident;
