import DataLoader from 'dataloader';
import type { DestinationKind } from '../domain/steps';
import type { ConnectionEntry } from '../metrics/catalog.service';
import { pipelineWithGauge, retryPending, type PipelineRead, type RetryKey } from '../metrics/pipeline.query';
import type { WorkspaceDb } from '../metrics/workspace-db';
import type { BatchRecorder } from './grouped-loader';
import { sliceKey, type Slice } from '../metrics/slice';

export interface PipelineKey {
  destinationId: string;
  kind: DestinationKind;
  slice: Slice;
}

/** The one method the resolvers call on a loader. */
export interface Load<K, V> {
  load(key: K): Promise<V>;
}

/** A pipeline (its counts and gauge), or the gauge alone. */
type ReadKey = { pipeline: PipelineKey; gauge?: undefined } | { gauge: RetryKey; pipeline?: undefined };
type ReadValue = PipelineRead | number;

/** Keys of one range, mapping and filter share one pipeline statement. */
const groupOf = (k: PipelineKey) => sliceKey(k.slice);
const gaugeId = (destinationId: string, mappingId: string | null) => `${destinationId}/${mappingId ?? ''}`;

/**
 * `pipelineCounts` and `retryPending` through one DataLoader, so one dispatch sees both kinds
 * of key: pipeline keys of one range, mapping and filter are one statement (counts and
 * gauge, `pipelineWithGauge`), a gauge key whose destination and mapping such a statement
 * reads takes its gauge from it, and only the gauge keys left over are one gauge statement.
 * Both fields of a request are asked in the same tick, so `{ retryPending pipeline(...) }`
 * is one statement, and `{ retryPending }` alone one gauge statement, no pipeline.
 */
export function pipelineReads(
  wdb: WorkspaceDb,
  sourcesByDestination: DataLoader<string, ConnectionEntry[]>,
  record?: BatchRecorder,
): { pipelineCounts: Load<PipelineKey, PipelineRead>; retryPending: Load<RetryKey, number> } {
  const readGroup = async (keys: PipelineKey[]): Promise<PipelineRead[]> => {
    const connections = await sourcesByDestination.loadMany(keys.map((k) => k.destinationId));
    const scopes = keys.map((k, i) => {
      const c = connections[i];
      if (c instanceof Error) throw c;
      return { destinationId: k.destinationId, sourceIds: c.map((x) => x.sourceId) };
    });
    return pipelineWithGauge(wdb, keys[0].slice, scopes);
  };
  const reads = new DataLoader<ReadKey, ReadValue, string>((keys) => readBatch(wdb, keys, readGroup, record), {
    cacheKeyFn: (k) => (k.pipeline ? `p|${groupOf(k.pipeline)}|${k.pipeline.destinationId}` : `g|${gaugeId(k.gauge.destinationId, k.gauge.mappingId)}`),
  });
  return {
    pipelineCounts: { load: (key) => reads.load({ pipeline: key }) as Promise<PipelineRead> },
    retryPending: { load: (key) => reads.load({ gauge: key }) as Promise<number> },
  };
}

/** One dispatch: a statement per pipeline group (its riders' gauges included), one for the gauges left over; results in key order. */
async function readBatch(
  wdb: WorkspaceDb,
  keys: readonly ReadKey[],
  readGroup: (keys: PipelineKey[]) => Promise<PipelineRead[]>,
  record?: BatchRecorder,
): Promise<(ReadValue | Error)[]> {
  const groups = new Map<string, { pipelines: number[]; riders: number[] }>();
  const readBy = new Map<string, string>(); // gauge id → the first group whose statement reads it
  keys.forEach((k, i) => {
    if (!k.pipeline) return;
    const g = groupOf(k.pipeline);
    const group = groups.get(g) ?? { pipelines: [], riders: [] };
    group.pipelines.push(i);
    groups.set(g, group);
    const id = gaugeId(k.pipeline.destinationId, k.pipeline.slice.mappingId);
    if (!readBy.has(id)) readBy.set(id, g);
  });
  const alone: number[] = [];
  keys.forEach((k, i) => {
    if (!k.gauge) return;
    const g = readBy.get(gaugeId(k.gauge.destinationId, k.gauge.mappingId));
    if (g === undefined) alone.push(i);
    else groups.get(g)!.riders.push(i);
  });
  const results: (ReadValue | Error)[] = new Array(keys.length);
  const settle = async (indexes: number[], run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      indexes.forEach((i) => (results[i] = err as Error));
    }
  };
  await Promise.all([
    ...[...groups.values()].map(({ pipelines, riders }) =>
      settle([...pipelines, ...riders], async () => {
        const groupKeys = pipelines.map((i) => keys[i].pipeline!);
        record?.(
          'pipelineCounts',
          groupKeys.map((k) => k.destinationId),
        );
        const values = await readGroup(groupKeys);
        pipelines.forEach((i, j) => (results[i] = values[j]));
        const pending = new Map(groupKeys.map((k, j) => [k.destinationId, values[j].pending]));
        riders.forEach((i) => (results[i] = pending.get(keys[i].gauge!.destinationId)!));
      }),
    ),
    alone.length === 0
      ? Promise.resolve()
      : settle(alone, async () => {
          const gaugeKeys = alone.map((i) => keys[i].gauge!);
          record?.(
            'retryPending',
            gaugeKeys.map((k) => gaugeId(k.destinationId, k.mappingId)),
          );
          const values = await retryPending(wdb, gaugeKeys);
          alone.forEach((i, j) => (results[i] = values[j]));
        }),
  ]);
  return results;
}
