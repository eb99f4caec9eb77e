/**
 * The simulator proper: pure, no I/O, no clock. Traffic is generated minute by minute,
 * each minute from its own seeded generator, so any window can be produced on its
 * own and two adjacent windows add up to the window that spans both.
 *
 * Per minute and source, the events are split into aggregated groups (one per
 * event type, name, app version and enrichment flag); each group is one `received`
 * report plus its source-side discards, and for every connected destination its
 * filters, failures, retries and deliveries — all stamped with the group's time, so
 * a window boundary never cuts a group in half. A retry is enqueued at the group's
 * time and resolved (delivered or failed) a few minutes later; its resolution is
 * emitted only when it falls inside the window, otherwise the events stay in flight.
 * That makes, for any window and destination:
 *   received − failed_ingest − filtered_source
 *     = filtered_destination + failed_delivery + delivered + (retry_enqueued − retry_resolved).
 */
import type { MinuteCache } from './generator.cache';
import { generateSync } from './generator.syncs';
import { HOUR, MINUTE } from './generator.time';
import { generateMinute, MAX_RETRY_DELAY_MS } from './generator.traffic';
import { addOutcomes } from './generator.outcomes';
import type { GenerateOptions, RawDelivery, RawSync, SimDelivery, SimSync } from './generator.types';
import { worldFor } from './generator.world';

// The simulator's whole public surface is importable from here; the generator.* modules are its parts.
export { MinuteCache } from './generator.cache';
export { MAX_RETRY_DELAY_MS } from './generator.traffic';
export { expectedRate, rhythm } from './generator.volume';
export type { GenerateOptions, RawDelivery, RawSync, SimDelivery, SimSample, SimSync, SimSyncCollection } from './generator.types';

export function generateWindow(opts: GenerateOptions): { deliveries: SimDelivery[]; syncs: SimSync[] } {
  const raw = generateRaw(opts);
  return { deliveries: raw.deliveries.map(toSimDelivery), syncs: raw.syncs.map(toSimSync) };
}

/** Same as generateWindow, with numeric times (what the backfill encodes). */
export function generateRaw(opts: GenerateOptions, cache?: MinuteCache): { deliveries: RawDelivery[]; syncs: RawSync[] } {
  const origin = opts.origin ?? opts.from;
  const from = Math.max(opts.from, origin);
  const to = opts.to;
  const deliveries: RawDelivery[] = [];
  const syncs: RawSync[] = [];
  if (!(to > from)) return { deliveries, syncs };
  const world = worldFor(opts.model, opts.incidents);
  const scale = opts.volumeScale ?? 1;

  const firstMinute = Math.floor(Math.max(origin, from - MAX_RETRY_DELAY_MS) / MINUTE) * MINUTE;
  for (let m = firstMinute; m < to; m += MINUTE) {
    const make = () => addOutcomes(generateMinute(world, opts.seed, m, scale), opts.seed, m);
    const rows = cache ? cache.get(opts.seed, m, scale, make) : make();
    for (const r of rows) {
      if (r.time >= from && r.time < to && r.origin >= origin) deliveries.push(r);
    }
  }
  deliveries.sort((a, b) => a.time - b.time);

  for (const dest of world.model.destinations) {
    if (!dest.sync) continue;
    const every = dest.sync.everyMinutes * MINUTE;
    const offset = dest.sync.offsetMinutes * MINUTE;
    // A sync is reported when it finishes; it started at most an hour before.
    let slot = Math.floor((from - offset - HOUR) / every) * every + offset;
    for (; slot < to; slot += every) {
      const s = generateSync(world, opts.seed, dest, slot, scale);
      if (s.finishedAt >= from && s.finishedAt < to && s.startedAt >= origin) syncs.push(s);
    }
  }
  syncs.sort((a, b) => a.finishedAt - b.finishedAt);
  return { deliveries, syncs };
}

export function toSimDelivery(r: RawDelivery): SimDelivery {
  const timestamp = new Date(r.time).toISOString();
  const connection = r.destinationKind === 'retl' || r.destinationKind === 'audience';
  const d: SimDelivery = connection
    ? { timestamp, sourceId: r.sourceId, step: r.step, count: r.count }
    : {
        timestamp,
        sourceId: r.sourceId,
        step: r.step,
        eventType: r.eventType,
        eventName: r.eventName,
        appVersion: r.appVersion,
        enriched: r.enriched,
        count: r.count,
      };
  if (connection) for (const k of ['syncId', 'operation', 'audienceId', 'spaceId'] as const) if (r[k]) d[k] = r[k];
  if (r.destinationId !== '') d.destinationId = r.destinationId;
  if (r.destinationKind !== '') d.destinationKind = r.destinationKind;
  if (r.mappingId !== '') d.mappingId = r.mappingId;
  if (r.reason !== '') d.reason = r.reason;
  if (r.messageId !== '') d.messageId = r.messageId;
  if (r.sample) d.sample = r.sample;
  if (r.attempt !== undefined) d.attempt = r.attempt;
  if (r.latencyMs !== undefined) d.latencyMs = r.latencyMs;
  return d;
}

export function toSimSync(s: RawSync): SimSync {
  return {
    type: 'sync',
    destinationId: s.destinationId,
    syncId: s.syncId,
    startedAt: new Date(s.startedAt).toISOString(),
    finishedAt: new Date(s.finishedAt).toISOString(),
    status: s.status,
    reason: s.reason,
    collections: s.collections,
  };
}
