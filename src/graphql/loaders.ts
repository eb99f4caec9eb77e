import DataLoader from 'dataloader';
import type { CatalogService, ConnectionEntry, DestinationEntry, MappingEntry } from '../metrics/catalog.service';

/** Per-request loaders. Each batch function returns results in key order. */
export interface Loaders {
  destination: DataLoader<string, DestinationEntry | null>;
  mappingsByDestination: DataLoader<string, MappingEntry[]>;
  sourcesByDestination: DataLoader<string, ConnectionEntry[]>;
}

export function createLoaders(catalog: CatalogService): Loaders {
  return {
    destination: new DataLoader(async (ids) => {
      const rows = await catalog.destinations(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    mappingsByDestination: new DataLoader(async (ids) => groupBy(await catalog.mappings(ids), ids, (m) => m.destinationId)),
    sourcesByDestination: new DataLoader(async (ids) => groupBy(await catalog.connections(ids), ids, (c) => c.destinationId)),
  };
}

function groupBy<T>(rows: T[], keys: readonly string[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k)!);
}
