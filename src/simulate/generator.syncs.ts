/** Warehouse syncs: one report per scheduled sync of a storage destination, seeded by destination and slot. */
import type { SyncStatus } from '../domain/steps';
import type { SimDestination } from './model';
import { Rng } from './random';
import { HOUR } from './generator.time';
import type { RawSync } from './generator.types';
import { expectedRate } from './generator.volume';
import type { World } from './generator.world';

const PARTIAL_REASONS = [
  'Column "price" has type FLOAT64 in the warehouse but STRING in 12 events; those rows were skipped',
  'Row exceeds the maximum row size of the warehouse; oversized rows were skipped',
  'Column "context_campaign_name" could not be added: the table reached its column limit',
  'Value of "properties.quantity" is out of range for INT64; those rows were skipped',
];
const FAILED_REASONS = ['Warehouse unreachable: connection timed out after 30 s', 'Load job was cancelled by the warehouse: query queue is full'];

export function generateSync(world: World, seed: number, dest: SimDestination, slot: number, scale: number): RawSync {
  const rng = Rng.of(seed, 'sync', dest.id, slot);
  const plan = dest.sync!;
  const startedAt = slot + rng.int(0, 45_000);
  // Rows loaded: roughly what the connected sources sent during the interval.
  let expected = 0;
  for (const state of world.sources) {
    if (!dest.sourceIds.includes(state.source.id)) continue;
    expected += expectedRate(state.source, slot - HOUR / 2, scale) * plan.everyMinutes * 0.95;
  }
  expected *= 1 + 0.05 * rng.gaussian();
  const weightTotal = plan.collections.reduce((s, c) => s + c.weight, 0);
  const incident = world.syncFailures.find((f) => f.destinationId === dest.id && startedAt >= f.start && startedAt < f.end);
  const roll = rng.next();
  const status: SyncStatus = incident || roll < 0.015 ? 'failed' : roll < 0.1 ? 'partial' : 'success';
  const reason = incident ? incident.reason : status === 'failed' ? rng.pick(FAILED_REASONS) : '';
  const partialIndex = rng.int(0, plan.collections.length - 1);
  const partialReason = rng.pick(PARTIAL_REASONS);
  const collections = plan.collections.map((c, i) => {
    const rows = Math.max(0, Math.round((expected * c.weight) / weightTotal));
    if (status === 'failed') return { name: c.value, rowsSynced: 0, rowsFailed: rows, reason };
    if (status === 'partial' && i === partialIndex) {
      const bad = Math.max(1, Math.round(rows * (0.002 + 0.03 * rng.next())));
      return { name: c.value, rowsSynced: Math.max(0, rows - bad), rowsFailed: bad, reason: partialReason };
    }
    return { name: c.value, rowsSynced: rows, rowsFailed: 0, reason: '' };
  });
  const duration = status === 'failed' ? rng.int(20_000, 90_000) : rng.int(60_000, 300_000);
  const stamp = new Date(slot).toISOString().replace(/[-:]/g, '').slice(0, 13);
  return {
    destinationId: dest.id,
    syncId: `sync-${dest.id}-${stamp}`,
    startedAt,
    finishedAt: startedAt + duration,
    status,
    reason: status === 'partial' ? `${collections.filter((c) => c.rowsFailed > 0).length} collection(s) had rows that could not be loaded` : reason,
    collections,
  };
}
