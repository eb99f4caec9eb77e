import type { DestinationKind } from '../domain/steps';
import type { WorkspaceDb } from './workspace-db';

/** One catalog entity with its display name, as the snapshot holds it. */
export interface SnapshotEntity {
  entity: 'source' | 'destination' | 'mapping' | 'connection';
  id: string;
  /** A mapping's destination; a connection's destination (its `id` is the source). */
  parentId: string;
  kind: DestinationKind | '';
  name: string;
  firstSeen: number;
  lastSeen: number;
}

/** A workspace's whole catalog, read in one statement, indexed for the lookups requests make. */
export class CatalogSnapshot {
  readonly sources = new Map<string, SnapshotEntity>();
  readonly destinations = new Map<string, SnapshotEntity>();
  readonly mappingsByDestination = new Map<string, SnapshotEntity[]>();
  readonly connectionsByDestination = new Map<string, SnapshotEntity[]>();

  constructor(rows: readonly SnapshotEntity[]) {
    for (const r of rows) {
      if (r.entity === 'source') this.sources.set(r.id, r);
      else if (r.entity === 'destination') this.destinations.set(r.id, r);
      else push(r.entity === 'mapping' ? this.mappingsByDestination : this.connectionsByDestination, r.parentId, r);
    }
  }

  /** Whether every id is known (a batch naming a new one makes the snapshot stale). */
  knows(ids: { sources: Iterable<string>; destinations: Iterable<string>; mappings: Pairs; connections: Pairs }): boolean {
    for (const id of ids.sources) if (!this.sources.has(id)) return false;
    for (const id of ids.destinations) if (!this.destinations.has(id)) return false;
    const has = (byDestination: Map<string, SnapshotEntity[]>, pairs: Pairs) => {
      for (const [destinationId, id] of pairs.values()) if (!(byDestination.get(destinationId) ?? []).some((e) => e.id === id)) return false;
      return true;
    };
    return has(this.mappingsByDestination, ids.mappings) && has(this.connectionsByDestination, ids.connections);
  }
}

/** (destination, child id) pairs, keyed any way the caller likes. */
type Pairs = { values(): Iterable<[string, string]> };

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Per-workspace catalog snapshots, shared by every request for `ttlMs`. A destination page
 * needs its destination, its connections and maybe its mappings before the pipeline SQL
 * can run; from a warm snapshot those cost no ClickHouse statement. A snapshot is dropped
 * when ingest names an id it does not know, or a display name is set, and otherwise ages
 * out, so `lastSeenAt` may lag by up to `ttlMs`.
 */
export class CatalogCache {
  private readonly entries = new Map<string, { at: number; snapshot: Promise<CatalogSnapshot> }>();

  constructor(
    readonly ttlMs = 10_000,
    private readonly maxWorkspaces = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  snapshot(wdb: WorkspaceDb): Promise<CatalogSnapshot> {
    const now = this.clock();
    const hit = this.entries.get(wdb.workspaceId);
    if (hit && now - hit.at <= this.ttlMs) return hit.snapshot;
    if (this.entries.size >= this.maxWorkspaces) this.entries.clear();
    const entry = { at: now, snapshot: loadSnapshot(wdb) };
    this.entries.set(wdb.workspaceId, entry);
    entry.snapshot.catch(() => {
      if (this.entries.get(wdb.workspaceId) === entry) this.entries.delete(wdb.workspaceId);
    });
    return entry.snapshot;
  }

  /** The snapshot held for the workspace right now, without loading one. */
  async peek(workspaceId: string): Promise<CatalogSnapshot | null> {
    const hit = this.entries.get(workspaceId);
    if (!hit || this.clock() - hit.at > this.ttlMs) return null;
    return hit.snapshot.catch(() => null);
  }

  invalidate(workspaceId: string): void {
    this.entries.delete(workspaceId);
  }
}

/** The whole catalog of the workspace in one statement. */
export async function loadSnapshot(wdb: WorkspaceDb): Promise<CatalogSnapshot> {
  const rows = await wdb.query<{
    entity: SnapshotEntity['entity'];
    id: string;
    parent_id: string;
    kind: string;
    name: string;
    first_seen: number;
    last_seen: number;
  }>(
    'catalog',
    `SELECT e.entity AS entity, e.id AS id, e.parent_id AS parent_id, e.kind AS kind,
            if(n.name = '', e.id, n.name) AS name,
            toUnixTimestamp64Milli(e.first_seen) AS first_seen, toUnixTimestamp64Milli(e.last_seen) AS last_seen
     FROM (
       SELECT entity, id, parent_id, if(entity = 'connection', 'source', entity) AS name_entity,
              anyLast(kind) AS kind, min(first_seen) AS first_seen, max(last_seen) AS last_seen
       FROM ${wdb.table('catalog_entities')}
       WHERE workspace_id = {workspace:String}
       GROUP BY entity, id, parent_id
     ) AS e
     LEFT JOIN (
       SELECT entity, id, argMax(name, version) AS name
       FROM ${wdb.table('catalog_names')}
       WHERE workspace_id = {workspace:String}
       GROUP BY entity, id
     ) AS n ON n.entity = e.name_entity AND n.id = e.id
     ORDER BY entity, parent_id, id`,
    {},
  );
  return new CatalogSnapshot(
    rows.map((r) => ({
      entity: r.entity,
      id: r.id,
      parentId: r.parent_id,
      kind: r.kind as SnapshotEntity['kind'],
      name: r.name,
      firstSeen: Number(r.first_seen),
      lastSeen: Number(r.last_seen),
    })),
  );
}
