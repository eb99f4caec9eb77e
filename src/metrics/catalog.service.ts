import type { DestinationKind } from '../domain/steps';
import { loadSnapshot, type CatalogCache, type CatalogSnapshot, type SnapshotEntity } from './catalog.cache';
import type { WorkspaceDb } from './workspace-db';

export interface CatalogEntry {
  id: string;
  name: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}
export interface DestinationEntry extends CatalogEntry {
  kind: DestinationKind;
}
export interface MappingEntry extends CatalogEntry {
  destinationId: string;
}
export interface ConnectionEntry {
  sourceId: string;
  destinationId: string;
}

export type CatalogEntity = 'source' | 'destination' | 'mapping';

/**
 * The workspace's sources, destinations, mappings and connections, as discovered
 * from its reports, with the display names set through the API (default: the id).
 * Read from a snapshot of the whole catalog: the gateway's shared CatalogCache when given
 * (no statement while it is warm), else one statement per call.
 */
export class CatalogService {
  constructor(
    private readonly wdb: WorkspaceDb,
    private readonly cache?: CatalogCache,
  ) {}

  async sources(ids?: readonly string[]): Promise<CatalogEntry[]> {
    const snapshot = await this.snapshot();
    return pick(snapshot.sources, ids).map(toEntry);
  }

  async destinations(ids?: readonly string[]): Promise<DestinationEntry[]> {
    const snapshot = await this.snapshot();
    return pick(snapshot.destinations, ids).map((r) => ({ ...toEntry(r), kind: r.kind as DestinationKind }));
  }

  async mappings(destinationIds: readonly string[]): Promise<MappingEntry[]> {
    const snapshot = await this.snapshot();
    return destinationIds.flatMap((d) => snapshot.mappingsByDestination.get(d) ?? []).map((r) => ({ ...toEntry(r), destinationId: r.parentId }));
  }

  /** Source→destination connections for these destinations (all of them when omitted). */
  async connections(destinationIds?: readonly string[]): Promise<ConnectionEntry[]> {
    const snapshot = await this.snapshot();
    const ids = destinationIds ?? [...snapshot.connectionsByDestination.keys()];
    return ids.flatMap((d) => snapshot.connectionsByDestination.get(d) ?? []).map((r) => ({ sourceId: r.id, destinationId: r.parentId }));
  }

  /** How many sources and destinations the workspace has (for pricing list fields). */
  async sizes(): Promise<{ sources: number; destinations: number }> {
    const snapshot = await this.snapshot();
    return { sources: snapshot.sources.size, destinations: snapshot.destinations.size };
  }

  async setName(entity: CatalogEntity, id: string, name: string): Promise<void> {
    await this.wdb.command(
      'catalog',
      `INSERT INTO ${this.wdb.table('catalog_names')} (workspace_id, entity, id, name, version)
       VALUES ({workspace:String}, {entity:String}, {id:String}, {name:String}, toUnixTimestamp64Micro(now64(6)))`,
      { entity, id, name },
    );
    this.cache?.invalidate(this.wdb.workspaceId);
  }

  private snapshot(): Promise<CatalogSnapshot> {
    return this.cache ? this.cache.snapshot(this.wdb) : loadSnapshot(this.wdb);
  }
}

/** The entries for `ids` (in id order, unknown ids skipped), or all of them. */
function pick(byId: ReadonlyMap<string, SnapshotEntity>, ids?: readonly string[]): SnapshotEntity[] {
  if (ids === undefined) return [...byId.values()];
  return [...new Set(ids)].sort().flatMap((id) => byId.get(id) ?? []);
}

function toEntry(r: SnapshotEntity): CatalogEntry {
  return { id: r.id, name: r.name, firstSeenAt: new Date(r.firstSeen), lastSeenAt: new Date(r.lastSeen) };
}
