/**
 * The world: the workspace model with its lookup tables built and incidents indexed
 * per source and destination, built once per model and incident list and reused by
 * every minute and sync generated from them.
 */
import type {
  Incident,
  RateLimitStorm,
  SchemaViolationSpike,
  SimDestination,
  SimEventDef,
  SimSource,
  SyncFailure,
  TracedMessage,
  WorkspaceModel,
} from './model';
import { WeightedTable, type Weighted } from './random';

export interface Combo {
  event: SimEventDef;
  appVersion: string;
  enriched: boolean;
}

export interface SourceState {
  source: SimSource;
  index: number;
  /** Combo tables: the normal one, and one per release incident while its version is not out yet. */
  combos: WeightedTable<Combo>;
  prerelease: { before: number; combos: WeightedTable<Combo> }[];
  failedIngest: WeightedTable<string>;
  filteredSource: WeightedTable<string>;
  destinations: DestState[];
  spikes: SchemaViolationSpike[];
  /** Scripted messages this source receives (the docs' trace example). */
  traced: TracedMessage[];
}

export interface DestState {
  dest: SimDestination;
  filter: WeightedTable<string> | null;
  fail: WeightedTable<string> | null;
  retry: WeightedTable<string> | null;
  storms: RateLimitStorm[];
}

export interface World {
  model: WorkspaceModel;
  sources: SourceState[];
  syncFailures: SyncFailure[];
  /** Every incident, for the connection kinds' generator (generator.connections.ts). */
  incidents: readonly Incident[];
}

const worlds = new WeakMap<WorkspaceModel, Map<string, World>>();

export function worldFor(model: WorkspaceModel, incidents: readonly Incident[]): World {
  const key = JSON.stringify(incidents);
  let byIncidents = worlds.get(model);
  if (!byIncidents) {
    byIncidents = new Map();
    worlds.set(model, byIncidents);
  }
  let world = byIncidents.get(key);
  if (!world) {
    world = buildWorld(model, incidents);
    if (byIncidents.size > 16) byIncidents.clear();
    byIncidents.set(key, world);
  }
  return world;
}

function table<T>(items: readonly Weighted<T>[]): WeightedTable<T> | null {
  const t = new WeightedTable(items);
  return t.size > 0 ? t : null;
}

function buildWorld(model: WorkspaceModel, incidents: readonly Incident[]): World {
  const destStates = model.destinations.map<DestState>((dest) => ({
    dest,
    filter: table(dest.filterReasons),
    fail: table(dest.failReasons),
    retry: table(dest.retryReasons),
    storms: incidents.filter((i): i is RateLimitStorm => i.kind === 'rate_limit_storm' && i.destinationId === dest.id),
  }));
  const sources = model.sources.map<SourceState>((source, index) => {
    const spikes = incidents.filter((i): i is SchemaViolationSpike => i.kind === 'schema_violation_spike' && i.sourceId === source.id);
    const comboTable = (hiddenVersions: readonly string[]) => {
      const items: Weighted<Combo>[] = [];
      for (const event of model.events) {
        if (!event.platforms.includes(source.platform)) continue;
        for (const v of source.appVersions) {
          if (hiddenVersions.includes(v.value)) continue;
          for (const enriched of [false, true]) {
            items.push({
              value: { event, appVersion: v.value, enriched },
              weight: event.weight * v.weight * (enriched ? source.enrichedShare : 1 - source.enrichedShare),
            });
          }
        }
      }
      return new WeightedTable(items);
    };
    // A version released by an incident does not exist before the incident starts.
    const releases = [...spikes].sort((a, b) => a.start - b.start);
    const prerelease = releases.map((spike, i) => ({
      before: spike.start,
      combos: comboTable(releases.slice(i).map((s) => s.appVersion)),
    }));
    return {
      source,
      index,
      combos: comboTable([]),
      prerelease,
      failedIngest: new WeightedTable(source.failedIngestReasons),
      filteredSource: new WeightedTable(source.filteredSourceReasons),
      destinations: destStates.filter((d) => d.dest.sourceIds.includes(source.id)),
      spikes,
      traced: incidents.filter((i): i is TracedMessage => i.kind === 'traced_message' && i.sourceId === source.id),
    };
  });
  return {
    model,
    sources,
    syncFailures: incidents.filter((i): i is SyncFailure => i.kind === 'sync_failure'),
    incidents,
  };
}

export function combosAt(state: SourceState, time: number): WeightedTable<Combo> {
  for (const p of state.prerelease) if (time < p.before) return p.combos;
  return state.combos;
}

export function activeSpike(state: SourceState, combo: Combo, t: number): SchemaViolationSpike | null {
  for (const s of state.spikes) if (t >= s.start && t < s.end && s.appVersion === combo.appVersion) return s;
  return null;
}

export function activeStorm(d: DestState, t: number): RateLimitStorm | null {
  for (const s of d.storms) if (t >= s.start && t < s.end) return s;
  return null;
}
