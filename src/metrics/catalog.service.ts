import type { DestinationKind } from '../domain/steps';
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

interface EntityRow {
  id: string;
  parent_id: string;
  kind: string;
  name: string;
  first_seen: number;
  last_seen: number;
}

/**
 * The workspace's sources, destinations, mappings and connections, as discovered
 * from its reports, with the display names set through the API (default: the id).
 */
export class CatalogService {
  constructor(private readonly wdb: WorkspaceDb) {}

  async sources(ids?: readonly string[]): Promise<CatalogEntry[]> {
    return (await this.entities('source', ids)).map(toEntry);
  }

  async destinations(ids?: readonly string[]): Promise<DestinationEntry[]> {
    const rows = await this.entities('destination', ids);
    return rows.map((r) => ({ ...toEntry(r), kind: r.kind as DestinationKind }));
  }

  async mappings(destinationIds: readonly string[]): Promise<MappingEntry[]> {
    const rows = await this.entities('mapping', undefined, destinationIds);
    return rows.map((r) => ({ ...toEntry(r), destinationId: r.parent_id }));
  }

  /** Source→destination connections for these destinations (all of them when omitted). */
  async connections(destinationIds?: readonly string[]): Promise<ConnectionEntry[]> {
    const rows = await this.entities('connection', undefined, destinationIds);
    return rows.map((r) => ({ sourceId: r.id, destinationId: r.parent_id }));
  }

  /** How many sources and destinations the workspace has (for pricing list fields). */
  async sizes(): Promise<{ sources: number; destinations: number }> {
    const rows = await this.wdb.query<{ entity: string; n: number }>(
      'catalog_sizes',
      `SELECT entity, uniqExact(id) AS n FROM ${this.wdb.table('catalog_entities')}
       WHERE workspace_id = {workspace:String} AND entity IN ('source', 'destination') GROUP BY entity`,
      {},
    );
    const of = (entity: string) => Number(rows.find((r) => r.entity === entity)?.n ?? 0);
    return { sources: of('source'), destinations: of('destination') };
  }

  async setName(entity: CatalogEntity, id: string, name: string): Promise<void> {
    await this.wdb.command(
      'catalog',
      `INSERT INTO ${this.wdb.table('catalog_names')} (workspace_id, entity, id, name, version)
       VALUES ({workspace:String}, {entity:String}, {id:String}, {name:String}, toUnixTimestamp64Micro(now64(6)))`,
      { entity, id, name },
    );
  }

  private async entities(entity: string, ids?: readonly string[], parents?: readonly string[]): Promise<EntityRow[]> {
    const nameEntity = entity === 'connection' ? 'source' : entity;
    return this.wdb.query<EntityRow>(
      'catalog',
      `SELECT e.id AS id, e.parent_id AS parent_id, e.kind AS kind,
              if(n.name = '', e.id, n.name) AS name,
              toUnixTimestamp64Milli(e.first_seen) AS first_seen, toUnixTimestamp64Milli(e.last_seen) AS last_seen
       FROM (
         SELECT id, parent_id, anyLast(kind) AS kind, min(first_seen) AS first_seen, max(last_seen) AS last_seen
         FROM ${this.wdb.table('catalog_entities')}
         WHERE workspace_id = {workspace:String} AND entity = {entity:String}
           AND ({noIds:Bool} OR id IN {ids:Array(String)})
           AND ({noParents:Bool} OR parent_id IN {parents:Array(String)})
         GROUP BY id, parent_id
       ) AS e
       LEFT JOIN (
         SELECT id, argMax(name, version) AS name
         FROM ${this.wdb.table('catalog_names')}
         WHERE workspace_id = {workspace:String} AND entity = {nameEntity:String}
         GROUP BY id
       ) AS n ON n.id = e.id
       ORDER BY parent_id, id`,
      { entity, nameEntity, noIds: ids === undefined, ids: ids ?? [], noParents: parents === undefined, parents: parents ?? [] },
    );
  }
}

function toEntry(r: EntityRow): CatalogEntry {
  return { id: r.id, name: r.name, firstSeenAt: new Date(Number(r.first_seen)), lastSeenAt: new Date(Number(r.last_seen)) };
}
