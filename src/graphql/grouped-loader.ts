import DataLoader from 'dataloader';

/** Records every batch a loader runs (tests assert `[[a, b], [c]]`-shaped calls). */
export type BatchRecorder = (loader: string, keys: string[]) => void;

/**
 * A DataLoader whose keys fall into groups that share one query (same range, mapping
 * and filter): one batch function call per group, results in key order.
 */
export function groupedLoader<K, V>(
  name: string,
  groupOf: (key: K) => string,
  idOf: (key: K) => string,
  batch: (keys: K[]) => Promise<V[]>,
  record?: BatchRecorder,
  /** When the batch runs (DataLoader's `batchScheduleFn`); default: after the current tick's promise jobs. */
  schedule?: (run: () => void) => void,
): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const groups = new Map<string, number[]>();
      keys.forEach((k, i) => {
        const g = groupOf(k);
        const list = groups.get(g) ?? [];
        list.push(i);
        groups.set(g, list);
      });
      const results: (V | Error)[] = new Array(keys.length);
      await Promise.all(
        [...groups.values()].map(async (indexes) => {
          const groupKeys = indexes.map((i) => keys[i]);
          record?.(name, groupKeys.map(idOf));
          try {
            const values = await batch(groupKeys);
            indexes.forEach((i, j) => (results[i] = values[j]));
          } catch (err) {
            indexes.forEach((i) => (results[i] = err as Error));
          }
        }),
      );
      return results;
    },
    { cacheKeyFn: (k) => `${groupOf(k)}|${idOf(k)}`, ...(schedule ? { batchScheduleFn: schedule } : {}) },
  );
}
